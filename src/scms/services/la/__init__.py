"""A linkage authority (1609.2.1 clause 4.1.5) as a service; one code base for LA1 and LA2.

- `create_la_app(deployment, "la1" | "la2", clock=...)` -> `LaApps` (the app, the service, the engine);
- the flows (`flows`): `pre_linkage_values` (RA -> LA, `scms.protocol.la_messages`), `release_linkage_seed`
  (MA -> LA, `api_models`); the store of linkage chains (`ChainStore`; the seeds are secrets).

Endpoints (docs/services.md, "Linkage authority"): `POST /v1/pre-linkage-values`, `POST /v1/linkage-seeds`.
"""

from scms.services.la.api import LA_CALLERS, PLV_ROUTE, SEED_ROUTE
from scms.services.la.api_models import SeedRelease, SeedReleaseRequest
from scms.services.la.app import LaApps, create_la_app
from scms.services.la.flows import UnknownChain, pre_linkage_values, release_linkage_seed
from scms.services.la.service import LaService
from scms.services.la.settings import LA_COMPONENTS, RELEASE_TOKEN, LaSettings
from scms.services.la.store import ChainStore

__all__ = [
    "LA_CALLERS",
    "LA_COMPONENTS",
    "PLV_ROUTE",
    "RELEASE_TOKEN",
    "SEED_ROUTE",
    "ChainStore",
    "LaApps",
    "LaService",
    "LaSettings",
    "SeedRelease",
    "SeedReleaseRequest",
    "UnknownChain",
    "create_la_app",
    "pre_linkage_values",
    "release_linkage_seed",
]
