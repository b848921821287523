"""The RA's tables for certificates (migrations `ra_0002_authorization`, `ra_0003_downloads`), in the RA's metadata.

    ra_authorization_requests  one row per accepted EeRaCertRequestSpdu, keyed by its request hash: who asked
                               (enrollment certificate, device), what was planned (authorization set, template,
                               butterfly parameters, i-periods, j count), the signed acknowledgement, the linkage
                               chains used, the state (accepted -> complete | cancelled | failed)
    ra_linkage_chains          the chains each LA keeps for a device (chain id, first i-period): later requests
                               of the device extend them
    ra_authorization_items     one row per certificate, unique (request, i, j): the LAs' encrypted PLVs, the
                               signed RaAcaCertRequestSpdu (stored before it is sent, re-sent unchanged), the ACA's
                               answer, and the lease of the worker that holds it
    ra_download_files          what an EE downloads: one row per (request, i) batch zip, or the one file of a
                               non-butterfly request (i = 0)
    ra_successor_requests      one row per accepted successor enrollment request: the inner request forwarded
                               to the ECA and, once answered, the ECA's response (or its 1609.2.1 error)
    ra_download_requests       one row per admitted download request (migration `ra_0003_downloads`): the
                               enrollment certificate that signed it and its generationTime, what download-maxReqs
                               and download-minWait count (scms.services.ra.download_log)

Times are Time32 integers (TAI seconds since 2004); hashes are raw octets. No private key is stored; the butterfly
expansion keys are (they link a device's certificates: never in logs or reprs).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    UniqueConstraint,
)

from scms.services.ra.tables import RA_METADATA

__all__ = [
    "authorization_items",
    "authorization_requests",
    "download_files",
    "download_requests",
    "linkage_chains",
    "successor_requests",
]

authorization_requests = Table(
    "ra_authorization_requests",
    RA_METADATA,
    Column("request_hash", LargeBinary(8), primary_key=True),
    Column("request_digest", LargeBinary(32), nullable=False),
    Column("enrollment_id", LargeBinary(8), nullable=False),
    Column("canonical_id", String(64), ForeignKey("ra_devices.canonical_id"), nullable=False),
    Column("device_type", String(8), nullable=False),
    Column("profile", String(32), nullable=False),
    Column("variant", String(16)),
    Column("certificate_type", String(8), nullable=False),
    Column("parameters", LargeBinary),
    Column("template", LargeBinary, nullable=False),
    Column("generation_time", BigInteger, nullable=False),
    Column("received_at", BigInteger, nullable=False),
    Column("i_first", Integer),
    Column("i_last", Integer),
    Column("j_count", Integer, nullable=False),
    Column("next_dl_time", BigInteger, nullable=False),
    Column("ack", LargeBinary, nullable=False),
    Column("chain_1", LargeBinary(16)),
    Column("chain_2", LargeBinary(16)),
    Column("state", String(16), nullable=False),
    Column("finished_at", BigInteger),
    CheckConstraint("state IN ('accepted', 'complete', 'cancelled', 'failed')", name="ck_ra_authorization_state"),
    Index("ix_ra_authorization_requests_limits", "enrollment_id", "profile", "generation_time"),
    Index("ix_ra_authorization_requests_device", "canonical_id", "state"),
)

linkage_chains = Table(
    "ra_linkage_chains",
    RA_METADATA,
    Column("la_id", Integer, primary_key=True),
    Column("chain_id", LargeBinary(16), primary_key=True),
    Column("canonical_id", String(64), ForeignKey("ra_devices.canonical_id"), nullable=False),
    Column("i_first", Integer, nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Index("ix_ra_linkage_chains_device", "canonical_id", "la_id"),
)

authorization_items = Table(
    "ra_authorization_items",
    RA_METADATA,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("request_hash", LargeBinary(8), ForeignKey("ra_authorization_requests.request_hash"), nullable=False),
    Column("i", Integer, nullable=False),
    Column("j", Integer, nullable=False),
    Column("enc_plv1", LargeBinary),
    Column("enc_plv2", LargeBinary),
    Column("aca_request", LargeBinary),
    Column("aca_request_hash", LargeBinary(8)),
    Column("response", LargeBinary),
    Column("state", String(8), nullable=False),
    Column("lease_owner", String(64)),
    Column("lease_expires", BigInteger),
    CheckConstraint("state IN ('open', 'answered')", name="ck_ra_authorization_items_state"),
    UniqueConstraint("request_hash", "i", "j", name="uq_ra_authorization_items_ij"),
    Index("ix_ra_authorization_items_sent", "aca_request_hash", unique=True),
    Index("ix_ra_authorization_items_open", "state", "lease_expires"),
)

download_files = Table(
    "ra_download_files",
    RA_METADATA,
    Column("request_hash", LargeBinary(8), ForeignKey("ra_authorization_requests.request_hash"), primary_key=True),
    Column("i", Integer, primary_key=True),
    Column("name", String(64), nullable=False),
    Column("data", LargeBinary, nullable=False),
    Column("created_at", BigInteger, nullable=False),
)

successor_requests = Table(
    "ra_successor_requests",
    RA_METADATA,
    Column("request_hash", LargeBinary(8), primary_key=True),
    Column("request_digest", LargeBinary(32), nullable=False),
    Column("enrollment_id", LargeBinary(8), nullable=False),
    Column("canonical_id", String(64), ForeignKey("ra_devices.canonical_id"), nullable=False),
    Column("eca_request", LargeBinary, nullable=False),
    Column("generation_time", BigInteger, nullable=False),
    Column("received_at", BigInteger, nullable=False),
    Column("next_dl_time", BigInteger, nullable=False),
    Column("ack", LargeBinary, nullable=False),
    Column("response", LargeBinary),
    Column("error", String(8)),
    Column("state", String(16), nullable=False),
    Column("finished_at", BigInteger),
    CheckConstraint("state IN ('accepted', 'complete', 'refused')", name="ck_ra_successor_state"),
    Index("ix_ra_successor_requests_limits", "enrollment_id", "generation_time"),
)

download_requests = Table(
    "ra_download_requests",
    RA_METADATA,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("enrollment_id", LargeBinary(8), nullable=False),
    Column("generation_time", BigInteger, nullable=False),
    Index("ix_ra_download_requests_limits", "enrollment_id", "generation_time"),
)
