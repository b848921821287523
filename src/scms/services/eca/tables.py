"""The ECA's table, created by the migration `eca_0001_enrollments`: one row per accepted enrollment request.

A row is written when the request is accepted, with the certificate the ECA plans to issue (`planned_tbs`:
the COER ToBeSignedCertificate with the requested key as verificationKey; for an implicit certificate the ECQV
reconstruction value takes its place at issuance), and completed by compare-and-set (`state` accepted -> issued)
with the certificate's HashedId8 and the signed response. `request_digest` (SHA-256 of the request as received)
is unique: the same request bytes can never be accepted twice, so a retry gets the stored response. Rate limits
(eca-maxReqs, eca-minWait) count a device's rows by `generation_time` (Time32); a successor request names the
current enrollment certificate by `certificate_hash` (index added by `eca_0002_certificate_index`).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    UniqueConstraint,
)

__all__ = ["ECA_METADATA", "enrollments"]

ECA_METADATA = MetaData()

enrollments = Table(
    "eca_enrollments",
    ECA_METADATA,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("request_digest", LargeBinary(32), nullable=False),
    Column("request_hash", LargeBinary(8), nullable=False),
    Column("canonical_id", String(64), nullable=False),
    Column("device_type", String(8), nullable=False),
    Column("generation_time", BigInteger, nullable=False),
    Column("received_at", BigInteger, nullable=False),
    Column("certificate_type", String(8), nullable=False),
    Column("planned_tbs", LargeBinary, nullable=False),
    Column("state", String(8), nullable=False),
    Column("certificate_hash", LargeBinary(8)),
    Column("response", LargeBinary),
    Column("issued_at", BigInteger),
    UniqueConstraint("request_digest", name="uq_eca_enrollments_request_digest"),
    CheckConstraint("state IN ('accepted', 'issued')", name="ck_eca_enrollments_state"),
    CheckConstraint("certificate_type IN ('explicit', 'implicit')", name="ck_eca_enrollments_type"),
    Index("ix_eca_enrollments_device", "canonical_id", "generation_time"),
    Index("ix_eca_enrollments_certificate", "certificate_hash"),
)
