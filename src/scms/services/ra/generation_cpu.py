"""The CPU-bound steps of certificate generation, as functions a process pool can run (`JobContext.run_cpu`):
every argument and result is plain data (bytes, ints, frozen dataclasses); no key crosses a process boundary.

* `sign_requests`: for each work item, the `RaAcaCertRequest` (1609.2.1 clause 9.3 `butterfly_request` per (i, j),
  or the one request of a non-butterfly certificate) signed by the RA (`sign_ra_aca_request`), all with one
  generationTime (the ACA must not be able to group a device's requests by their time);
* `open_answers`: each `AcaRaCertResponseSpdu` verified (`open_aca_ra_response`: ACA signature, an ACA certificate
  whose chain reaches a root of the home CTL, verified once per certificate and process);
* `warm_up`: the loading alone, run in every process when the service starts (`ra.warm-up`,
  `scms.services.common.warm_every_process`), so that the first request's steps do not wait for a cold process.

A worker process loads what it needs once, from the deployment directory: the RA's certificate and signing key
(mode checked, key checked against the certificate), the ACA certificates and the trust of the home CTL.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from scms import asn1
from scms.crypto import SoftwareKey
from scms.deployment import load_deployment
from scms.deployment.inventory import load_inventory
from scms.deployment.publication import home_trust
from scms.dot2.certificate_fields import CertificateType, PublicEncryptionKey, ValidityPeriod
from scms.dot2.certificate_template import CertificateTemplate
from scms.dot2.errors import Ieee1609Error
from scms.dot2.time import Time32
from scms.protocol.aca_ra_response import open_aca_ra_response
from scms.protocol.butterfly_params import ButterflyParams, additional_params_from_coer
from scms.protocol.encrypted_plv import EncryptedPlv
from scms.protocol.ra_aca import butterfly_request
from scms.protocol.ra_aca_request import LinkageInfo, RaAcaCertRequest, sign_ra_aca_request
from scms.protocol.security_mgmt_ssp import Role, certificate_role
from scms.services.common import VerifiedChains

__all__ = ["SigningWork", "open_answers", "sign_requests", "warm_up"]

ItemRow = tuple[int, int, int, bytes | None, bytes | None]
"""(item id, i, j, encrypted PLV of LA1, of LA2)."""


@dataclass(frozen=True, repr=False)
class SigningWork:
    """What one request's items need to be signed: its plan (COER) and the items."""

    parameters: bytes | None
    template: bytes
    certificate_type: str
    validities: dict[int, ValidityPeriod]
    """The certificates' validity for each i-period of the items (butterfly requests)."""
    items: tuple[ItemRow, ...]


class _Worker:
    """What one process needs, loaded once (`_worker`)."""

    def __init__(self, directory: Path) -> None:
        deployment = load_deployment(directory)
        self.certificate = deployment.certificate("ra")
        self.key: SoftwareKey = deployment.signing_key("ra")
        held = load_inventory(deployment)
        self.aca_certificates = tuple(h.certificate for h in held if certificate_role(h.certificate) is Role.ACA)
        intermediates = [h.certificate for h in held if certificate_role(h.certificate) is Role.ICA]
        self.deployment = deployment
        self._intermediates = intermediates
        self._aca_chains: VerifiedChains | None = None
        self._lock = threading.Lock()

    def aca_chains(self, now: Time32) -> VerifiedChains:
        with self._lock:
            if self._aca_chains is None:
                anchors = home_trust(self.deployment, now).root_certificates
                self._aca_chains = VerifiedChains(self._intermediates, anchors, capacity=64)
            return self._aca_chains


@cache
def _worker(directory: str) -> _Worker:
    return _Worker(Path(directory))


def _plan(work: SigningWork) -> tuple[CertificateTemplate, ButterflyParams | PublicEncryptionKey | None]:
    template = CertificateTemplate.from_tbs_value(asn1.decode("ToBeSignedCertificate", work.template))
    assert template.verification_key is not None
    value = None if work.parameters is None else asn1.decode("AdditionalParams", work.parameters)
    return template, additional_params_from_coer(value, template.verification_key)


def _requests(work: SigningWork, now: Time32) -> list[tuple[int, RaAcaCertRequest]]:
    template, params = _plan(work)
    key = template.verification_key
    assert key is not None
    cert_type = CertificateType(work.certificate_type)
    base = replace(template, verification_key=None)
    if not isinstance(params, ButterflyParams):
        one = RaAcaCertRequest(now, cert_type, base, key, cert_enc_key=params)
        return [(item_id, one) for item_id, *_ in work.items]
    made = []
    for item_id, i, j, plv1, plv2 in work.items:
        assert plv1 is not None and plv2 is not None
        linkage = LinkageInfo(EncryptedPlv.from_bytes(plv1), EncryptedPlv.from_bytes(plv2))
        period = replace(base, validity=work.validities[i])
        made.append((item_id, butterfly_request(params, i, j, period, linkage, cert_type, now)))
    return made


def sign_requests(directory: str, works: Sequence[SigningWork], generation_time: int) -> list[tuple[int, bytes]]:
    """(item id, signed RaAcaCertRequestSpdu) for every item of `works`, all at `generation_time`."""
    worker = _worker(directory)
    now = Time32(generation_time)
    signed = []
    for work in works:
        for item_id, request in _requests(work, now):
            signed.append((item_id, sign_ra_aca_request(request, worker.key, worker.certificate)))
    return signed


def open_answers(directory: str, answers: Sequence[bytes], now: int) -> list[tuple[bytes, bytes] | str]:
    """For each AcaRaCertResponseSpdu: (the request hash it answers, the EE's SPDU), or the header value of the
    1609.2.1 error that makes it unusable."""
    worker = _worker(directory)
    at = Time32(now)
    chains = worker.aca_chains(at)
    opened: list[tuple[bytes, bytes] | str] = []
    for data in answers:
        try:
            answer = open_aca_ra_response(data, at, check_aca=chains.check, certificates=worker.aca_certificates)
        except Ieee1609Error as error:
            opened.append(error.header_value)
        else:
            opened.append((bytes(answer.request_hash), answer.ee_spdu))
    return opened


def warm_up(directory: str, now: int) -> None:
    """Load this process's worker and the trust its ACA chains are verified against (the pool's warm-up)."""
    _worker(directory).aca_chains(Time32(now))
