"""Issue the next CRL of a series: `issue_crl(directory, series, now, ...)` (`scms manager crl issue`; 1609.2 §7.3,
§5.1.3; 1609.2.1 §8.5).

The CRL is a full CRL of the CRACA of the current CRL signer (its issuer, the root CA) and signed by that signer
(lint before sign: its CrlSsp must list the series and name its issuer as the CRACA). It carries every entry of the
previous CRL of that (CRACA, series) that still matters plus the new ones:

* hash series (CA 256, enrollment, identification): one `HashRevocation` per revoked certificate (HashedId10 of
  the whole certificate, expiry = end of its validity), each checked to be in the CRL's scope (its cracaId is the
  CRACA's HashedId3 and its crlSeries the series); entries that expired before `now` are dropped; crlSerial is the
  CRL's number in the series;
* the pseudonym series (linkage-based): `LinkageRevocation` chains (the two LAs' ids and seeds, at the i-period
  they were given for; `linkage_revocation` fills in the defaults); chains whose iMax is before the current
  i-period are dropped, the others evolved to it (iRev = the i-period of `now`); indexWithinI counts the CRLs of
  one i-period from 0.

The new CRL gets the next number (`crl_<craca>_<series>_<n>.oer`), and the composite CRL its next version.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from scms.deployment.config import DeploymentConfig
from scms.deployment.errors import DeploymentError
from scms.deployment.manifest import CrlEntry
from scms.dot2.certificate import Certificate
from scms.dot2.crl import (
    CrlContents,
    CrlHeader,
    HashRevocation,
    LinkageRevocation,
    build_hash_crl,
    build_linkage_crl,
    verify_crl,
)
from scms.dot2.time import Time32
from scms.manager.crls import CrlKindName, IssuedCrl, crl_header, sign_series_crl
from scms.manager.update import Applied, Update

__all__ = ["issue_crl", "linkage_revocation"]


def linkage_revocation(
    config: DeploymentConfig,
    now: Time32,
    seeds: tuple[bytes, bytes],
    *,
    la_ids: tuple[int, int] | None = None,
    i: int | None = None,
    i_max: int | None = None,
    jmax: int | None = None,
) -> LinkageRevocation:
    """A revoked pseudonym chain: the seeds of LA1 and LA2 (`la_ids`, default the deployment's) at i-period `i`
    (default: the current one), revoked up to `i_max` (default: as far ahead as certificates are generated,
    `ra-maxPreloadTime`) for j below `jmax` (default `time-baseCertNumber`)."""
    policy = config.policy
    current = int(policy.i_periods().i_at(now))
    i = current if i is None else i
    if i_max is None:
        i_max = max(i, current) - (-policy.ra_max_preload_time // policy.i_period_length)
    ids = (config.la1.la_id, config.la2.la_id) if la_ids is None else la_ids
    if sorted(ids) != sorted((config.la1.la_id, config.la2.la_id)):
        raise DeploymentError(f"LA ids {list(ids)} are not this deployment's ({config.la1.la_id}, {config.la2.la_id})")
    return LinkageRevocation(*ids, *seeds, i_rev=i, i_max=min(i_max, 0xFFFF), jmax=jmax or policy.base_cert_number)


def _previous(update: Update, craca: Certificate, series: int) -> tuple[int, CrlContents | None]:
    entries = [e for e in update.manifest.crls if e.craca == craca.hashed_id8().hex() and e.series == series]
    if not entries:
        return 0, None
    newest: CrlEntry = max(entries, key=lambda e: e.number)
    return newest.number, verify_crl(update.deployment.read(newest.file), certificates=update.inventory.certificates)


def _in_scope(certificate: Certificate, craca: Certificate, series: int) -> HashRevocation:
    if certificate.craca_id != craca.hashed_id3() or certificate.crl_series != series:
        scope = f"cracaId {certificate.craca_id.hex()} series {certificate.crl_series}"
        raise DeploymentError(f"{certificate}: {scope} is outside CRLs of {craca.hashed_id8().hex()} series {series}")
    return HashRevocation.for_certificate(certificate)


def issue_crl(
    directory: Path,
    series: int,
    now: Time32,
    *,
    certificates: Sequence[Certificate] = (),
    linkage: Sequence[LinkageRevocation] = (),
) -> Applied:
    """The next CRL of `series` (see the module docstring), published with the next composite CRL."""
    update = Update.open(directory, now)
    config = update.deployment.config.manager.crl
    if series not in config.all_series:
        raise DeploymentError(f"CRL series {series} is not one of this deployment's ({list(config.all_series)})")
    signer = update.holder("crl-signer")
    craca = update.inventory.issuer(signer.certificate)
    if craca is None:
        raise DeploymentError("crl-signer: its issuer (the CRACA) is not a certificate of this deployment")
    number, previous = _previous(update, craca.certificate, series)
    header = crl_header(update.deployment.config, craca.certificate, series, now)
    if series == config.pseudonym_series:
        if certificates:
            raise DeploymentError(f"series {series} is linkage-based: revoke pseudonym certificates by linkage seeds")
        contents = _linkage_crl(update, header, previous, linkage)
        kind: CrlKindName = "linkage"
    else:
        if linkage:
            raise DeploymentError(f"series {series} is hash-based: revoke certificates by file, not linkage seeds")
        kept = [e for e in (previous.hash_entries if previous else ()) if e.expiry > now]
        entries = [*kept, *(_in_scope(c, craca.certificate, series) for c in certificates)]
        contents = build_hash_crl(header, entries, crl_serial=number + 1)
        kind = "hash"
    secured = sign_series_crl(contents, signer, craca.certificate)
    update.add_crl(IssuedCrl(craca.certificate.hashed_id8(), series, kind, number + 1, secured))
    update.refresh_composite_crl()
    return update.commit()


def _linkage_crl(
    update: Update, header: CrlHeader, previous: CrlContents | None, linkage: Sequence[LinkageRevocation]
) -> CrlContents:
    i_rev = int(update.deployment.config.policy.i_periods().i_at(update.now))
    kept = [c for c in (previous.linkage_entries if previous else ()) if c.i_max >= i_rev]
    groups = [g for g in (previous.group_entries if previous else ()) if g.i_max >= i_rev]
    late = [c for c in linkage if c.i_rev > i_rev]
    if late:
        raise DeploymentError(f"linkage seeds given for i-period {late[0].i_rev}, after the current one ({i_rev})")
    same_period = previous is not None and previous.i_rev == i_rev
    index = (previous.index_within_i or 0) + 1 if previous is not None and same_period else 0
    return build_linkage_crl(header, i_rev=i_rev, individual=[*kept, *linkage], groups=groups, index_within_i=index)
