"""The 1609.2.1 policy parameters of a deployment (1609.2.1 §4.3, Tables 1, 4, 5, 6), under their standard names.

`scms.toml` holds them in its `[policy]` table and `scms init` writes them into the global policy file
(`policy.GlobalPolicy.parameters`); in both places the keys are the standard's names (`eca-maxAge`, `ra-maxReqs`,
...). Every duration is in seconds, every time a Time32 (TAI seconds since 2004-01-01, 1609.2 §6.4.12).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from scms.crypto import ButterflyVariant
from scms.dot2.time import US_IPERIOD_EPOCH, US_IPERIOD_LENGTH, IPeriods, Time32

__all__ = ["PolicyParameters"]

_YEAR = 31_556_952


class PolicyParameters(BaseModel):
    """Parameters an EE and the SCMS agree on; the names are those of 1609.2.1 §4.3."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

    i_period_epoch: int = Field(default=int(US_IPERIOD_EPOCH), alias="time-iPeriodEpoch", ge=0, le=0xFFFFFFFF)
    """`time-iPeriodEpoch`: start of i-period 0, Time32 (US: 347619603 = 2015-01-06T09:00:00Z)."""
    i_period_length: int = Field(default=US_IPERIOD_LENGTH, alias="time-iPeriodLength", ge=3600)
    """`time-iPeriodLength`: length of one i-period in seconds (US: one week)."""
    overlap: int = Field(default=3600, alias="time-overlap", ge=0)
    """`time-overlap`: seconds a pseudonym certificate outlives its i-period (US: 1 h, so 169-hour certificates)."""
    base_cert_number: int = Field(default=20, alias="time-baseCertNumber", ge=1, le=256)
    """`time-baseCertNumber`: pseudonym certificates per i-period (the range of j)."""
    leap_seconds: int = Field(default=5, alias="time-leapSeconds", ge=0, le=100)
    """`time-leapSeconds`: leap seconds inserted since 2004-01-01, used to turn UTC into Time32 (5 since 2017)."""
    eca_max_age: int = Field(default=300, alias="eca-maxAge", ge=1)
    """`eca-maxAge`: how old (generationTime) an enrollment request may be when the ECA receives it."""
    eca_max_reqs: int = Field(default=100, alias="eca-maxReqs", ge=1)
    """`eca-maxReqs`: enrollment requests per device per 7 x 24 h, counted by generationTime."""
    eca_max_wait: int = Field(default=3600, alias="eca-maxWait", ge=0)
    """`eca-maxWait`: longest time from generationTime to the requested validityPeriod.start."""
    eca_min_wait: int = Field(default=0, alias="eca-minWait", ge=0)
    """`eca-minWait`: shortest time an EE waits before repeating an enrollment request."""
    acpc_support: bool = Field(default=False, alias="ra-acpcSupport")
    """`ra-acpcSupport`: whether the RA supports ACPC (1609.2.1 §9.5); not supported yet, so false."""
    butterfly_types: tuple[ButterflyVariant, ...] = Field(default=
        (ButterflyVariant.ORIGINAL, ButterflyVariant.UNIFIED, ButterflyVariant.COMPACT_UNIFIED),
        alias="ra-butterflyType",
        min_length=1,
    )
    """`ra-butterflyType`: butterfly variants the RA accepts: "original", "unified", "compactUnified"."""
    ra_max_age: int = Field(default=300, alias="ra-maxAge", ge=1)
    """`ra-maxAge`: how old an authorization request may be when the RA receives it."""
    ra_max_gen_delay: int = Field(default=3 * _YEAR, alias="ra-maxGenDelay", ge=0)
    """`ra-maxGenDelay`: longest time from generationTime to the requested start of the certificates."""
    ra_max_reqs: int = Field(default=100, alias="ra-maxReqs", ge=1)
    """`ra-maxReqs`: authorization requests per PSID/SSP set per enrollment certificate per 7 x 24 h."""
    ra_max_preload_time: int = Field(default=3 * _YEAR, alias="ra-maxPreloadTime", ge=0)
    """`ra-maxPreloadTime`: how far ahead of now the SCMS generates certificates for an EE."""
    ra_min_wait: int = Field(default=0, alias="ra-minWait", ge=0)
    """`ra-minWait`: shortest time between two authorization (or successor enrollment) requests of one EE."""
    ra_max_overlap: int = Field(default=3600, alias="ra-maxOverlap", ge=0)
    """`ra-maxOverlap`: largest overlap the RA accepts between the validity of consecutive requested certificates."""
    download_max_age: int = Field(default=300, alias="download-maxAge", ge=1)
    """`download-maxAge`: how old a download request may be when the RA receives it."""
    download_max_reqs: int = Field(default=1000, alias="download-maxReqs", ge=1)
    """`download-maxReqs`: download requests per enrollment certificate per 7 x 24 h."""
    download_min_wait: int = Field(default=0, alias="download-minWait", ge=0)
    """`download-minWait`: shortest time between two download requests of one EE."""

    @model_validator(mode="after")
    def _distinct_butterfly_types(self) -> PolicyParameters:
        if len(set(self.butterfly_types)) != len(self.butterfly_types):
            raise ValueError("ra-butterflyType lists a variant twice")
        return self

    @property
    def pseudonym_validity_seconds(self) -> int:
        """Validity of a pseudonym certificate: one i-period plus the overlap (US: 169 h)."""
        return self.i_period_length + self.overlap

    def i_periods(self) -> IPeriods:
        """The i-period grid these parameters define (`time-iPeriodEpoch`, `time-iPeriodLength`)."""
        return IPeriods(Time32(self.i_period_epoch), self.i_period_length)
