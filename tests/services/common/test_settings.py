"""Settings refuse values that would disable a guarantee (no timeout, no lease, negative limits)."""

from __future__ import annotations

from typing import Any

import pytest

from scms.services.common import AppSettings, PeerSettings, RunnerSettings


@pytest.mark.parametrize(("kind", "values"), [
    (AppSettings, {"max_body_bytes": -1}),
    (AppSettings, {"readiness_timeout_s": 0}),
    (RunnerSettings, {"concurrency": 0}),
    (RunnerSettings, {"cpu_workers": -1}),
    (RunnerSettings, {"lease_s": 0}),
    (RunnerSettings, {"poll_interval_s": 0}),
    (RunnerSettings, {"retry_delay_s": -1}),
    (PeerSettings, {"name": "x", "base_url": "http://x", "timeout_s": 0}),
    (PeerSettings, {"name": "x", "base_url": "http://x", "connect_retries": -1}),
])
def test_settings_that_would_disable_a_guarantee_are_refused(kind: Any, values: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        kind(**values)
