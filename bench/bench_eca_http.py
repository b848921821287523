"""Enrollments per second through `scms up --workers N` over real HTTP (issue 4 goal: >= 500/s on this 2-core
machine), for N = 1 and 2: what a user runs, HTTP server included, unlike bench_eca (which hands requests to the app).

`scms up` runs as a process on a fresh deployment in a temporary directory, on a free port. The devices are
registered and their explicit enrollment requests built beforehand (the EEs' work is not counted); then every
request is sent, 16 at a time, each on a new connection (as devices do: with keep-alive the kernel would leave a
connection with the process that accepted it), by a lean client on asyncio streams that costs ~0.3 ms of CPU a
request on the same two cores. Each run must answer every request 200.

Each line also gives the CPU time, per enrollment, of the server (`scms up` and every process under it, from
/proc/PID/stat, over the sending only), of the client, and of whatever else ran on the machine meanwhile
(/proc/stat), so that a reader can tell a slower server from a busier machine: on two cores the three together
bound the rate (2 s of CPU a second / their sum per enrollment).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from scms.crypto import SoftwareKey
from scms.deployment import load_deployment
from scms.dot2.certificate_fields import CertificateId, CertificateType, ValidityPeriod
from scms.dot2.certificate_template import CertificateTemplate
from scms.dot2.permissions import PsidGroupPermissions, PsidSspRange
from scms.dot2.time import LeapSeconds, Time32
from scms.protocol.ee_eca import build_enrollment_request

COUNT = 2000
CONCURRENCY = 16
_SCMS = Path(sys.executable).with_name("scms")


def _start(directory: Path, workers: int) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen([str(_SCMS), "up", "--dir", str(directory), "--port", "0", "--workers", str(workers),
                                "--log-level", "warning"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert process.stdout is not None
    url = None
    for line in process.stdout:
        found = re.search(r"(http://127\.0\.0\.1:\d+)/ra ", line)
        url = found.group(1) if found else url
        if line.startswith("Ctrl-C"):
            break
    if url is None:
        process.kill()
        raise RuntimeError("scms up did not start")
    return process, url


def _requests(directory: Path, url: str) -> list[bytes]:
    deployment = load_deployment(directory)
    token = deployment.secret("ra", "operator-token").strip().decode()
    now = Time32.from_datetime(dt.datetime.now(dt.UTC), LeapSeconds.fixed(deployment.global_policy.parameters
                                                                           .leap_seconds))
    permissions = PsidGroupPermissions((PsidSspRange(32), PsidSspRange(38)), 1, 0, app=True)
    fields = CertificateTemplate(id=CertificateId.none(), validity=ValidityPeriod.years(now, 3),
                                 cert_request_permissions=(permissions,))
    bodies = []
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}) as operator:
        for _ in range(COUNT):
            key = SoftwareKey.generate()
            operator.post("/ra/registration/v1/devices", json={
                "device_type": "OBU", "curve": "P-256", "public_key": key.public_point.encode(True).hex(),
            }).raise_for_status()
            bodies.append(build_enrollment_request(fields, key, now, certificate_type=CertificateType.EXPLICIT))
    return bodies


def _tree_cpu_s(root: int) -> float:
    """User + system CPU seconds of `root` and its live descendants so far (/proc: Linux only)."""
    processes = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue   # a process that just ended
        processes[int(entry.name)] = (int(fields[1]), int(fields[11]) + int(fields[12]))   # ppid, utime + stime
    tree, grown = {root}, True
    while grown:
        below = {pid for pid, (parent, _ticks) in processes.items() if parent in tree} - tree
        tree, grown = tree | below, bool(below)
    return sum(processes[pid][1] for pid in tree if pid in processes) / os.sysconf("SC_CLK_TCK")


def _machine_busy_s() -> float:
    """CPU seconds the whole machine spent busy so far, every core (/proc/stat: all but idle and iowait)."""
    ticks = [int(field) for field in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")


async def _send_all(url: str, bodies: list[bytes]) -> float:
    port = int(url.rsplit(":", 1)[1])
    head = (f"POST /eca/v3/enrollment-certificate HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n"
            "Content-Type: application/octet-stream\r\nContent-Length: ").encode()
    gate = asyncio.Semaphore(CONCURRENCY)

    async def one(body: bytes) -> None:
        async with gate:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(head + str(len(body)).encode() + b"\r\n\r\n" + body)
            answer = await reader.read()
            writer.close()
            if not answer.startswith(b"HTTP/1.1 200"):
                raise RuntimeError(f"the ECA answered {answer[:60]!r}")

    start = time.perf_counter()
    await asyncio.gather(*(one(body) for body in bodies))
    return time.perf_counter() - start


def run() -> list[tuple[str, float]]:
    rows = []
    for workers in (1, 2):
        with tempfile.TemporaryDirectory() as folder:
            directory = Path(folder) / "scms-data"
            process, url = _start(directory, workers)
            try:
                bodies = _requests(directory, url)
                server, client, busy = _tree_cpu_s(process.pid), time.process_time(), _machine_busy_s()
                seconds = asyncio.run(_send_all(url, bodies))
                server, client = _tree_cpu_s(process.pid) - server, time.process_time() - client
                others = _machine_busy_s() - busy - server - client
            finally:
                process.send_signal(signal.SIGTERM)
                process.wait(timeout=60)
        verdict = "meets" if COUNT / seconds >= 500 else "misses"
        print(f"scms up --workers {workers}: {COUNT / seconds:.0f} enrollments/s over HTTP, {CONCURRENCY} at a time "
              f"({verdict} the 500/s goal); CPU per enrollment: server {server / COUNT * 1e3:.2f} ms, "
              f"client {client / COUNT * 1e3:.2f} ms, other work on the machine {others / COUNT * 1e3:.2f} ms")
        rows.append((f"enrollment over HTTP, scms up --workers {workers}", seconds / COUNT * 1e6))
    return rows
