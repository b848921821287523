"""A versioned file format for what an end entity keeps of an authorization certificate request
(`scms.protocol.ee_ra_request.RequestSecrets`, 1609.2.1 clauses 6.3.5.2 and 9.3): without it the certificates the
RA will serve cannot be decrypted nor their private keys derived, so the device writes it (mode 0600) before it
sends the request.

    {"format": "scms-ee-request-secrets", "format_version": 1,
     "request_hash": "<HashedId8 hex>", "certificate_type": "implicit" | "explicit",
     "keys": {"kind": "butterfly", "variant": "original" | "unified" | "compactUnified",
              "signing_caterpillar": "<PKCS#8 PEM>", "signing_expansion": "<16 octets hex>",
              "encryption_caterpillar": "<PEM>" | null, "encryption_expansion": "<hex>" | null}
           | {"kind": "non-butterfly", "verification": "<PEM>", "response_encryption": "<PEM>" | null}}

Private keys are PKCS#8 PEM (unencrypted: the file mode protects them, as for `scms.deployment.keystore`); the
expansion keys are secret too (whoever holds them can link the device's pseudonym certificates). Reading is
strict: an unknown format or version, a missing or extra field, or a key that does not load is a `ValueError` that
names the field, never a value.
"""

from __future__ import annotations

import json
from typing import Any

from scms.crypto import ButterflyVariant, HashedId8, InvalidKey, SoftwareKey
from scms.dot2.certificate_fields import CertificateType
from scms.protocol.butterfly_params import ButterflyKeys, NonButterflyKeys
from scms.protocol.ee_ra_request import RequestKeys, RequestSecrets

__all__ = ["SECRETS_FORMAT", "SECRETS_FORMAT_VERSION", "dump_request_secrets", "load_request_secrets"]

SECRETS_FORMAT = "scms-ee-request-secrets"
SECRETS_FORMAT_VERSION = 1

_BUTTERFLY = {"kind", "variant", "signing_caterpillar", "signing_expansion", "encryption_caterpillar",
              "encryption_expansion"}
_NON_BUTTERFLY = {"kind", "verification", "response_encryption"}


def _pem(key: SoftwareKey | None) -> str | None:
    return None if key is None else key.to_pkcs8_pem().decode("ascii")


def _keys_value(keys: RequestKeys) -> dict[str, Any]:
    if isinstance(keys, ButterflyKeys):
        expansion = keys.encryption_expansion
        return {
            "kind": "butterfly",
            "variant": keys.variant.value,
            "signing_caterpillar": _pem(keys.signing_caterpillar),
            "signing_expansion": keys.signing_expansion.hex(),
            "encryption_caterpillar": _pem(keys.encryption_caterpillar),
            "encryption_expansion": None if expansion is None else expansion.hex(),
        }
    return {"kind": "non-butterfly", "verification": _pem(keys.verification),
            "response_encryption": _pem(keys.response_encryption)}


def dump_request_secrets(secrets: RequestSecrets) -> bytes:
    """The JSON file of `secrets` (secret: write it 0600)."""
    value = {
        "format": SECRETS_FORMAT,
        "format_version": SECRETS_FORMAT_VERSION,
        "request_hash": secrets.request_hash.hex(),
        "certificate_type": secrets.certificate_type.value,
        "keys": _keys_value(secrets.keys),
    }
    return (json.dumps(value, indent=2) + "\n").encode()


def _expect_fields(value: dict[str, Any], name: str, expected: set[str]) -> None:
    if set(value) != expected:
        raise ValueError(f"request secrets: {name} has fields {sorted(value)}, expected {sorted(expected)}")


def _key(value: Any, name: str) -> SoftwareKey:
    if not isinstance(value, str):
        raise ValueError(f"request secrets: {name} is not a PEM key")
    try:
        return SoftwareKey.from_pkcs8_pem(value.encode("ascii"))
    except (InvalidKey, UnicodeEncodeError):
        raise ValueError(f"request secrets: {name} does not load as a private key") from None


def _optional_key(value: Any, name: str) -> SoftwareKey | None:
    return None if value is None else _key(value, name)


def _hex(value: Any, name: str) -> bytes:
    try:
        return bytes.fromhex(value)
    except (TypeError, ValueError):
        raise ValueError(f"request secrets: {name} is not hex") from None


def _keys(value: Any) -> RequestKeys:
    if not isinstance(value, dict):
        raise ValueError("request secrets: keys is not an object")
    if value.get("kind") == "non-butterfly":
        _expect_fields(value, "keys", _NON_BUTTERFLY)
        return NonButterflyKeys(_key(value["verification"], "keys.verification"),
                                _optional_key(value["response_encryption"], "keys.response_encryption"))
    if value.get("kind") != "butterfly":
        raise ValueError("request secrets: keys.kind is neither butterfly nor non-butterfly")
    _expect_fields(value, "keys", _BUTTERFLY)
    encryption_expansion = value["encryption_expansion"]
    try:
        return ButterflyKeys(
            ButterflyVariant(value["variant"]),
            _key(value["signing_caterpillar"], "keys.signing_caterpillar"),
            _hex(value["signing_expansion"], "keys.signing_expansion"),
            _optional_key(value["encryption_caterpillar"], "keys.encryption_caterpillar"),
            None if encryption_expansion is None else _hex(encryption_expansion, "keys.encryption_expansion"),
        )
    except ValueError as error:  # an unknown variant, or keys that do not fit it (no value in the message)
        raise ValueError(f"request secrets: keys: {error}") from None


def load_request_secrets(data: bytes) -> RequestSecrets:
    """Read a file written by `dump_request_secrets`; ValueError names what is wrong."""
    try:
        value = json.loads(data)
    except ValueError:
        raise ValueError("request secrets: not JSON") from None
    if not isinstance(value, dict) or value.get("format") != SECRETS_FORMAT:
        raise ValueError(f"request secrets: not an {SECRETS_FORMAT} file")
    if value.get("format_version") != SECRETS_FORMAT_VERSION:
        raise ValueError(f"request secrets: format_version {value.get('format_version')!r} is not 1")
    _expect_fields(value, "the file", {"format", "format_version", "request_hash", "certificate_type", "keys"})
    request_hash = _hex(value["request_hash"], "request_hash")
    if len(request_hash) != 8:
        raise ValueError("request secrets: request_hash is not 8 octets")
    try:
        certificate_type = CertificateType(value["certificate_type"])
    except ValueError:
        raise ValueError("request secrets: certificate_type is neither implicit nor explicit") from None
    return RequestSecrets(HashedId8(request_hash), certificate_type, _keys(value["keys"]))
