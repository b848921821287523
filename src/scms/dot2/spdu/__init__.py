"""IEEE 1609.2 secured data (clause 6.3 `Ieee1609Dot2Data`): unsecured, signed, encrypted SPDUs and 1609.2.1
signed certificate requests. See docs/api-dot2-spdu.md.
"""

from scms.dot2.spdu.cert_request import (
    VerifiedCertificateRequest,
    requested_verification_key,
    sign_certificate_request,
    verify_certificate_request,
)
from scms.dot2.spdu.data import ContentKind, Ieee1609Dot2Data, unsecured
from scms.dot2.spdu.encrypted import RecipientKey, decrypt, encrypt
from scms.dot2.spdu.encryption_key import PublicEncryptionKey, SymmetricEncryptionKey, public_key_id
from scms.dot2.spdu.header import HeaderInfo, MissingCrlIdentifier, ThreeDLocation
from scms.dot2.spdu.recipients import (
    CertRecipient,
    PskRecipient,
    Recipient,
    RecipientPrivateKey,
    RecipientSymmetricKey,
    RekRecipient,
    SignedDataRecipient,
    SymmRecipient,
)
from scms.dot2.spdu.signed import VerifiedSignedData, sign_data, verify_signed
from scms.dot2.spdu.signer import SignerCertificate, SignerDigest, SignerForm, SignerSelf

__all__ = [
    "CertRecipient",
    "ContentKind",
    "HeaderInfo",
    "Ieee1609Dot2Data",
    "MissingCrlIdentifier",
    "PskRecipient",
    "PublicEncryptionKey",
    "Recipient",
    "RecipientKey",
    "RecipientPrivateKey",
    "RecipientSymmetricKey",
    "RekRecipient",
    "SignedDataRecipient",
    "SignerCertificate",
    "SignerDigest",
    "SignerForm",
    "SignerSelf",
    "SymmRecipient",
    "SymmetricEncryptionKey",
    "ThreeDLocation",
    "VerifiedCertificateRequest",
    "VerifiedSignedData",
    "decrypt",
    "encrypt",
    "public_key_id",
    "requested_verification_key",
    "sign_certificate_request",
    "sign_data",
    "unsecured",
    "verify_certificate_request",
    "verify_signed",
]
