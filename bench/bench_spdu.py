"""scms.dot2.spdu: µs per signed SPDU (create / verify) and per encrypted SPDU (create / decrypt), 100-byte payload."""

from __future__ import annotations

from functools import partial

from bench._timing import per_op_micros
from scms.crypto import SoftwareKey
from scms.dot2.certificate import Certificate
from scms.dot2.certificate_builder import sign_explicit
from scms.dot2.certificate_fields import CertificateId, PublicEncryptionKey, ValidityPeriod
from scms.dot2.certificate_template import CertificateTemplate
from scms.dot2.lint.certificate import lint_certificate
from scms.dot2.permissions import PsidSsp
from scms.dot2.spdu import (
    CertRecipient,
    HeaderInfo,
    Recipient,
    RecipientPrivateKey,
    RekRecipient,
    SignerCertificate,
    SignerDigest,
    SignerForm,
    decrypt,
    encrypt,
    sign_data,
    unsecured,
    verify_signed,
)
from scms.dot2.time import Time32, Time64

PAYLOAD = bytes(range(100))


def _certificate(key: SoftwareKey, encryption: SoftwareKey) -> Certificate:
    template = CertificateTemplate(
        id=CertificateId.named("bench.example"),
        validity=ValidityPeriod.years(Time32(600_000_000), 5),
        app_permissions=(PsidSsp(35, None),),
        encryption_key=PublicEncryptionKey(encryption.public_point),
        verification_key=key.public_point,
    )
    return sign_explicit(lint_certificate(template, None), None, key, profile="bench")


def run() -> list[tuple[str, float]]:
    key, decryption = SoftwareKey.generate(), SoftwareKey.generate()
    certificate = _certificate(key, decryption)
    header = HeaderInfo(psid=35, generation_time=Time64(700_000_000_000_000))
    inner = unsecured(PAYLOAD)
    rows: list[tuple[str, float]] = []
    signers: dict[str, SignerForm] = {
        "digest": SignerDigest(certificate),
        "certificate": SignerCertificate(certificate),
    }
    for form, signer in signers.items():
        signed = sign_data(inner, header=header, key=key, signer=signer)
        create = partial(sign_data, inner, header=header, key=key, signer=signer)
        verify = partial(verify_signed, signed, certificates=[certificate])
        rows.append((f"signed SPDU create (P-256, signer {form})", per_op_micros(create)))
        rows.append((f"signed SPDU verify (P-256, signer {form})", per_op_micros(verify)))
    recipients: dict[str, tuple[Recipient, RecipientPrivateKey]] = {
        "certRecipInfo": (CertRecipient(certificate), RecipientPrivateKey.for_certificate(decryption, certificate)),
        "rekRecipInfo": (
            RekRecipient(PublicEncryptionKey(decryption.public_point)),
            RecipientPrivateKey.for_rek(decryption),
        ),
    }
    for kind, (recipient, answer) in recipients.items():
        encrypted = encrypt(inner, [recipient])
        rows.append(
            (f"encrypted SPDU create ({kind}, ECIES P-256)", per_op_micros(partial(encrypt, inner, [recipient])))
        )
        rows.append(
            (f"encrypted SPDU decrypt ({kind}, ECIES P-256)", per_op_micros(partial(decrypt, encrypted, [answer])))
        )
    return rows
