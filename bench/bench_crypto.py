"""scms.crypto: microseconds per primitive, and the ACA's crypto cost per pseudonym certificate."""

from __future__ import annotations

from bench._timing import per_op_micros
from scms.crypto import (
    Curve,
    EciesEncryptedKey,
    KeyPurpose,
    Point,
    SoftwareKey,
    aes128ccm_decrypt,
    aes128ccm_encrypt,
    cocoon_public_key,
    ecies_unwrap,
    ecies_wrap,
    ecqv_begin,
    ecqv_e,
    ecqv_finish,
    ecqv_private_key,
    ecqv_public_key,
    expansion_f,
    explicit_randomize,
    new_aes128_key,
    new_ccm_nonce,
    pre_linkage_values,
    signing_digest,
    verify_digest,
)

P256 = Curve.P256


def run() -> list[tuple[str, float]]:
    key, peer, ca = SoftwareKey.generate(), SoftwareKey.generate(), SoftwareKey.generate()
    digest = signing_digest(P256, b"tbs" * 40, b"signer certificate" * 8)
    signature = key.sign_digest(digest)
    a, b = key.public_point, peer.public_point
    compressed = b.encode()
    secret = (0x1234567890ABCDEF << 192 | 0xFEDCBA).to_bytes(32)
    wrapped = ecies_wrap(a, bytes(16), b"p1")
    v_bytes = wrapped.v.encode()
    aes_key, nonce, plaintext = new_aes128_key(), new_ccm_nonce(), bytes(200)
    sealed = aes128ccm_encrypt(aes_key, nonce, plaintext)
    expansion_key = bytes(range(16))
    issuer_certificate = b"\x80\x03\x00" + bytes(200)
    tbs_prefix = bytes(60)

    def ecqv_issue() -> bytes:
        issuance = ecqv_begin(b)
        e = ecqv_e(tbs_prefix + issuance.reconstruction_point.encode(), issuer_certificate)
        return ecqv_finish(issuance, e, ca)

    issuance = ecqv_begin(key.public_point)
    e = ecqv_e(tbs_prefix + issuance.reconstruction_point.encode(), issuer_certificate)
    r = ecqv_finish(issuance, e, ca)
    reconstruction = issuance.reconstruction_point

    def aca_certificate() -> object:
        # The crypto an ACA does per implicit pseudonym certificate: ECQV, sign the response, encrypt it.
        ecqv_issue()
        ca.sign_digest(digest)
        ecies_wrap(a, aes_key, b"")
        return aes128ccm_encrypt(aes_key, nonce, plaintext)

    rows = [
        ("ECDSA sign P-256 (digest, x-only r)", lambda: key.sign_digest(digest)),
        ("ECDSA verify P-256 (x-only r)", lambda: verify_digest(a, digest, signature)),
        ("ECDSA x-only -> compressed R (recover R)", lambda: signature.with_r_point(a, digest)),
        ("ECDH P-256", lambda: key.ecdh(b)),
        ("k*G secret scalar (OpenSSL, key import)", lambda: SoftwareKey.from_private_bytes(P256, secret).public_point),
        ("k*P public scalar (mul_public)", lambda: b.mul_public(0xDEADBEEF << 200)),
        ("point addition P + Q", lambda: a + b),
        ("point decompression", lambda: Point.decode(P256, compressed)),
        ("ECIES wrap (fresh ephemeral key)", lambda: ecies_wrap(a, aes_key, b"p1")),
        (
            "ECIES unwrap (V decoded from bytes)",
            lambda: ecies_unwrap(key, EciesEncryptedKey(Point.decode(P256, v_bytes), wrapped.c, wrapped.t), b"p1"),
        ),
        ("AES-128-CCM encrypt 200 B", lambda: aes128ccm_encrypt(aes_key, nonce, plaintext)),
        ("AES-128-CCM decrypt 200 B", lambda: aes128ccm_decrypt(aes_key, nonce, sealed)),
        ("butterfly expansion f(k, i, j)", lambda: expansion_f(expansion_key, 142, 7, KeyPurpose.SIGNING)),
        ("cocoon public key A + f*G (RA)", lambda: cocoon_public_key(a, expansion_key, 142, 7, KeyPurpose.SIGNING)),
        ("explicit randomisation c, B + c*G (ACA)", lambda: explicit_randomize(b)),
        ("ECQV issue: begin + e + finish (CA)", ecqv_issue),
        ("ECQV public key e*P + Q_CA", lambda: ecqv_public_key(e, reconstruction, ca.public_point)),
        (
            "ECQV private key + check (EE)",
            lambda: ecqv_private_key(key, e, r, reconstruction, ca.public_point),
        ),
        ("pre-linkage values, 20 j (LA)", lambda: pre_linkage_values(0x1234, expansion_key, range(20))),
        ("ACA crypto per implicit certificate (ECQV+sign+ECIES+CCM)", aca_certificate),
    ]
    return [(name, per_op_micros(fn)) for name, fn in rows]
