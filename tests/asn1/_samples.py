"""Real encodings for the codec tests, read through tests/vectors.py (never copied into the repository)."""

from __future__ import annotations

from typing import Any

from scms.asn1 import decode, encode
from vectors import VECTORS_DIR, case_params, load_json, read_bytes, unhex

CERTIFICATE_FILES = (
    "real-certificates/iss-root.json",
    "real-certificates/ghs-implicit.json",
    "real-certificates/ghs-butterfly-pseudonym.json",
)


def certificate_params() -> list[Any]:
    """One param per real certificate case."""
    return [param for path in CERTIFICATE_FILES for param in case_params(path)]


def real_certificates() -> list[bytes]:
    """Every whole certificate in the real-certificates files (subject and issuer certificates)."""
    found: list[bytes] = []
    for path in CERTIFICATE_FILES:
        for item in load_json(path)["cases"]:
            for key in ("certificate", "issuer_certificate"):
                if key in item and unhex(item[key]) not in found:
                    found.append(unhex(item[key]))
    return found


def dat(name: str) -> bytes:
    return read_bytes(VECTORS_DIR / "openscms" / name)


def secured_crl() -> bytes:
    """The first SecuredCrl of the OpenSCMS composite CRL, re-encoded on its own."""
    pdu = decode("ScmsPdu", dat("composite-crl-scms-pdu.dat"))
    crl: dict[str, Any] = pdu["content"][1][1]["crl"][0]
    return encode("SecuredCrl", crl)


def crl_contents() -> bytes:
    """The CrlContents inside that SecuredCrl (the octets of its signed unsecuredData)."""
    crl = decode("SecuredCrl", secured_crl())
    octets: bytes = crl["content"][1]["tbsData"]["payload"]["data"]["content"][1]
    return octets


def spdus() -> list[bytes]:
    """The OpenSCMS Ieee1609Dot2Data captures (first byte 03)."""
    names = (
        "CertificateManagementInfoStatusSpdu.dat",
        "DecryptedEeRaCertRequestSpdu.dat",
        "EeEcaCertRequestSpdu.dat",
        "EeRaCertRequest.dat",
        "OscmsCertificateChainFileSpdu.dat",
    )
    return [dat(name) for name in names]
