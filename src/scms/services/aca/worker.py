"""What runs in the ACA's CPU pool: verify and answer `RaAcaCertRequestSpdu`s (1609.2.1 clause 6.3.3).

The job runner calls `answer_requests(deployment_root, spdus, now)` in a process of its pool (a thread when it has
none). Only the deployment's directory and the requests cross to the process: each process loads the ACA's key,
its certificate, the keys shared with the LAs and the trust from the deployment itself, once (`AcaWorker.load`),
so no key material is pickled or sent through a pipe. A piece of requests at a time: each verified
(`verify_ra_aca_request`; the RA's chain verified once, then answered from `scms.services.common.VerifiedChains`),
the random draws of the verified ones made together (`randomize_piece`: one modular inversion for the piece's
point additions), then each issued with its draw (the ACA's scalar read out once for the piece, `ecqv_issuing`)
by `issue_pseudonym` (butterfly requests: linkageInfo and an encrypted answer required) or `issue_certificate`
(identification / application certificates); a refusal is the request's 1609.2.1 code, the others go on.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ParamSpec, TypeVar

from scms.crypto import ecqv_issuing
from scms.deployment import Deployment, load_deployment
from scms.deployment.inventory import load_inventory
from scms.deployment.layout import plv_key_purpose
from scms.deployment.publication import home_trust
from scms.dot2.errors import ErrorCode, Ieee1609Error
from scms.dot2.time import Time32
from scms.protocol.aca_issue import AcaIssuer, RequestDraws, issue_certificate, issue_pseudonym, randomize_piece
from scms.protocol.ra_aca_request import VerifiedRaAcaRequest, verify_ra_aca_request
from scms.services.common import VerifiedChains

__all__ = ["AcaWorker", "answer_requests", "warm_up", "worker_for"]

_RA_CERTIFICATES = 256
"""RA certificates remembered: a deployment has a few RAs, each with a few generations."""


@dataclass(frozen=True, repr=False)
class AcaWorker:
    """The ACA's issuing side: one `AcaIssuer` per CRL series (pseudonym, identification) and the RA check."""

    pseudonyms: AcaIssuer
    identification: AcaIssuer
    ra_certificates: VerifiedChains

    @classmethod
    def from_deployment(cls, deployment: Deployment, now: Time32) -> AcaWorker:
        """Keys (mode checked, against the ACA certificate), the CRACA (the root above the ACA), the CRL series of
        `[manager.crl]`, and the trust of the home CTL at `now` (an unverifiable CTL stops here)."""
        config = deployment.config
        inventory = load_inventory(deployment)
        aca = deployment.certificate("aca")
        root = inventory.root_of(aca)
        if root is None:
            raise ValueError("the ACA certificate does not lead to a root of the deployment")
        plv_keys = {config.la1.la_id: deployment.symmetric_key("aca", plv_key_purpose("la1")),
                    config.la2.la_id: deployment.symmetric_key("aca", plv_key_purpose("la2"))}
        key = deployment.signing_key("aca")
        crl = config.manager.crl

        def issuer(series: int) -> AcaIssuer:
            return AcaIssuer(key, aca, plv_keys, series, root.hashed_id3())

        trust = home_trust(deployment, now)
        return cls(issuer(crl.pseudonym_series), issuer(crl.identification_series),
                   VerifiedChains(inventory.certificates, trust.root_certificates, capacity=_RA_CERTIFICATES))

    def answer(self, spdus: Sequence[bytes], now: Time32) -> tuple[bytes | ErrorCode, ...]:
        """For each request of a piece its `AcaRaCertResponseSpdu` or the code that refused it, in order: all
        verified first, so that the random draws of the verified ones are made together."""
        checked = [_refused_or(verify_ra_aca_request, spdu, now, check_ra=self.ra_certificates.check)
                   for spdu in spdus]
        draws = iter(randomize_piece([request for request in checked if not isinstance(request, ErrorCode)]))
        # The ACA's scalar read out of OpenSSL once for the piece's r = e·k + d_CA, not once per certificate.
        with ecqv_issuing(self.pseudonyms.key), ecqv_issuing(self.identification.key):
            return tuple(request if isinstance(request, ErrorCode)
                         else _refused_or(self._issue, request, now, next(draws)) for request in checked)

    def _issue(self, verified: VerifiedRaAcaRequest, now: Time32, drawn: RequestDraws | None) -> bytes:
        if verified.request.linkage is not None:
            return issue_pseudonym(verified, self.pseudonyms, now, drawn)
        return issue_certificate(verified, self.identification, now, drawn)

    def __repr__(self) -> str:
        return f"AcaWorker({self.pseudonyms.certificate.hashed_id8()}, [secure])"


_P = ParamSpec("_P")
_T = TypeVar("_T")


def _refused_or(step: Callable[_P, _T], *args: _P.args, **kwargs: _P.kwargs) -> _T | ErrorCode:
    """`step`'s result, or the 1609.2.1 code of the Ieee1609Error that refused the request (that request alone);
    any other exception is a fault of ours and propagates."""
    try:
        return step(*args, **kwargs)
    except Ieee1609Error as error:
        return error.error


_WORKERS: dict[str, AcaWorker] = {}
_LOCK = threading.Lock()


def worker_for(deployment_root: str, now: Time32) -> AcaWorker:
    """This process's worker for the deployment at `deployment_root`, loaded on first use."""
    with _LOCK:
        worker = _WORKERS.get(deployment_root)
        if worker is None:
            worker = AcaWorker.from_deployment(load_deployment(Path(deployment_root)), now)
            _WORKERS[deployment_root] = worker
    return worker


def answer_requests(deployment_root: str, spdus: Sequence[bytes], now: int) -> tuple[bytes | ErrorCode, ...]:
    """For each request its `AcaRaCertResponseSpdu` or the code that refused it, in order (the pool's entry)."""
    return worker_for(deployment_root, Time32(now)).answer(spdus, Time32(now))


def warm_up(deployment_root: str, now: int) -> None:
    """Load this process's worker (the pool's warm-up, `scms.services.common.warm_every_process`)."""
    worker_for(deployment_root, Time32(now))
