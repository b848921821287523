"""One `scms up` for the fleet tests (tests/e2e/_up.py: the command's own `run_up` in a thread, on a free port, over
real HTTP), on a deployment of `make_deployment`."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from e2e._up import Up, free_port, make_deployment, scms_up


@pytest.fixture(scope="package")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Up]:
    directory, port = tmp_path_factory.mktemp("fleet-up") / "scms-data", free_port()
    make_deployment(directory, port)
    with scms_up(directory, port) as up:
        yield up
