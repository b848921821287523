"""The ACA's memory of verified RA certificates: a chain is verified once, then remembered only within the
validity of every certificate of it; a failed chain is never remembered."""

from __future__ import annotations

from pathlib import Path

import pytest

from scms.deployment import Deployment
from scms.deployment.inventory import load_inventory
from scms.deployment.publication import home_trust
from scms.dot2.errors import Ieee1609Error
from scms.dot2.time import Time32
from scms.services.aca import RaCertificates

from ..ra._support import INIT_TIME32, make_deployment


def test_a_chain_is_verified_once_and_only_within_its_validity(deployment: Deployment, tmp_path: Path) -> None:
    now = Time32(INIT_TIME32 + 3600)
    trust = home_trust(deployment, now)
    known = RaCertificates(load_inventory(deployment).certificates, trust.root_certificates)
    ra = deployment.certificate("ra")
    for seconds in (0, 60, 86_400):
        known.check(ra, Time32(now + seconds))
    assert known.verified == 1
    after = Time32(int(ra.validity.end) + 1)
    with pytest.raises(Ieee1609Error) as expired:
        known.check(ra, after)                                           # not answered from memory
    assert expired.value.header_value == "400-40"
    with pytest.raises(Ieee1609Error):
        known.check(ra, Time32(INIT_TIME32 - 1))                         # before the chain's validity
    stranger = make_deployment(tmp_path / "other").certificate("ra")
    for _ in range(2):
        with pytest.raises(Ieee1609Error) as refused:
            known.check(stranger, now)
        assert refused.value.header_value == "400-40"
    assert known.verified == 1                                           # failures are never remembered
