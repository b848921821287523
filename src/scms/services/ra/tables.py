"""The RA's registration tables (the DCM role), created by the migration `ra_0001_devices`.

`ra_devices`: one row per registered canonical key, keyed by its canonical id, with the device type and the
lifecycle state (`scms.services.ra.lifecycle`); a transition is one `UPDATE ... WHERE state = <read>`.
`ra_enrollment_certificates`: the enrollment certificates the ECA reported as issued to each device (HashedId8),
so that a request signed by an enrollment certificate leads back to its device.
"""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, LargeBinary, MetaData, String, Table

from scms.services.common.database import UtcDateTime

__all__ = ["RA_METADATA", "devices", "enrollment_certificates"]

RA_METADATA = MetaData()

_STATES = "'registered', 'enrolled', 'provisioning', 'blocked', 'deleted'"

devices = Table(
    "ra_devices",
    RA_METADATA,
    Column("canonical_id", String(64), primary_key=True),
    Column("device_type", String(8), nullable=False),
    Column("curve", String(16), nullable=False),
    Column("public_key", LargeBinary(49), nullable=False),
    Column("state", String(16), nullable=False),
    Column("blocked_from", String(16)),
    Column("registered_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    CheckConstraint(f"state IN ({_STATES})", name="ck_ra_devices_state"),
)

enrollment_certificates = Table(
    "ra_enrollment_certificates",
    RA_METADATA,
    Column("hashed_id8", LargeBinary(8), primary_key=True),
    Column("canonical_id", String(64), ForeignKey("ra_devices.canonical_id"), nullable=False),
    Column("recorded_at", UtcDateTime(), nullable=False),
    Index("ix_ra_enrollment_certificates_device", "canonical_id"),
)
