"""The authorization CA (1609.2.1 clause 4.1.4) as a service: `POST /v1/certificate-requests` for the RA.

- `create_aca_app(deployment, clock=..., runner=...)` -> `AcaApps` (the app, the service, the engine);
- the flow `answer_batch` and its job `issue_job` (`flows`); the record of requests that makes issuing exactly
  once (`RequestStore`); the issuing side run in the CPU pool (`AcaWorker`, `answer_requests`) with the RA
  certificates' chains verified once each (`scms.services.common.VerifiedChains`).
"""

from scms.services.aca.api import ACA_CALLERS, BATCH_ROUTE
from scms.services.aca.app import AcaApps, create_aca_app
from scms.services.aca.flows import JobFailed, answer_batch, issue_job, warm_up_job
from scms.services.aca.service import WARM_UP_KIND, AcaService, Progress
from scms.services.aca.settings import AcaSettings, default_runner
from scms.services.aca.store import JOB_KIND, RequestState, RequestStore, StoredRequest
from scms.services.aca.worker import AcaWorker, answer_requests, warm_up, worker_for

__all__ = [
    "ACA_CALLERS",
    "BATCH_ROUTE",
    "JOB_KIND",
    "WARM_UP_KIND",
    "AcaApps",
    "AcaService",
    "AcaSettings",
    "AcaWorker",
    "JobFailed",
    "Progress",
    "RequestState",
    "RequestStore",
    "StoredRequest",
    "answer_batch",
    "answer_requests",
    "create_aca_app",
    "default_runner",
    "issue_job",
    "warm_up",
    "warm_up_job",
    "worker_for",
]
