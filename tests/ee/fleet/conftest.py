"""One `scms up` for the fleet tests: the end-to-end tests' fixture (tests/e2e: the command's own `run_up` in a
thread, on a free port, over real HTTP, on a deployment of `make_deployment`), here in place of tests/ee's
in-memory `scms`."""

from __future__ import annotations

from e2e.conftest import scms  # noqa: F401 (the fixture)
