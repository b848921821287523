"""The RA's verified-chain cache (verify once per certificate, within its chain's validity only, never a failure)
and the preload schedule (which i-periods are due when; nextDlTime)."""

from __future__ import annotations

import pytest

from scms.deployment import Deployment, PolicyParameters
from scms.deployment.inventory import load_inventory
from scms.deployment.publication import home_trust
from scms.dot2.errors import Ieee1609Error
from scms.dot2.time import Time32
from scms.services.ra import trust_cache
from scms.services.ra.schedule import due_at, due_periods, ready_time
from scms.services.ra.trust_cache import ChainCache

from .._support import INIT_TIME32

WEEK = 604_800


def test_a_chain_is_verified_once_within_its_validity(deployment: Deployment,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    now = Time32(INIT_TIME32 + 60)
    held = load_inventory(deployment)
    cache = ChainCache([h.certificate for h in held if h.component in ("ica",)],
                       home_trust(deployment, now).root_certificates)
    calls: list[object] = []
    real = trust_cache.verify_chain

    def counted(*args: object, **kwargs: object) -> object:
        calls.append(args[0])
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(trust_cache, "verify_chain", counted)
    aca = deployment.certificate("aca")
    cache.check(aca, now)
    cache.check(aca, Time32(now + 3600))
    assert calls == [aca] and len(cache) == 1
    with pytest.raises(Ieee1609Error) as refused:              # after the ACA certificate's end: verified again
        cache.check(aca, Time32(aca.validity.end + 1))
    assert refused.value.header_value == "400-40" and len(calls) == 2
    eca = deployment.certificate("eca")
    stranger = ChainCache([], [deployment.certificate("ica")])   # not its anchors: refused, and not remembered
    with pytest.raises(Ieee1609Error):
        stranger.check(eca, now)
    assert len(stranger) == 0


def test_periods_come_due_within_ra_max_preload_time() -> None:
    parameters = PolicyParameters.model_validate({"ra-maxPreloadTime": 2 * WEEK})
    periods = parameters.i_periods()
    now = Time32(periods.start(600) + 10)
    assert due_at(parameters, 602) == periods.start(600)
    assert due_periods(parameters, range(600, 606), now) == (range(600, 603), 603)
    assert due_periods(parameters, range(600, 602), now) == (range(600, 602), None)
    assert ready_time(parameters, 2, now, 601) == now + 2                      # due already: at once
    assert ready_time(parameters, 2, now, 604) == periods.start(602) + 2       # due in two weeks
    assert ready_time(parameters, 2, now, None) == now + 2
