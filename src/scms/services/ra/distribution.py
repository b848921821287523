"""What the RA's distribution-centre endpoints serve (1609.2.1 clauses 6.3.5.7-6.3.5.14, 8.4-8.7; standards notes
§9, §10.1): the deployment's published files, read and checked once at start (`PublishedFiles.load`).

* certificates: the RA's own; every CA and component certificate of the deployment (current and past, electors
  excepted) by HashedId8; the MA's, with the PSIDs of its `MaSsp.relevantPsids` (none listed: every PSID);
* the home CTL series: every CTL by sequence number, served as the stored zip `ctl_<series>_<n>.zip` of
  `ctl_<series>_<m>.oer` entries from n to the latest (PKWARE stored entries, fixed timestamps);
* the CCF `ccf_<version>.oer`, the composite CRL `composite-crl_<version>.oer`, the newest CRL of each
  (CRACA, series), each verified against its signer here so a broken file is never published;
* the certificate management information status, signed by the RA certificate at load
  (`scms-management-infostatus_<RA host>_<last update>.oer`).

A new publication by the manager is served without a restart: `distribution_source.PublishedSource` loads and
checks it again when the manifest changes.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from scms.crypto import HashedId8, Signer
from scms.deployment import Deployment
from scms.deployment.inventory import load_inventory
from scms.dot2.certificate import Certificate
from scms.dot2.crl import verify_crl
from scms.dot2.time import Time32
from scms.protocol.ccf import ccf_file_name
from scms.protocol.composite_crl import composite_crl_file_name
from scms.protocol.ctl import parse_ctl
from scms.protocol.info_status import (
    CrlInfoStatus,
    CtlInfoStatus,
    InfoStatus,
    MaInfoStatus,
    info_status_file_name,
    sign_info_status,
)
from scms.protocol.security_mgmt_ssp import Role, certificate_role, certificate_ssp

__all__ = ["PublishedFiles", "ctl_entry_name", "ctl_zip_name"]

_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def ctl_entry_name(series_id: bytes, sequence_number: int) -> str:
    """`ctl_<ctlSeriesId>_<sequenceNumber>.oer` (1609.2.1 clause 8.6; the sequence number in decimal)."""
    return f"ctl_{series_id.hex()}_{sequence_number}.oer"


def ctl_zip_name(series_id: bytes, sequence_number: int) -> str:
    """`ctl_<ctlSeriesId>_<lowest sequenceNumber>.zip`."""
    return f"ctl_{series_id.hex()}_{sequence_number}.zip"


@dataclass(frozen=True)
class PublishedFiles:
    ra_certificate: Certificate
    certificates: Mapping[HashedId8, Certificate]
    """CA and component certificates by HashedId8 (`/v3/ca-certificate`)."""
    ma_certificate: Certificate | None
    ma_psids: tuple[int, ...] | None
    """The PSIDs the MA handles (`MaSsp.relevantPsids`); None: every PSID."""
    ctl_series_id: bytes
    ctls: Mapping[int, bytes]
    """The home series' MultiSignedCtlSpdus by sequence number."""
    ccf: tuple[str, bytes]
    composite_crl: tuple[str, bytes]
    crls: Mapping[tuple[HashedId8, int], bytes]
    """The newest SecuredCrl of each (CRACA HashedId8, series)."""
    info_status: tuple[str, bytes]
    replaced: Mapping[str, int] = field(default_factory=dict)
    """When each component's certificate was last replaced (`Manifest.history` until), by component: a successor
    starts at its i-period's start (scms.manager.profiles), maybe no later than the one it replaced, so the update
    times of the information status also count the replacements."""

    @classmethod
    def load(cls, deployment: Deployment, ra_key: Signer, now: Time32) -> PublishedFiles:
        """Read and check the deployment's published files; sign the information status with `ra_key` at `now`."""
        held = load_inventory(deployment)
        served = {h.certificate.hashed_id8(): h.certificate for h in held
                  if certificate_role(h.certificate) is not Role.ELECTOR}
        ctls = {parse_ctl(data).sequence_number: data for data in deployment.ctls()}
        crls = {}
        for (craca, series), data in deployment.latest_crls().items():
            verify_crl(data, certificates=held.certificates)
            crls[(HashedId8(bytes.fromhex(craca)), series)] = data
        ma = deployment.certificates.get("ma")
        ssp = None if ma is None else certificate_ssp(ma)
        manifest = deployment.manifest
        replaced: dict[str, int] = {}
        for past in manifest.history:
            replaced[past.component] = max(replaced.get(past.component, 0), past.until)
        files = cls(
            ra_certificate=deployment.certificate("ra"),
            certificates=served,
            ma_certificate=ma,
            ma_psids=None if ssp is None or not ssp.relevant_psids else ssp.relevant_psids,
            ctl_series_id=bytes.fromhex(manifest.ctl_series_id),
            ctls=ctls,
            ccf=(ccf_file_name(manifest.ccf.version), deployment.ccf()),
            composite_crl=(composite_crl_file_name(manifest.composite_crl.version), deployment.composite_crl()),
            crls=crls,
            info_status=("", b""),
            replaced=replaced,
        )
        return files.with_info_status(ra_key, now)

    def with_info_status(self, ra_key: Signer, now: Time32) -> PublishedFiles:
        """These files with the information status describing them, signed at `now` (1609.2.1 clause 8.7)."""
        latest = parse_ctl(self.ctls[max(self.ctls)])
        crl_status = []
        for (craca, series), data in sorted(self.crls.items()):
            issued = verify_crl(data, certificates=list(self.certificates.values())).issue_date
            crl_status.append(CrlInfoStatus(craca, series, issued))
        ccf_update = max([latest.effective_date, *(c.validity.start for c in self.certificates.values()),
                          *self.replaced.values()])
        ma = () if self.ma_certificate is None else (
            MaInfoStatus(self.ma_psids or (), self._updated("ma", self.ma_certificate)),)
        status = InfoStatus(
            crl=tuple(crl_status),
            ctl=(CtlInfoStatus(self.ctl_series_id, latest.sequence_number, latest.effective_date),),
            ca_ccf=Time32(ccf_update),
            ma=ma,
            ra=self._updated("ra", self.ra_certificate),
        )
        host = self.ra_certificate.id.name or "ra"
        signed = sign_info_status(status, ra_key, self.ra_certificate, now, generation_time=True)
        return replace(self, info_status=(info_status_file_name(host, status.last_update), signed))

    def _updated(self, component: str, certificate: Certificate) -> Time32:
        """When `component`'s certificate last changed: its start, or when it replaced the previous one if later."""
        return Time32(max(int(certificate.validity.start), self.replaced.get(component, 0)))

    def ctl_zip(self, from_sequence: int) -> tuple[str, bytes] | None:
        """The CTLs of the home series from `from_sequence` to the latest, zipped; None when there is none."""
        numbers = sorted(n for n in self.ctls if n >= from_sequence)
        if from_sequence not in self.ctls or not numbers:
            return None
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
            for number in numbers:
                entry = zipfile.ZipInfo(ctl_entry_name(self.ctl_series_id, number), _ZIP_TIME)
                archive.writestr(entry, self.ctls[number])
        return ctl_zip_name(self.ctl_series_id, from_sequence), buffer.getvalue()

    def ma_for(self, psid: int) -> Certificate | None:
        """The MA certificate that handles reports for `psid`."""
        if self.ma_certificate is None or (self.ma_psids is not None and psid not in self.ma_psids):
            return None
        return self.ma_certificate
