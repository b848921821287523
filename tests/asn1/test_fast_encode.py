"""The single-walk encoder (`scms.asn1._fast_encode`) against the checked asn1tools encoder it stands in for.

`encode` takes the fast path first and hands anything it is unsure of to the checked path; these tests hold it to
that contract: identical bytes for every value it takes, no value taken that the checked path refuses, and the
common 1609.2 values (real certificates, SPDUs, CRLs) actually taken by the fast path (else it buys nothing).
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scms.asn1 import Encoded, EncodeError, decode, encode, qualified_name, type_names
from scms.asn1._compile import compiled
from scms.asn1.codec import _fast_encode, _raw_encode

from ._samples import crl_contents, dat, real_certificates, secured_crl, spdus
from ._strategies import values_of


def _checked(type_name: str, value: Any) -> bytes:
    compiled_type = compiled().types[type_name]
    compiled_type.check_types(value)
    compiled_type.check_constraints(value)
    return _raw_encode(compiled_type, value)


def _fast(type_name: str, value: Any) -> bytes | None:
    return _fast_encode(qualified_name(type_name), compiled().types[type_name], value)


def _real_encodings() -> list[tuple[str, bytes]]:
    found = [("Certificate", der) for der in real_certificates()]
    found += [("Ieee1609Dot2Data", spdu) for spdu in spdus()]
    found += [("SecuredCrl", secured_crl()), ("CrlContents", crl_contents())]
    found += [("ScmsPdu", dat(name)) for name in ("composite-crl-scms-pdu.dat",)]
    return found


def test_real_encodings_take_the_fast_path_and_give_the_same_bytes() -> None:
    for type_name, encoding in _real_encodings():
        value = decode(type_name, encoding)
        assert _fast(type_name, value) == encoding, type_name


@pytest.mark.parametrize("type_name", sorted(name for name in type_names() if "." not in name))
def test_every_type_same_bytes_as_the_checked_encoder(type_name: str) -> None:
    @settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(st.data())
    def check(data: st.DataObject) -> None:
        value = data.draw(values_of(type_name))
        fast = _fast(type_name, value)
        assert fast is None or fast == _checked(type_name, value)

    check()


def _certificate() -> dict[str, Any]:
    value: dict[str, Any] = decode("Certificate", real_certificates()[0])
    return value


def _tbs_change(**changes: Any) -> dict[str, Any]:
    value = _certificate()
    value["toBeSigned"] = {**value["toBeSigned"], **changes}
    return value


@pytest.mark.parametrize(
    "value",
    [
        _tbs_change(crlSeries=70000),  # Uint16 out of range
        _tbs_change(crlSeries="1"),  # a str where an INTEGER goes
        _tbs_change(crlSeries=True),  # a bool is not an INTEGER here
        _tbs_change(cracaId=b"\x00\x01"),  # HashedId3 of 2 octets
        _tbs_change(cracaId="000102"),  # a str where an OCTET STRING goes
        _tbs_change(unknownComponent=1),  # a key naming no component
        _tbs_change(id=("noSuchAlternative", None)),  # an unknown CHOICE alternative
        _tbs_change(appPermissions=({"psid": 32},)),  # a tuple where a SEQUENCE OF goes
        {key: item for key, item in _certificate().items() if key != "toBeSigned"},  # a mandatory component missing
    ],
    ids=["range", "int-as-str", "bool", "fixed-size", "bytes-as-str", "unknown-key", "choice", "tuple", "missing"],
)
def test_a_value_the_checked_encoder_refuses_is_refused(value: dict[str, Any]) -> None:
    assert _fast("Certificate", value) is None
    with pytest.raises(EncodeError):
        encode("Certificate", value)


def test_an_encoded_component_is_written_as_is_where_its_type_goes() -> None:
    certificate = real_certificates()[0]
    response = {"version": 2, "generationTime": 1, "certificate": decode("Certificate", certificate),
                "privateKeyInfo": b"\x01" * 32}
    expected = encode("AcaEeCertResponse", response)
    passed = encode("AcaEeCertResponse", {**response, "certificate": Encoded("Certificate", certificate)})
    assert passed == expected
    crl = decode("SecuredCrl", secured_crl())
    payload = crl["content"][1]["tbsData"]["payload"]
    payload["data"] = Encoded("Ieee1609Dot2Data", encode("Ieee1609Dot2Data", payload["data"]))
    assert encode("SecuredCrl", crl) == secured_crl()


def test_an_encoded_component_of_another_type_is_refused() -> None:
    response = {"version": 2, "generationTime": 1, "certificate": Encoded("ToBeSignedCertificate", b"\x00"),
                "privateKeyInfo": b"\x01" * 32}
    with pytest.raises(EncodeError):
        encode("AcaEeCertResponse", response)
