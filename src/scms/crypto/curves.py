"""Hazardous material: raw elliptic-curve domain parameters; no validation or policy lives here.

Use `scms.dot2` (certificates, SPDUs), which picks the curve from the 1609.2 structure. The four curves of IEEE
1609.2 §5.3.1 are listed with their SEC 2 / RFC 5639 domain parameters and the hash 1609.2 pairs with each
(SHA-256 for the 256-bit curves, SHA-384 for the 384-bit ones). The matching `cryptography` curve object is
created once per curve here and reused, so hot paths never build one.
"""

from __future__ import annotations

from enum import Enum

from cryptography.hazmat.primitives.asymmetric import ec

from scms.crypto.hashing import HashAlgorithm

__all__ = ["Curve"]

_EC_CURVES: dict[str, type[ec.EllipticCurve]] = {
    "secp256r1": ec.SECP256R1,
    "secp384r1": ec.SECP384R1,
    "brainpoolP256r1": ec.BrainpoolP256R1,
    "brainpoolP384r1": ec.BrainpoolP384R1,
}


class Curve(Enum):
    """A curve of 1609.2: value = (OpenSSL name, p, a, b, Gx, Gy, n); all four have cofactor 1."""

    P256 = (
        "secp256r1",
        0xFFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF,
        0xFFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFC,
        0x5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B,
        0x6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296,
        0x4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5,
        0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551,
    )
    P384 = (
        "secp384r1",
        0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFFFF0000000000000000FFFFFFFF,
        0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFFFF0000000000000000FFFFFFFC,
        0xB3312FA7E23EE7E4988E056BE3F82D19181D9C6EFE8141120314088F5013875AC656398D8A2ED19D2A85C8EDD3EC2AEF,
        0xAA87CA22BE8B05378EB1C71EF320AD746E1D3B628BA79B9859F741E082542A385502F25DBF55296C3A545E3872760AB7,
        0x3617DE4A96262C6F5D9E98BF9292DC29F8F41DBD289A147CE9DA3113B5F0B8C00A60B1CE1D7E819D7A431D7C90EA0E5F,
        0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973,
    )
    BRAINPOOL_P256R1 = (
        "brainpoolP256r1",
        0xA9FB57DBA1EEA9BC3E660A909D838D726E3BF623D52620282013481D1F6E5377,
        0x7D5A0975FC2C3057EEF67530417AFFE7FB8055C126DC5C6CE94A4B44F330B5D9,
        0x26DC5C6CE94A4B44F330B5D9BBD77CBF958416295CF7E1CE6BCCDC18FF8C07B6,
        0x8BD2AEB9CB7E57CB2C4B482FFC81B7AFB9DE27E1E3BD23C23A4453BD9ACE3262,
        0x547EF835C3DAC4FD97F8461A14611DC9C27745132DED8E545C1D54C72F046997,
        0xA9FB57DBA1EEA9BC3E660A909D838D718C397AA3B561A6F7901E0E82974856A7,
    )
    BRAINPOOL_P384R1 = (
        "brainpoolP384r1",
        0x8CB91E82A3386D280F5D6F7E50E641DF152F7109ED5456B412B1DA197FB71123ACD3A729901D1A71874700133107EC53,
        0x7BC382C63D8C150C3C72080ACE05AFA0C2BEA28E4FB22787139165EFBA91F90F8AA5814A503AD4EB04A8C7DD22CE2826,
        0x04A8C7DD22CE28268B39B55416F0447C2FB77DE107DCD2A62E880EA53EEB62D57CB4390295DBC9943AB78696FA504C11,
        0x1D1C64F068CF45FFA2A63A81B7C13F6B8847A3E77EF14FE3DB7FCAFE0CBD10E8E826E03436D646AAEF87B2E247D4AF1E,
        0x8ABE1D7520F9C2A45CB1EB8E95CFD55262B70B29FEEC5864E19C054FF99129280E4646217791811142820341263C5315,
        0x8CB91E82A3386D280F5D6F7E50E641DF152F7109ED5456B31F166E6CAC0425A7CF3AB6AF6B7FC3103B883202E9046565,
    )

    openssl_name: str
    p: int
    a: int
    b: int
    gx: int
    gy: int
    n: int
    size: int
    hash_algorithm: HashAlgorithm
    ec_curve: ec.EllipticCurve

    def __init__(self, openssl_name: str, p: int, a: int, b: int, gx: int, gy: int, n: int) -> None:
        self.openssl_name = openssl_name
        self.p, self.a, self.b, self.gx, self.gy, self.n = p, a, b, gx, gy, n
        self.size = (p.bit_length() + 7) // 8
        self.hash_algorithm = HashAlgorithm.SHA256 if self.size == 32 else HashAlgorithm.SHA384
        self.ec_curve = _EC_CURVES[openssl_name]()

    def __repr__(self) -> str:
        return f"Curve.{self.name}"

    @classmethod
    def from_openssl_name(cls, name: str) -> Curve:
        """The curve `cryptography` calls `name` (e.g. a loaded key's `curve.name`); ValueError if unsupported."""
        for curve in cls:
            if curve.openssl_name == name:
                return curve
        raise ValueError(f"unsupported curve {name!r}")
