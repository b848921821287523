"""The memory of verified certificate chains the RA (enrollment and ACA certificates) and the ACA (RA certificates)
share: a chain is verified once, then answered from memory only within the validity of every certificate of it and
only for the same bytes; a failed chain is never remembered; the memory is bounded."""

from __future__ import annotations

from pathlib import Path

import pytest

from scms.deployment import Deployment
from scms.deployment.inventory import load_inventory
from scms.deployment.publication import home_trust
from scms.dot2.errors import Ieee1609Error
from scms.dot2.time import Time32
from scms.services.common import VerifiedChains

from ..ra._support import INIT_TIME32, make_deployment


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Deployment:
    return make_deployment(tmp_path_factory.mktemp("chains") / "scms-data")


def chains(deployment: Deployment, **kwargs: int) -> VerifiedChains:
    """Every certificate of the deployment as an intermediate, the roots of the home CTL as the anchors."""
    now = Time32(INIT_TIME32 + 60)
    return VerifiedChains(load_inventory(deployment).certificates, home_trust(deployment, now).root_certificates,
                          **kwargs)


def test_a_chain_is_verified_once_and_only_within_its_validity(deployment: Deployment) -> None:
    known = chains(deployment)
    now = Time32(INIT_TIME32 + 3600)
    ra = deployment.certificate("ra")
    for seconds in (0, 60, 86_400):
        known.check(ra, Time32(now + seconds))
    assert (known.verified, len(known)) == (1, 1)
    with pytest.raises(Ieee1609Error) as expired:
        known.check(ra, Time32(int(ra.validity.end) + 1))               # not answered from memory
    assert expired.value.header_value == "400-40"
    with pytest.raises(Ieee1609Error) as early:
        known.check(ra, Time32(int(ra.validity.start) - 1))              # before the chain's validity
    assert early.value.header_value == "400-40"
    known.check(ra, now)
    assert known.verified == 1                                           # still remembered


def test_a_failed_chain_is_never_remembered(deployment: Deployment, tmp_path: Path) -> None:
    known = chains(deployment)
    now = Time32(INIT_TIME32 + 3600)
    stranger = make_deployment(tmp_path / "other").certificate("ra")     # another SCMS's RA: no chain to our roots
    for _ in range(2):
        with pytest.raises(Ieee1609Error) as refused:
            known.check(stranger, now)
        assert refused.value.header_value == "400-40"
    assert (known.verified, len(known)) == (0, 0)
    no_anchor = VerifiedChains([], [deployment.certificate("ica")])      # the ECA under the ICA alone: no root
    with pytest.raises(Ieee1609Error):
        no_anchor.check(deployment.certificate("eca"), now)
    assert len(no_anchor) == 0


def test_the_same_hashed_id8_with_other_bytes_is_verified_on_its_own(deployment: Deployment,
                                                                     tmp_path: Path) -> None:
    """A HashedId8 is 8 bytes: without comparing the bytes, a certificate made to collide with a trusted one would
    be taken for it. The collision is forced here by giving the stranger the RA certificate's hash."""
    known = chains(deployment)
    now = Time32(INIT_TIME32 + 3600)
    ra = deployment.certificate("ra")
    known.check(ra, now)
    stranger = make_deployment(tmp_path / "other").certificate("ra")
    stranger.__dict__["_hash"] = ra.hash()
    assert stranger.hashed_id8() == ra.hashed_id8() and stranger.data != ra.data
    with pytest.raises(Ieee1609Error) as refused:
        known.check(stranger, now)
    assert refused.value.header_value == "400-40"
    known.check(ra, now)
    assert known.verified == 1                                           # the RA's entry is still its own


def test_the_memory_is_bounded(deployment: Deployment) -> None:
    known = chains(deployment, capacity=2)
    now = Time32(INIT_TIME32 + 3600)
    ra, eca, aca = (deployment.certificate(name) for name in ("ra", "eca", "aca"))
    for certificate in (ra, eca, aca):
        known.check(certificate, now)
    assert (known.verified, len(known)) == (3, 2)
    known.check(aca, now)                                                # remembered
    known.check(eca, now)
    assert known.verified == 3
    known.check(ra, now)                                                 # the oldest was forgotten
    assert (known.verified, len(known)) == (4, 2)
    with pytest.raises(ValueError, match="capacity"):
        chains(deployment, capacity=0)
