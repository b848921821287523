"""The request secrets file: every kind of RequestSecrets survives dump and load (the loaded secrets derive the same
cocoon and response keys for any (i, j)); damaged files are refused naming the field, never a value."""

from __future__ import annotations

import json

import pytest

from scms.crypto import ButterflyVariant, HashedId8, SoftwareKey
from scms.dot2.certificate_fields import CertificateType
from scms.ee.request_secrets import dump_request_secrets, load_request_secrets
from scms.protocol.butterfly_params import ButterflyKeys, NonButterflyKeys
from scms.protocol.ee_ra_request import RequestSecrets

HASH = HashedId8(bytes.fromhex("0123456789abcdef"))


def _cases() -> list[RequestSecrets]:
    cases = [RequestSecrets(HASH, kind, ButterflyKeys.generate(v)) for v in ButterflyVariant for kind in
             CertificateType]
    cases.append(RequestSecrets(HASH, CertificateType.IMPLICIT, NonButterflyKeys(SoftwareKey.generate())))
    cases.append(RequestSecrets(HASH, CertificateType.EXPLICIT,
                                NonButterflyKeys(SoftwareKey.generate(), SoftwareKey.generate())))
    return cases


@pytest.mark.parametrize("secrets", _cases(), ids=repr)
def test_round_trip_derives_the_same_keys(secrets: RequestSecrets) -> None:
    loaded = load_request_secrets(dump_request_secrets(secrets))
    assert (loaded.request_hash, loaded.certificate_type, loaded.variant) == (
        secrets.request_hash, secrets.certificate_type, secrets.variant)
    keys, again = secrets.keys, loaded.keys
    if isinstance(keys, ButterflyKeys):
        assert isinstance(again, ButterflyKeys)
        for i, j in ((0, 0), (1234, 7)):
            assert again.cocoon_key(i, j).public_point == keys.cocoon_key(i, j).public_point
            assert again.response_decryption_key(i, j).public_point == keys.response_decryption_key(i, j).public_point
    else:
        assert isinstance(again, NonButterflyKeys)
        assert again.verification.public_point == keys.verification.public_point
        assert (again.response_encryption is None) == (keys.response_encryption is None)


def _damaged(change) -> bytes:
    value = json.loads(dump_request_secrets(_cases()[2]))
    change(value)
    return json.dumps(value).encode()


@pytest.mark.parametrize(("change", "message"), [
    (lambda v: v.update(format_version=2), "format_version 2 is not 1"),
    (lambda v: v.update(format="other"), "not an scms-ee-request-secrets file"),
    (lambda v: v.update(extra=1), "the file has fields"),
    (lambda v: v.update(request_hash="0011"), "request_hash is not 8 octets"),
    (lambda v: v.update(certificate_type="both"), "certificate_type"),
    (lambda v: v["keys"].update(variant="quantum"), "keys:"),
    (lambda v: v["keys"].update(signing_caterpillar="-----BEGIN PRIVATE KEY-----\nAAAA\n"), "signing_caterpillar"),
    (lambda v: v["keys"].update(signing_expansion="zz"), "signing_expansion is not hex"),
    (lambda v: v["keys"].pop("encryption_expansion"), "keys has fields"),
])
def test_damaged_files_are_refused_naming_the_field(change, message: str) -> None:
    data = _damaged(change)
    with pytest.raises(ValueError, match=message) as refused:
        load_request_secrets(data)
    assert "PRIVATE KEY" not in str(refused.value)


def test_the_file_is_json_holding_pem_keys_and_hex_expansions() -> None:
    secrets = RequestSecrets(HASH, CertificateType.IMPLICIT, ButterflyKeys.generate(ButterflyVariant.ORIGINAL))
    value = json.loads(dump_request_secrets(secrets))
    assert value["format"] == "scms-ee-request-secrets" and value["format_version"] == 1
    assert value["keys"]["signing_caterpillar"].startswith("-----BEGIN PRIVATE KEY-----")
    assert bytes.fromhex(value["keys"]["signing_expansion"]) == secrets.keys.signing_expansion  # type: ignore[union-attr]
    assert "[secure]" in repr(secrets)
