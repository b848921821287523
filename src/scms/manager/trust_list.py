"""The home CTL of a deployment, signed by a quorum of electors (1609.2.1 §4.1.6, §8; `scms.protocol.ctl`).

`first_ctl` makes CTL 1 of the configured series: it approves every elector (HashedId48) and the root CA
(HashedId32), sets the configured quorum, takes effect at `now`, and is signed by the first `quorum` electors
(each signature a separate step, as it would be on each elector's own machine). The `scms manager ctl` operations
reuse `sign_by_electors` for the next CTLs of the series.
"""

from __future__ import annotations

from collections.abc import Sequence

from scms.deployment.config import DeploymentConfig
from scms.dot2.time import Time32
from scms.manager.hierarchy import Hierarchy, Holder
from scms.protocol.ctl import assemble_ctl, build_tbs_ctl
from scms.protocol.ctl_contents import elector_id, root_ca_id
from scms.protocol.ctl_signature import sign_ctl

__all__ = ["FIRST_CTL_SEQUENCE_NUMBER", "first_ctl", "sign_by_electors"]

FIRST_CTL_SEQUENCE_NUMBER = 1
"""`sequenceNumber` of the first CTL of a new series."""


def sign_by_electors(tbs_ctl: bytes, electors: Sequence[Holder], now: Time32) -> tuple[bytes, ...]:
    """One `CtlSignatureSpdu` per elector over the COER `FullIeeeTbsCtl`."""
    return tuple(sign_ctl(tbs_ctl, e.signing_key, e.certificate, now) for e in electors)


def first_ctl(config: DeploymentConfig, hierarchy: Hierarchy, now: Time32) -> bytes:
    """The COER `MultiSignedCtlSpdu` of CTL 1: every elector and the root approved, signed by a quorum."""
    electors = hierarchy.electors
    root = hierarchy.certificate("root")
    quorum = config.manager.electors.quorum
    tbs = build_tbs_ctl(
        config.manager.ctl.series_bytes,
        FIRST_CTL_SEQUENCE_NUMBER,
        now,
        elector_approve=[elector_id(e.certificate) for e in electors],
        root_ca_approve=[root_ca_id(root)],
        quorum=quorum,
    )
    signatures = sign_by_electors(tbs, electors[:quorum], now)
    return assemble_ctl(tbs, signatures, [*(e.certificate for e in electors), root])
