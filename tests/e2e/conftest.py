"""One `scms up` for the end-to-end tests of this package (`_up.scms_up`): a deployment made now
(`_up.make_deployment`) in a temporary directory, every component on one free port, devices talking to it over
real HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from ._up import Up, free_port, make_deployment, scms_up


@pytest.fixture(scope="package")
def scms(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Up]:
    directory, port = tmp_path_factory.mktemp("e2e-up") / "scms-data", free_port()
    make_deployment(directory, port)
    with scms_up(directory, port) as running:
        yield running


@pytest.fixture
def web(scms: Up) -> Iterator[httpx.Client]:
    """A plain HTTP client of the running SCMS (for what a well-behaved device would not send)."""
    with httpx.Client(base_url=scms.url, timeout=60) as client:
        yield client
