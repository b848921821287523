"""verify_chain: valid chains pass; every rule of a link is enforced with 400-40 naming the certificate and rule."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scms.crypto import Curve, SoftwareKey
from scms.dot2._codec import encode
from scms.dot2.certificate import Certificate
from scms.dot2.certificate_fields import CertificateId, ValidityPeriod
from scms.dot2.chain import verify_chain
from scms.dot2.curve_points import point_to_coer
from scms.dot2.errors import ErrorCode, Ieee1609Error
from scms.dot2.permissions import PsidGroupPermissions, PsidSsp, Ssp
from scms.dot2.region import CircularRegion, TwoDLocation
from scms.dot2.time import Time32, Time64

from ._cert_fixtures import EE_START, NOW, START, US_BOX, Pki, forge_explicit, make_pki, root_template


@pytest.fixture(scope="module")
def pki() -> Pki:
    return make_pki()


def _rejected(cert: Certificate, pki: Pki, *, rule: str, intermediates: tuple[Certificate, ...] | None = None) -> None:
    with pytest.raises(Ieee1609Error) as err:
        verify_chain(cert, (pki.ica,) if intermediates is None else intermediates, (pki.root,), NOW)
    assert err.value.error is ErrorCode.FAILED_CHAIN_VERIFICATION
    assert rule in err.value.detail
    assert err.value.header_value == "400-40"


@pytest.mark.parametrize("curve", [Curve.P256, Curve.BRAINPOOL_P256R1, Curve.P384], ids=lambda c: c.name)
def test_valid_chains_verify(curve: Curve) -> None:
    pki = make_pki(curve)
    chain = verify_chain(pki.ee, [pki.ica], [pki.root], NOW, psid=32)
    assert chain.certificates == pki.chain and chain.public_key == pki.ee_key.public_point
    assert chain.anchor == pki.root and chain.subject == pki.ee
    if pki.implicit is not None:
        implicit = verify_chain(pki.implicit, [pki.ica], [pki.root], Time64.from_time32(NOW), psid=38)
        assert implicit.public_key == pki.implicit.public_key(pki.ica)
    assert verify_chain(pki.ica, [], [pki.root], NOW).public_key == pki.ica_key.public_point
    assert verify_chain(pki.root, [], [pki.root], NOW).certificates == (pki.root,)


def test_no_trust_anchor_fails(pki: Pki) -> None:
    with pytest.raises(Ieee1609Error) as err:
        verify_chain(pki.ee, [pki.ica, pki.root], [], NOW)
    assert err.value.error is ErrorCode.FAILED_CHAIN_VERIFICATION and "no trust anchor" in err.value.detail


def test_other_root_is_not_trusted(pki: Pki) -> None:
    other = make_pki()
    with pytest.raises(Ieee1609Error, match="not among the trust anchors"):
        verify_chain(pki.ee, [pki.ica, pki.root], [other.root], NOW)
    with pytest.raises(Ieee1609Error, match="not found"):
        verify_chain(pki.ee, [pki.ica], [other.root], NOW)
    _rejected(pki.ee, pki, rule=f"issuer sha256:{pki.ica.hashed_id8()} not found", intermediates=())


def test_time_outside_validity_fails(pki: Pki) -> None:
    with pytest.raises(Ieee1609Error, match=f"{pki.ee.hashed_id8()}: not valid at"):
        verify_chain(pki.ee, [pki.ica], [pki.root], Time32(EE_START - 1))
    with pytest.raises(Ieee1609Error, match="not valid at"):
        verify_chain(pki.ee, [pki.ica], [pki.root], pki.ee.validity.end)
    with pytest.raises(Ieee1609Error, match=f"{pki.root.hashed_id8()}: not valid at"):
        verify_chain(pki.ee, [pki.ica], [pki.root], Time32(START - 1))


def test_psid_must_be_permitted(pki: Pki) -> None:
    with pytest.raises(Ieee1609Error, match="psid 36"):
        verify_chain(pki.ee, [pki.ica], [pki.root], NOW, psid=36)


def test_validity_exceeding_the_issuer_fails(pki: Pki) -> None:
    template = replace(pki.ee_template, validity=ValidityPeriod.years(EE_START, 11))
    _rejected(forge_explicit(template, pki.ica, pki.ica_key), pki, rule="validity period not within the issuer's")
    early = replace(pki.ee_template, validity=ValidityPeriod.hours(START - 10, 10_000))
    _rejected(forge_explicit(early, pki.ica, pki.ica_key), pki, rule="validity period not within the issuer's")


def test_region_outside_the_issuer_fails(pki: Pki) -> None:
    paris = CircularRegion(TwoDLocation(488_566_000, 23_522_000), 5_000)
    _rejected(forge_explicit(replace(pki.ee_template, region=paris), pki.ica, pki.ica_key), pki, rule="region")
    # An absent region inherits the issuer's: accepted.
    inherited = forge_explicit(replace(pki.ee_template, region=None), pki.ica, pki.ica_key)
    assert verify_chain(inherited, [pki.ica], [pki.root], NOW).subject == inherited


@pytest.mark.parametrize(
    ("permissions", "rule"),
    [
        ((PsidSsp(99),), "appPermissions psid 99"),
        ((PsidSsp(38, Ssp(b"\x02")),), "appPermissions psid 38 ssp 02"),
        ((PsidSsp(135, Ssp(b"\x40\x00", bitmap=True)),), "appPermissions psid 135"),
        ((PsidSsp(135, Ssp(b"\x80\x00")),), "appPermissions psid 135"),  # opaque SSP under a bitmap range
    ],
)
def test_app_permissions_exceeding_the_issuer_fail(pki: Pki, permissions: tuple[PsidSsp, ...], rule: str) -> None:
    forged = forge_explicit(replace(pki.ee_template, app_permissions=permissions), pki.ica, pki.ica_key)
    _rejected(forged, pki, rule=rule)


def test_issue_permissions_exceeding_the_issuer_fail(pki: Pki) -> None:
    # The ICA may only issue end entities (chain length exactly 1): a sub-CA under it is refused.
    sub_ca_key = SoftwareKey.generate()
    sub_ca = replace(
        pki.ee_template,
        app_permissions=(),
        cert_issue_permissions=(PsidGroupPermissions(None, 1, 0),),
        verification_key=sub_ca_key.public_point,
    )
    _rejected(forge_explicit(sub_ca, pki.ica, pki.ica_key), pki, rule="certIssuePermissions")


def test_request_permissions_need_eetype_enrol(pki: Pki) -> None:
    enrolment = replace(pki.ee_template, app_permissions=(), cert_request_permissions=(PsidGroupPermissions(None),))
    _rejected(forge_explicit(enrolment, pki.ica, pki.ica_key), pki, rule="certRequestPermissions")


def test_end_entity_cannot_issue(pki: Pki) -> None:
    child = replace(pki.ee_template, verification_key=SoftwareKey.generate().public_point)
    forged = forge_explicit(child, pki.ee, pki.ee_key)
    _rejected(forged, pki, rule="has no certIssuePermissions", intermediates=(pki.ee, pki.ica))


def test_wrong_signing_key_fails(pki: Pki) -> None:
    forged = forge_explicit(pki.ee_template, pki.ica, pki.root_key)
    _rejected(forged, pki, rule="signature")


def test_implicit_self_signed_certificate_is_refused(pki: Pki) -> None:
    tbs = replace(pki.ee_template, verification_key=None).tbs_value(SoftwareKey.generate().public_point)
    value = {"version": 3, "type": "implicit", "issuer": ("self", "sha256"), "toBeSigned": tbs}
    cert = Certificate.from_bytes(encode("Certificate", value))
    with pytest.raises(Ieee1609Error, match="self-signed explicit"):
        verify_chain(cert, [], [cert], NOW)
    with pytest.raises(Ieee1609Error, match="self-signed but not among"):
        verify_chain(cert, [], [pki.root], NOW)


def test_root_that_is_not_self_signed_is_no_anchor(pki: Pki) -> None:
    with pytest.raises(Ieee1609Error, match="self-signed explicit"):
        verify_chain(pki.ee, [], [pki.ica], NOW)
    forged_root = forge_explicit(root_template(pki.root_key), None, pki.ica_key)  # self-signature with another key
    with pytest.raises(Ieee1609Error, match="self-signature"):
        verify_chain(forged_root, [], [forged_root], NOW)


def test_implicit_reconstruction_value_that_is_no_point_fails(pki: Pki) -> None:
    assert pki.implicit is not None
    value = dict(pki.implicit.value)
    tbs = dict(value["toBeSigned"])
    tbs["verifyKeyIndicator"] = ("reconstructionValue", ("x-only", b"\x00" * 32))
    value["toBeSigned"] = tbs
    broken = Certificate.from_bytes(encode("Certificate", value))
    _rejected(broken, pki, rule="key reconstruction")
    assert point_to_coer(pki.ica_key.public_point)[0].startswith("compressed")


def _mutated(data: bytes, position: int, xor: int) -> bytes:
    out = bytearray(data)
    out[position] ^= xor
    return bytes(out)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    which=st.sampled_from(["ee", "implicit", "ica", "root"]),
    where=st.floats(0, 1, exclude_max=True),
    xor=st.integers(1, 255),
)
def test_any_changed_byte_is_rejected(pki: Pki, which: str, where: float, xor: int) -> None:
    """A changed byte makes parsing (400-42) or chain verification (400-40) fail — with two exceptions the
    standard allows: a mutation that is another encoding of the SAME certificate (rSig x-only → compressed with the
    right parity: canonically identical), and a change in an implicit certificate, which ECQV cannot detect: it
    yields a different public key, so nothing the real holder signs verifies with it."""
    assert pki.implicit is not None
    certs = {"ee": pki.ee, "implicit": pki.implicit, "ica": pki.ica, "root": pki.root}
    original = certs[which]
    data = _mutated(original.data, int(where * len(original.data)), xor)
    subject = pki.implicit if which == "implicit" else pki.ee
    try:
        changed = Certificate.from_bytes(data)
        chain = {**certs, which: changed}
        end = chain["implicit"] if which == "implicit" else chain["ee"]
        result = verify_chain(end, [chain["ica"]], [chain["root"]], NOW)
    except Ieee1609Error as exc:
        assert exc.error in (ErrorCode.FAILED_PARSING, ErrorCode.FAILED_CHAIN_VERIFICATION)
        return
    same = changed.canonical_bytes == original.canonical_bytes
    other_key = which == "implicit" and result.public_key != subject.public_key(pki.ica)
    assert same or other_key, f"byte change accepted: {which} {data.hex()}"


def test_region_is_inherited_down_the_chain(pki: Pki) -> None:
    """root → ICA (US box) → sub-CA (no region: inherits the box) → EE: the EE must stay inside the box."""
    keys = [SoftwareKey.generate() for _ in range(3)]
    ica_t = replace(
        pki.ee_template,
        id=CertificateId.named("ica2"),
        validity=ValidityPeriod.years(START, 10),
        app_permissions=(),
        cert_issue_permissions=(PsidGroupPermissions(None, 1, 1),),
        region=US_BOX,
        verification_key=keys[0].public_point,
    )
    ica = forge_explicit(ica_t, pki.root, pki.root_key)
    sub_t = replace(
        ica_t,
        id=CertificateId.named("sub"),
        cert_issue_permissions=(PsidGroupPermissions(None, 1, 0),),
        region=None,
        verification_key=keys[1].public_point,
    )
    sub = forge_explicit(sub_t, ica, keys[0])
    ee_t = replace(pki.ee_template, verification_key=keys[2].public_point)
    inside = forge_explicit(ee_t, sub, keys[1])
    assert verify_chain(inside, [sub, ica], [pki.root], NOW).certificates == (inside, sub, ica, pki.root)
    paris = CircularRegion(TwoDLocation(488_566_000, 23_522_000), 5_000)
    outside = forge_explicit(replace(ee_t, region=paris), sub, keys[1])
    with pytest.raises(Ieee1609Error, match=f"{outside.hashed_id8()}: region"):
        verify_chain(outside, [sub, ica], [pki.root], NOW)
