"""The composite CRL file (1609.2.1 clause 8.5 CompositeCrl): build, parse, verify each CRL under the CTL."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pytest

from scms import asn1
from scms.dot2 import ErrorCode, Ieee1609Error
from scms.dot2.crl import CrlHeader, HashRevocation, build_hash_crl, lint_crl, revocation_status, sign_crl
from scms.dot2.revocation import RevocationStatus
from scms.dot2.time import Time32
from scms.protocol import (
    TrustState,
    build_composite_crl,
    composite_crl_file_name,
    parse_composite_crl,
    verify_composite_crl,
    verify_first_ctl,
)

from ._trust_fixtures import NOW, START, Party, Role, make_ctl, make_elector, make_issued, make_root


@dataclass(frozen=True)
class World:
    ctl: bytes
    trust: TrustState
    ica: Party
    """A CRACA for series 1 and 256, below the approved root."""
    other_ica: Party
    """A CRACA below a root the CTL does not approve."""
    revoked: Party


@pytest.fixture(scope="module")
def world() -> World:
    electors = [make_elector(f"elector{i}.test") for i in range(2)]
    root, stranger = make_root("root.test"), make_root("stranger.test")
    ica = make_issued(root, "ica.test", Role.ICA, crl_series=[1, 256])
    ctl = make_ctl(1, electors, [root], electors, quorum=2)
    return World(
        ctl,
        verify_first_ctl(ctl, NOW),
        ica,
        make_issued(stranger, "other-ica.test", Role.ICA, crl_series=[1]),
        make_issued(ica, "ra-old.test", Role.RA),
    )


def _crl(craca: Party, series: int, revoked: Sequence[Party] = ()) -> bytes:
    header = CrlHeader(series, craca.cert.hashed_id8(), Time32(START + 50_000), Time32(START + 150_000))
    contents = build_hash_crl(header, [HashRevocation.for_certificate(p.cert) for p in revoked], crl_serial=1)
    return sign_crl(lint_crl(contents, craca.cert), craca.key)


def test_round_trip_and_verify(world: World) -> None:
    crls = [_crl(world.ica, 1), _crl(world.ica, 256, [world.revoked])]  # the RA certificate is in its ICA's 256
    composite = build_composite_crl(crls, world.ctl)
    assert asn1.encode("CompositeCrlSpdu", asn1.decode("CompositeCrlSpdu", composite)) == composite
    parsed = parse_composite_crl(composite)
    assert parsed.crls == tuple(crls) and parsed.home_ctl.raw == world.ctl
    assert build_composite_crl(parsed.crls, parsed.home_ctl.raw) == composite
    payload = asn1.decode("Ieee1609Dot2Data", composite)["content"][1]
    assert payload[:3] == b"\x02\x84\x80"  # ScmsPdu v2, cert, compositeCrl
    verified = verify_composite_crl(composite, world.trust, NOW, certificates=[world.ica.cert])
    assert verified.trust == world.trust
    assert [(c.series, c.signer) for c in verified.crls] == [(1, world.ica.cert), (256, world.ica.cert)]
    assert revocation_status(world.revoked.cert, verified.crls[1]) is RevocationStatus.REVOKED


def test_empty_composite_crl(world: World) -> None:
    assert parse_composite_crl(build_composite_crl([], world.ctl)).crls == ()


def test_crl_signed_outside_the_ctl_is_rejected(world: World) -> None:
    composite = build_composite_crl([_crl(world.other_ica, 1)], world.ctl)
    with pytest.raises(Ieee1609Error) as caught:
        verify_composite_crl(composite, world.trust, NOW, certificates=[world.other_ica.cert])
    assert caught.value.error is ErrorCode.FAILED_CHAIN_VERIFICATION and "not found" in caught.value.detail
    with pytest.raises(Ieee1609Error, match="unknown signer digest"):
        verify_composite_crl(composite, world.trust, NOW, certificates=[])


def test_build_refusals(world: World) -> None:
    with pytest.raises(Ieee1609Error, match="expected signedData"):
        build_composite_crl([world.ctl], world.ctl)
    with pytest.raises(Ieee1609Error, match="expected unsecuredData"):
        build_composite_crl([_crl(world.ica, 1)], _crl(world.ica, 1))
    with pytest.raises(Ieee1609Error, match="expected an ScmsPdu cert compositeCrl"):
        parse_composite_crl(world.ctl)


def test_file_name() -> None:
    assert composite_crl_file_name(0xABC) == "composite-crl_abc.oer"
    with pytest.raises(ValueError):
        composite_crl_file_name(-2)
