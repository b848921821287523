"""The settings of the RA's certificate work: authorization requests, generation, downloads, successor enrollment
(style rule 13: built once from the loaded deployment at start, every field named for what it carries).

From the deployment: the 1609.2.1 policy parameters of the global policy (`ra-maxAge`, `ra-maxReqs`, `ra-minWait`,
`ra-maxGenDelay`, `ra-maxPreloadTime`, `ra-butterflyType`, `download-maxAge`, `time-*`), the device-type policies
(which PSID/SSP sets each type may request), the deployment region, the two LAs' ids (`[la1]`, `[la2] la_id`) and
where the peers are (`[la1]`, `[la2]`, `[aca]`, `[eca] url`). The generation knobs (`GenerationSettings`) are ours.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from scms.deployment import Deployment, DevicePolicy, PolicyParameters
from scms.dot2.region import Region
from scms.dot2.time import LeapSeconds, Time32
from scms.services.common import PeerSettings

__all__ = ["PEERS", "GenerationSettings", "IssuingSettings"]

PEERS = ("la1", "la2", "aca", "eca")
"""The components the RA calls for certificates: both linkage authorities, the ACA, the ECA (successors)."""


@dataclass(frozen=True)
class GenerationSettings:
    """How the RA's workers cut and pace their work (not 1609.2.1 parameters)."""

    aca_batch_size: int = 512
    """RaAcaCertRequestSpdus per call to the ACA (at most `scms.protocol.ra_aca_batch.MAX_BATCH`)."""
    aca_calls_in_flight: int = 2
    """Batches sent to the ACA at the same time by one worker."""
    claim_limit: int = 2048
    """Work items of OTHER requests a worker takes into one round with its own (shuffled together)."""
    item_lease_s: float = 120.0
    """How long claimed work items stay reserved for one worker; a dead worker's items are free after it."""
    download_delay_s: int = 2
    """nextDlTime of an acknowledgement: this many seconds after the request was accepted (or after its first
    i-period comes within ra-maxPreloadTime)."""
    shuffle_window_s: float = 0.1
    """How long the dispatch of a planned request waits, so that requests of other devices planned meanwhile are
    shuffled into the same batches (docs/conformance.md "shuffling")."""
    cpu_chunks: int = 2
    """Pieces the CPU-bound steps of one round are cut into (each runs in the job runner's process pool)."""
    max_attempts: int = 8
    """Attempts of one generation job before it is marked failed."""

    def __post_init__(self) -> None:
        if not 1 <= self.aca_batch_size <= 4096 or self.aca_calls_in_flight < 1 or self.cpu_chunks < 1:
            raise ValueError("aca_batch_size is 1..4096, aca_calls_in_flight and cpu_chunks at least 1")
        if self.claim_limit < 0 or self.item_lease_s <= 0 or self.download_delay_s < 0 or self.max_attempts < 1 \
                or self.shuffle_window_s < 0:
            raise ValueError("claim_limit, download_delay_s, shuffle_window_s not negative, item_lease_s positive, "
                             "attempts >= 1")


@dataclass(frozen=True)
class IssuingSettings:
    parameters: PolicyParameters
    """The 1609.2.1 parameters of the global policy (`ra-*`, `download-*`, `time-*`)."""
    device_policies: Mapping[str, DevicePolicy]
    """The policy of each device type ("OBU", "RSU"): the PSID/SSP sets it may request."""
    deployment_region: Region | None
    """The deployment region (global policy); a device type without its own region gets it."""
    la_ids: tuple[int, int]
    """`[la1] la_id`, `[la2] la_id`."""
    peers: Mapping[str, PeerSettings]
    """Where la1, la2, aca and eca are (`[<component>] url`)."""
    deployment_dir: Path
    """The deployment directory: worker processes load the RA's signing key from it."""
    generation: GenerationSettings = field(default_factory=GenerationSettings)

    @property
    def leap_seconds(self) -> LeapSeconds:
        """`time-leapSeconds`: turns the clock's UTC into Time32."""
        return LeapSeconds.fixed(self.parameters.leap_seconds)

    def time32(self, moment: dt.datetime) -> Time32:
        """A clock reading (aware UTC datetime) as Time32."""
        return Time32.from_datetime(moment, self.leap_seconds)

    def datetime(self, moment: Time32) -> dt.datetime:
        """A Time32 as an aware UTC datetime (for the job queue's run_after)."""
        return moment.to_datetime(self.leap_seconds)

    @classmethod
    def from_deployment(cls, deployment: Deployment, *, generation: GenerationSettings | None = None
                        ) -> IssuingSettings:
        config = deployment.config
        region = deployment.global_policy.region
        return cls(
            parameters=deployment.global_policy.parameters,
            device_policies=dict(deployment.device_policies),
            deployment_region=None if region is None else region.to_region(),
            la_ids=(config.la1.la_id, config.la2.la_id),
            peers={name: PeerSettings(name=name, base_url=config.url(name)) for name in PEERS},
            deployment_dir=deployment.layout.root,
            generation=generation or GenerationSettings(),
        )
