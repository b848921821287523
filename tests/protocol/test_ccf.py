"""The certificate chain file (1609.2.1 clause 8.4 CertificateChain): build, parse, verify against the CTL."""

from __future__ import annotations

import pytest

from scms import asn1
from scms.dot2 import ErrorCode, Ieee1609Error
from scms.protocol import TrustState, build_ccf, ccf_file_name, parse_ccf, verify_ccf, verify_first_ctl

from ._trust_fixtures import NOW, Party, Role, make_ctl, make_elector, make_issued, make_root


@pytest.fixture(scope="module")
def world() -> dict[str, Party]:
    electors = {f"e{i}": make_elector(f"elector{i}.test") for i in range(3)}
    root1, root2 = make_root("root1.test"), make_root("root2.test")
    ica1 = make_issued(root1, "ica1.test", Role.ICA)
    ica2 = make_issued(root2, "ica2.test", Role.ICA)
    return {
        **electors,
        "root1": root1,
        "root2": root2,
        "ica1": ica1,
        "ica2": ica2,
        "ma": make_issued(ica1, "ma.test", Role.MA),
        "ra": make_issued(ica1, "ra.test", Role.RA),
        "eca2": make_issued(ica2, "eca2.test", Role.ECA),
    }


@pytest.fixture(scope="module")
def ctls(world: dict[str, Party]) -> list[bytes]:
    electors = [world[f"e{i}"] for i in range(3)]
    ctl1 = make_ctl(1, electors, [world["root1"]], electors, quorum=2)
    ctl2 = make_ctl(2, electors, [world["root1"], world["root2"]], electors[:2], quorum=2)
    ctl3 = make_ctl(3, electors, [world["root2"]], electors[:2], quorum=2)
    return [ctl1, ctl2, ctl3]


@pytest.fixture(scope="module")
def trust(ctls: list[bytes]) -> TrustState:
    return verify_first_ctl(ctls[0], NOW)


def _certs(world: dict[str, Party], *names: str) -> list:  # type: ignore[type-arg]
    return [world[n].cert for n in names]


def test_round_trip(world: dict[str, Party], ctls: list[bytes]) -> None:
    others = _certs(world, "root1", "ica1", "ma", "ra")
    ccf = build_ccf(ctls[0], others)
    assert asn1.encode("CertificateChainSpdu", asn1.decode("CertificateChainSpdu", ccf)) == ccf
    parsed = parse_ccf(ccf)
    assert parsed.home_ctl_bytes == ctls[0] and parsed.home_ctl.sequence_number == 1
    assert list(parsed.others) == others
    assert build_ccf(parsed.home_ctl_bytes, parsed.others) == ccf
    payload = asn1.decode("Ieee1609Dot2Data", ccf)["content"][1]
    assert payload[:3] == b"\x02\x84\x81"  # ScmsPdu v2, cert, certificateChain


def test_verify(world: dict[str, Party], ctls: list[bytes], trust: TrustState) -> None:
    ccf = build_ccf(ctls[0], _certs(world, "root1", "ica1", "ma", "ra"))
    verified = verify_ccf(ccf, trust, NOW)
    assert verified.trust == trust
    assert [c.anchor for c in verified.chains] == [world["root1"].cert] * 4
    assert [len(c.certificates) for c in verified.chains] == [1, 2, 3, 3]


def test_certificate_not_chaining_to_an_approved_root(
    world: dict[str, Party], ctls: list[bytes], trust: TrustState
) -> None:
    ccf = build_ccf(ctls[0], _certs(world, "ica1", "ica2", "eca2"))
    with pytest.raises(Ieee1609Error) as caught:
        verify_ccf(ccf, trust, NOW)
    assert caught.value.error is ErrorCode.FAILED_CHAIN_VERIFICATION
    assert str(world["ica2"].cert.hashed_id8()) in caught.value.detail
    # With root 2 itself in the file: self-signed, but not approved by CTL 1.
    with pytest.raises(Ieee1609Error, match="self-signed but not among the trust anchors"):
        verify_ccf(build_ccf(ctls[0], _certs(world, "root2")), trust, NOW)


def test_home_ctl_moves_the_trust_on(world: dict[str, Party], ctls: list[bytes], trust: TrustState) -> None:
    """CTL 2 approves root 2: a CCF carrying CTL 2 is checked under it, and the device learns CTL 2."""
    ccf = build_ccf(ctls[1], _certs(world, "ica2", "eca2", "ica1"))
    verified = verify_ccf(ccf, trust, NOW)
    assert verified.trust.sequence_number == 2
    assert [c.anchor for c in verified.chains] == [world["root2"].cert, world["root2"].cert, world["root1"].cert]
    # CTL 3 drops root 1: ica1 no longer verifies under it; and CTL 3 right after CTL 1 is a gap.
    root1 = world["root1"].cert.hashed_id8()
    with pytest.raises(Ieee1609Error, match=f"issuer sha256:{root1} not found"):
        verify_ccf(build_ccf(ctls[2], _certs(world, "ica1")), verified.trust, NOW)
    with pytest.raises(Ieee1609Error, match="CTL 3 does not follow CTL 1"):
        verify_ccf(build_ccf(ctls[2], _certs(world, "ica2")), trust, NOW)


def test_conflicting_ctl_under_the_current_number(world: dict[str, Party], trust: TrustState) -> None:
    electors = [world[f"e{i}"] for i in range(3)]
    other = make_ctl(1, electors, [world["root1"], world["root2"]], electors, quorum=2)
    with pytest.raises(Ieee1609Error, match="differs from the one already verified"):
        verify_ccf(build_ccf(other, _certs(world, "ica2")), trust, NOW)
    # An older CTL, or one of another series, leaves the trust as it is.
    later = verify_ccf(build_ccf(make_ctl(2, electors, [world["root1"]], electors, quorum=2), []), trust, NOW).trust
    assert verify_ccf(build_ccf(other, _certs(world, "ica1")), later, NOW).trust == later


def test_build_refusals(world: dict[str, Party], ctls: list[bytes]) -> None:
    with pytest.raises(Ieee1609Error, match="does not belong in a CCF"):
        build_ccf(ctls[0], _certs(world, "ica1", "e0"))
    with pytest.raises(Ieee1609Error, match="given twice"):
        build_ccf(ctls[0], _certs(world, "ica1", "ma", "ica1"))
    with pytest.raises(Ieee1609Error) as caught:
        build_ccf(world["ica1"].cert.data, [])
    assert caught.value.error is ErrorCode.FAILED_PARSING


def test_parse_refuses_a_ctl() -> None:
    with pytest.raises(Ieee1609Error, match="expected an ScmsPdu cert certificateChain, got cert multiSignedCtl"):
        parse_ccf(make_ctl(1, [e := make_elector()], [make_root()], [e], quorum=1))


def test_file_name() -> None:
    assert ccf_file_name(0x1A) == "ccf_1a.oer"
    assert ccf_file_name(0) == "ccf_0.oer"
    with pytest.raises(ValueError):
        ccf_file_name(-1)
