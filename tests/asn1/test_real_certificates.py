"""The real US SCMS certificates (shared/vectors/real-certificates) through our 1609.2-2022 modules."""

from __future__ import annotations

from typing import Any

import pytest

from scms.asn1 import decode, encode
from vectors import case, case_params, unhex

from ._samples import certificate_params


@pytest.mark.parametrize("param", certificate_params())
def test_certificate_decodes_and_reencodes_identically(param: Any) -> None:
    item = case(param)
    for key in ("certificate", "issuer_certificate"):
        if key in item:
            data = unhex(item[key])
            assert encode("Certificate", decode("Certificate", data)) == data


@pytest.mark.parametrize("param", certificate_params())
def test_to_be_signed_slice_is_the_tbs_encoding(param: Any) -> None:
    """The `to_be_signed_certificate` slice of each file is the COER of the decoded toBeSigned."""
    item = case(param)
    certificate = decode("Certificate", unhex(item["certificate"]))
    assert encode("ToBeSignedCertificate", certificate["toBeSigned"]) == unhex(item["to_be_signed_certificate"])


def _region_countries(tbs: dict[str, Any]) -> list[int]:
    kind, regions = tbs["region"]
    assert kind == "identifiedRegion"
    return [value for alternative, value in regions if alternative == "countryOnly"]


@pytest.mark.parametrize("param", certificate_params())
def test_decoded_fields_match_the_vector(param: Any) -> None:
    item = case(param)
    expected = item["decoded"]
    certificate = decode("Certificate", unhex(item["certificate"]))
    tbs = certificate["toBeSigned"]
    assert tbs["cracaId"] == unhex(expected["craca_id"])
    assert tbs["crlSeries"] == expected["crl_series"]
    assert tbs["validityPeriod"]["start"] == expected["validity_start_time32"]
    if "validity_duration_hours" in expected:
        assert tbs["validityPeriod"]["duration"] == ("hours", expected["validity_duration_hours"])
    if "validity_duration_years" in expected:
        assert tbs["validityPeriod"]["duration"] == ("years", expected["validity_duration_years"])
    permissions = [
        {"psid": entry["psid"], **({"ssp": entry["ssp"]} if "ssp" in entry else {})} for entry in tbs["appPermissions"]
    ]
    assert permissions == [
        {"psid": entry["psid"], **({"ssp": ("opaque", unhex(entry["ssp"]))} if "ssp" in entry else {})}
        for entry in expected["app_permissions"]
    ]
    if "id_name" in expected:
        assert tbs["id"] == ("name", expected["id_name"])
    if expected.get("id") == "none":
        assert tbs["id"] == ("none", None)
    if expected.get("id") == "linkageData":
        linkage = tbs["id"][1]
        assert linkage["iCert"] == expected["i_cert"]
        assert linkage["linkage-value"] == unhex(expected["linkage_value"])
        group = linkage["group-linkage-value"]
        assert group == {
            "jValue": unhex(expected["group_linkage_value"]["j_value"]),
            "value": unhex(expected["group_linkage_value"]["value"]),
        }
    if "issuer_hashed_id8" in expected:
        assert certificate["issuer"] == ("sha256AndDigest", unhex(expected["issuer_hashed_id8"]))
    if "region" in expected:
        listed = [int(number) for number in expected["region"].rsplit("countryOnly", 1)[1].replace(",", " ").split()]
        assert _region_countries(tbs) == listed
    key_kind, _, form = expected["verify_key_indicator"].rpartition(" ")
    indicator = tbs["verifyKeyIndicator"]
    if key_kind == "reconstructionValue":
        assert indicator[0] == "reconstructionValue"
        assert indicator[1][0] == form
        assert certificate["type"] == "implicit" and "signature" not in certificate
    else:
        assert indicator[0] == "verificationKey"
        assert indicator[1] == ("ecdsaNistP256", (form, indicator[1][1][1]))
        assert certificate["type"] == "explicit"


@pytest.mark.parametrize("param", case_params("real-certificates/iss-root.json"))
def test_root_certificate_key_and_signature_match_the_vector(param: Any) -> None:
    item = case(param)
    certificate = decode("Certificate", unhex(item["certificate"]))
    assert certificate["issuer"] == ("self", "sha256")
    key = certificate["toBeSigned"]["verifyKeyIndicator"][1][1]
    assert bytes([2 + (key[0] == "compressed-y-1")]) + key[1] == unhex(item["verification_public_key_compressed"])
    signature = certificate["signature"]
    assert signature == (
        "ecdsaNistP256Signature",
        {"rSig": ("x-only", unhex(item["signature_r_x_only"])), "sSig": unhex(item["signature_s"])},
    )
