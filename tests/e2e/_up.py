"""`scms up` for the end-to-end tests: the command's own `run_up` on a uvicorn server in a thread (the same code as
the command, minus the signal handlers, which need the main thread), on a port picked free, with the policy's URLs
naming that port (as a device learns them); and what the tests read beside the HTTP API: the deployment's files
and the components' SQLite databases.

`make_deployment` makes the deployment now, as `scms up` does in an empty directory: its CA and component
certificates start at the current i-period's start (scms.manager.profiles), so a device gets pseudonym certificates
it can use today.
"""

from __future__ import annotations

import contextlib
import queue
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import create_engine, select

from scms.cli.up_cmd import run_up
from scms.crypto import linkage_seed_after, linkage_value, pre_linkage_value
from scms.deployment import Deployment, DeploymentConfig, load_deployment
from scms.dot2.time import LeapSeconds, Time32
from scms.manager import init_deployment
from scms.services.la.tables import chains
from scms.services.ra.authorization_tables import authorization_requests
from scms.services.runtime import EmbeddedSettings

COER = {"Content-Type": "application/octet-stream"}
ERROR = "Ieee-1609.2.1-Error"


def wait_serving(url: str, process: subprocess.Popen[bytes], seconds: float = 90) -> None:
    """Until `scms up` in `process` answers at `url` (its ACA ready); fails if the process ends first."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()
        try:
            if httpx.get(f"{url}/aca/readyz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise TimeoutError(f"scms up did not answer at {url} within {seconds} s")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Printed:
    """What `scms up` printed: (line, to stderr)."""

    lines: list[tuple[str, bool]] = field(default_factory=list)

    def __call__(self, message: str = "", err: bool = False) -> None:
        self.lines.append((message, err))

    def out(self) -> list[str]:
        return [line for line, err in self.lines if not err]

    def err(self) -> list[str]:
        return [line for line, err in self.lines if err]


@dataclass(frozen=True)
class Up:
    url: str
    directory: Path
    deployment: Deployment
    printed: Printed
    started_s: float
    """Seconds from the call to the first answer: creating the deployment, verifying it, building, starting."""

    @property
    def token(self) -> str:
        return self.deployment.secret("ra", "operator-token").strip().decode()

    @property
    def operator(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def now(self) -> Time32:
        leap = LeapSeconds.fixed(self.deployment.global_policy.parameters.leap_seconds)
        return Time32.from_unix(time.time(), leap)

    def database(self, component: str) -> str:
        return f"sqlite:///{self.deployment.layout.database_file(component)}"

    def chains(self, request_hash: str) -> tuple[bytes, bytes]:
        """The identifiers of the LA1 and LA2 chains of a request, from the RA's database."""
        ra = create_engine(self.database("ra"))
        try:
            with ra.connect() as connection:
                row = connection.execute(select(authorization_requests.c.chain_1, authorization_requests.c.chain_2)
                                         .where(authorization_requests.c.request_hash == bytes.fromhex(request_hash))
                                         ).one()
        finally:
            ra.dispose()
        return bytes(row.chain_1), bytes(row.chain_2)

    def expected_linkage_value(self, request_hash: str, i: int, j: int) -> bytes:
        """lv(i, j) of a request, recomputed (scms.crypto) from the seeds in both LAs' databases of the two chains
        the RA's database names for the request."""
        chain_1, chain_2 = self.chains(request_hash)
        config = self.deployment.config
        return linkage_value(self._plv("la1", config.la1.la_id, chain_1, i, j),
                             self._plv("la2", config.la2.la_id, chain_2, i, j))

    def _plv(self, component: str, la_id: int, chain_id: bytes, i: int, j: int) -> bytes:
        engine = create_engine(self.database(component))
        try:
            with engine.connect() as connection:
                stored = connection.execute(select(chains.c.i_first, chains.c.seed)
                                            .where(chains.c.chain_id == chain_id)).one()
        finally:
            engine.dispose()
        seed = linkage_seed_after(la_id, bytes(stored.seed), i - stored.i_first)
        return pre_linkage_value(la_id, seed, j)


def make_deployment(directory: Path, port: int, config: DeploymentConfig | None = None) -> None:
    """`init_deployment` now, with `base_url` http://127.0.0.1:PORT and CRLs due in 30 days."""
    config = config or DeploymentConfig()
    manager = config.manager.model_copy(update={"crl": config.manager.crl.model_copy(update={"next_crl_hours": 720})})
    deployment = config.deployment.model_copy(update={"base_url": f"http://127.0.0.1:{port}"})
    config = config.model_copy(update={"manager": manager, "deployment": deployment})
    leap = LeapSeconds.fixed(config.policy.leap_seconds)
    init_deployment(directory, config, Time32.from_unix(time.time(), leap))


@contextlib.contextmanager
def scms_up(directory: Path, port: int | None = None, settings: EmbeddedSettings | None = None) -> Iterator[Up]:
    """`scms up --dir DIRECTORY --port PORT` (default: a free one) in a thread until the block ends; the stop is
    checked to be clean."""
    printed, started, failed = Printed(), queue.Queue[str](), queue.Queue[BaseException]()
    stop = threading.Event()
    port = free_port() if port is None else port

    def run() -> None:
        try:
            run_up(directory, "127.0.0.1", port, stop=stop, on_started=started.put, echo=printed,
                   settings=settings, log_level="warning")
        except BaseException as error:  # handed to the test thread
            failed.put(error)

    begin = time.perf_counter()
    thread = threading.Thread(target=run, name=f"scms-up-{port}")
    thread.start()
    try:
        url = _first(started, failed, thread)
        yield Up(url, directory, load_deployment(directory), printed, time.perf_counter() - begin)
    finally:
        stop.set()
        thread.join(timeout=60)
    assert not thread.is_alive(), "scms up did not stop"
    assert failed.empty()


def _first(started: queue.Queue[str], failed: queue.Queue[BaseException], thread: threading.Thread) -> str:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        with contextlib.suppress(queue.Empty):
            return started.get(timeout=0.1)
        if not failed.empty():
            raise failed.get()
        if not thread.is_alive():
            raise RuntimeError("scms up ended before it served")
    raise TimeoutError("scms up did not start within 120 s")
