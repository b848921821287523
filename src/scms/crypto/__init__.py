"""Hazardous material: V2X cryptographic primitives (IEEE 1609.2 / 1609.2.1) on bytes, integers and points.

Use `scms.dot2` (certificates, SPDUs, CRLs) and `scms.protocol` (1609.2.1 flows) instead: they choose hashes,
P1 values, curve point forms and key roles from the standard's structures. This package knows no ASN.1. Secret
scalars stay in OpenSSL key objects (`SoftwareKey`) except for the few additions of `_scalar`; every scalar
multiplication by a secret runs in OpenSSL, and only public values meet the Python point arithmetic.
"""

from scms.crypto.aes_ccm import aes128ccm_decrypt, aes128ccm_encrypt, new_aes128_key, new_ccm_nonce
from scms.crypto.butterfly import (
    ButterflyVariant,
    ExplicitRandomization,
    cocoon_private_key,
    cocoon_public_key,
    explicit_private_key,
    explicit_randomize,
    explicit_randomize_many,
    response_decryption_key,
    response_encryption_public_key,
)
from scms.crypto.butterfly_expansion import (
    KeyPurpose,
    expansion_aes_inputs,
    expansion_f,
    expansion_f_int,
    expansion_input,
)
from scms.crypto.curves import Curve
from scms.crypto.ecdsa import RForm, Signature, signing_digest, signing_digest_from_signer_hash, verify_digest
from scms.crypto.ecies import EciesEncryptedKey, EciesEphemeral, ecies_ephemerals, ecies_unwrap, ecies_wrap
from scms.crypto.ecqv import (
    EcqvIssuance,
    ecqv_begin,
    ecqv_begin_many,
    ecqv_e,
    ecqv_e_from_issuer_hash,
    ecqv_finish,
    ecqv_issuing,
    ecqv_private_key,
    ecqv_public_key,
)
from scms.crypto.errors import CryptoError, DecryptionFailed, InvalidKey, InvalidPoint, InvalidSignature
from scms.crypto.hashing import HashAlgorithm, HashedId3, HashedId8, HashedId10, HashedId32, HashedId48, sha256, sha384
from scms.crypto.kdf import kdf2_sha256
from scms.crypto.keys import KeyAgreement, Signer, SoftwareKey
from scms.crypto.linkage import (
    encrypted_index,
    group_linkage_value,
    group_pre_linkage_value,
    linkage_seed_after,
    linkage_value,
    next_linkage_seed,
    pre_linkage_value,
    pre_linkage_values,
)
from scms.crypto.points import Point

__all__ = [
    "ButterflyVariant",
    "CryptoError",
    "Curve",
    "DecryptionFailed",
    "EciesEncryptedKey",
    "EciesEphemeral",
    "EcqvIssuance",
    "ExplicitRandomization",
    "HashAlgorithm",
    "HashedId3",
    "HashedId8",
    "HashedId10",
    "HashedId32",
    "HashedId48",
    "InvalidKey",
    "InvalidPoint",
    "InvalidSignature",
    "KeyAgreement",
    "KeyPurpose",
    "Point",
    "RForm",
    "Signature",
    "Signer",
    "SoftwareKey",
    "aes128ccm_decrypt",
    "aes128ccm_encrypt",
    "cocoon_private_key",
    "cocoon_public_key",
    "ecies_ephemerals",
    "ecies_unwrap",
    "ecies_wrap",
    "ecqv_begin",
    "ecqv_begin_many",
    "ecqv_e",
    "ecqv_e_from_issuer_hash",
    "ecqv_finish",
    "ecqv_issuing",
    "ecqv_private_key",
    "ecqv_public_key",
    "encrypted_index",
    "expansion_aes_inputs",
    "expansion_f",
    "expansion_f_int",
    "expansion_input",
    "explicit_private_key",
    "explicit_randomize",
    "explicit_randomize_many",
    "group_linkage_value",
    "group_pre_linkage_value",
    "kdf2_sha256",
    "linkage_seed_after",
    "linkage_value",
    "new_aes128_key",
    "new_ccm_nonce",
    "next_linkage_seed",
    "pre_linkage_value",
    "pre_linkage_values",
    "response_decryption_key",
    "response_encryption_public_key",
    "sha256",
    "sha384",
    "signing_digest",
    "signing_digest_from_signer_hash",
    "verify_digest",
]
