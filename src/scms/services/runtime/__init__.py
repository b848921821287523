"""The embedded default: every SCMS component of one deployment in one process, on one port (`scms up`;
docs/operations.md).

- `open_embedded(directory)` -> `EmbeddedScms`: the deployment verified (`verify_deployment`), each component
  built on its own database, peers wired in-process, the public apps mounted at `/ra`, `/eca`, `/aca`, `/la1`,
  `/la2`; `build_embedded(deployment)` without the verification; `EmbeddedSettings` (job runners, generation);
- addresses: `listen_address`, `base_url_for`, `served_urls`, `policy_mismatches` (is the policy sending devices
  where the components are served?).

Serving is `scms.services.common.serve`; `scms up --workers N` adds N-1 front-end processes on the same port and
databases (`scms.services.runtime.workers`: `FrontEnds`).
"""

from scms.services.runtime.addresses import (
    DEFAULT_ADDRESS,
    Mismatch,
    base_url_for,
    listen_address,
    policy_mismatches,
    served_urls,
)
from scms.services.runtime.assembly import (
    EMBEDDED_COMPONENTS,
    NOT_SERVED,
    EmbeddedScms,
    EmbeddedSettings,
    build_embedded,
    open_embedded,
)

__all__ = [
    "DEFAULT_ADDRESS",
    "EMBEDDED_COMPONENTS",
    "NOT_SERVED",
    "EmbeddedScms",
    "EmbeddedSettings",
    "Mismatch",
    "base_url_for",
    "build_embedded",
    "listen_address",
    "open_embedded",
    "policy_mismatches",
    "served_urls",
]
