"""A device's whole life through `scms ee`, as a user runs it: every step a process of the installed `scms` script,
against `scms up` started as a process of its own on a fresh directory (it creates the deployment, so the policy
files name its port), with `--download-delay` so that the RA's nextDlTime lies well after the acknowledgement.

The OBU is made, registered with the operator token file `scms up` printed, bootstrapped from the deployment's first
CTL file, enrolled; it asks for one i-period of pseudonyms and downloads them at once: the download waits until
nextDlTime (printing so) and then gets the batch. It signs a message with a certificate of the current i-period (the
deployment was made just now: scms.manager.profiles.hierarchy_start), verifies it, rejects the same message
tampered with and one signed under another SCMS, each with its reason and exit 1; it renews its enrollment
(successor) and shows its status.
"""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from scms.crypto import SoftwareKey
from scms.deployment import Deployment, DeploymentConfig, load_deployment
from scms.dot2.certificate_fields import CertificateId, ValidityPeriod
from scms.dot2.certificate_template import CertificateTemplate
from scms.dot2.permissions import PsidSsp
from scms.dot2.time import LeapSeconds, Time32
from scms.ee.messages import sign_message
from scms.manager import build_deployment
from scms.manager.hierarchy import issue_certificate

from ._up import free_port, wait_serving

SCMS = Path(sys.executable).with_name("scms")
DELAY_S = 8
"""`scms up --download-delay`: far more than an `scms ee` process needs to start, so the download finds its file
not yet due."""
PAYLOAD = b"basic safety message"


@dataclass
class Life:
    directory: Path
    deployment: Deployment
    device: Path
    out: dict[str, subprocess.CompletedProcess[str]] = field(default_factory=dict)
    i_periods: set[int] = field(default_factory=set)
    """The current i-period before the request and after signing (two values only across an i-period's end)."""

    def now(self) -> Time32:
        return Time32.from_unix(time.time(), LeapSeconds.fixed(self.deployment.global_policy.parameters.leap_seconds))

    def run(self, step: str, *args: str | Path, code: int = 0) -> subprocess.CompletedProcess[str]:
        """`scms ee STEP ARGS --device DEVICE` in a process; its exit code checked, never a traceback."""
        done = subprocess.run([str(SCMS), "ee", step, *map(str, args), "--device", str(self.device)],
                              capture_output=True, text=True, timeout=180, check=False)
        assert done.returncode == code, (step, done.stdout, done.stderr)
        assert "Traceback" not in done.stderr
        self.out[step] = done
        return done


@pytest.fixture(scope="module")
def up(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """`scms up` on an empty directory and a free port, stopped by SIGTERM at the end (exit 0)."""
    directory, port = tmp_path_factory.mktemp("cli-life") / "scms-data", free_port()
    process = subprocess.Popen([str(SCMS), "up", "--dir", str(directory), "--port", str(port), "--download-delay",
                                str(DELAY_S), "--log-level", "warning"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_serving(url, process)
        yield url, directory
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=60)
        assert process.returncode == 0, err.decode()
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()


@pytest.fixture(scope="module")
def life(up: tuple[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Life:
    url, directory = up
    deployment = load_deployment(directory)
    home = tmp_path_factory.mktemp("cli-device")
    life = Life(directory, deployment, home / "obu")
    (anchor,) = sorted((directory / "public" / "ctl").glob("ctl_*_1.oer"))
    life.run("new", "--type", "obu")
    life.run("register", "--ra", f"{url}/ra", "--token-file", directory / deployment.config.ra.operator_token_file)
    life.run("bootstrap", "--anchor-ctl", anchor)
    life.run("enroll")
    periods = deployment.global_policy.parameters.i_periods()
    life.i_periods.add(periods.i_at(life.now()))
    life.run("request")
    life.run("download")
    (home / "bsm").write_bytes(PAYLOAD)
    life.run("sign", home / "bsm", "--psid", "32", "-o", home / "bsm.spdu")
    life.i_periods.add(periods.i_at(life.now()))
    return life


def test_registered_bootstrapped_enrolled(life: Life) -> None:
    assert life.out["new"].stdout.startswith("new OBU in ")
    assert life.out["register"].stdout.startswith("registered OBU ")
    assert life.out["bootstrap"].stdout.startswith("trust verified: 1 root CA(s), RA ")
    assert life.out["enroll"].stdout.startswith("enrolled: ")


def test_the_download_waits_for_next_dl_time_then_gets_the_batch(life: Life) -> None:
    acknowledged = life.out["request"].stdout
    assert " acknowledged (pseudonym); download from " in acknowledged
    download = life.out["download"]
    assert "waiting until " in download.stderr                  # the progress output: the file was not yet due
    per_period = life.deployment.global_policy.parameters.base_cert_number
    assert f"downloaded 1 batch(es), {per_period} certificate(s)" in download.stdout


def test_a_message_signed_now_with_the_current_i_periods_certificate_verifies(life: Life) -> None:
    signed = life.out["sign"].stdout
    (i,) = [int(part.removeprefix("(i=")) for part in signed.split() if part.startswith("(i=")]
    assert i in life.i_periods and signed.startswith(f"signed {len(PAYLOAD)} bytes for psid 32 with ")
    accepted = life.run("verify", life.device.parent / "bsm.spdu", "--psid", "32").stdout
    assert accepted.startswith(f"accepted: psid 32, {len(PAYLOAD)} byte payload, signer ")


def test_a_tampered_message_is_rejected_with_its_reason(life: Life) -> None:
    tampered = life.device.parent / "tampered.spdu"
    tampered.write_bytes((life.device.parent / "bsm.spdu").read_bytes().replace(b"basic", b"BASIC"))
    rejected = life.run("verify", tampered, code=1)
    assert rejected.stdout == ""
    assert rejected.stderr.startswith("error: rejected: ") and "bad signature" in rejected.stderr
    assert rejected.stderr.count("\n") == 1


def test_a_message_from_another_scms_is_rejected_with_its_reason(life: Life) -> None:
    """Signed by a certificate the ACA of a second deployment (made here, in memory) issued: well formed and
    correctly signed, but its chain leads to a root CA the device's CTL does not approve."""
    now = life.now()
    elsewhere = build_deployment(DeploymentConfig(), now).hierarchy
    key = SoftwareKey.generate()
    template = CertificateTemplate(id=CertificateId.named("stranger.example"), validity=ValidityPeriod.hours(now, 1),
                                   app_permissions=(PsidSsp(32),), verification_key=key.public_point,
                                   craca_id=bytes(elsewhere.certificate("root").hashed_id3()), crl_series=1)
    certificate = issue_certificate(template, elsewhere["aca"], key, profile="stranger")
    foreign = life.device.parent / "foreign.spdu"
    foreign.write_bytes(sign_message(PAYLOAD, 32, certificate, key, now))
    rejected = life.run("verify", foreign, code=1)
    assert rejected.stderr.startswith("error: rejected: ") and "untrusted signer" in rejected.stderr
    assert "does not chain to a root CA of the device's CTL" in rejected.stderr


def test_successor_enrollment_and_status(life: Life) -> None:
    first = life.out["enroll"].stdout.split()[1].rstrip(",")
    renewed = life.run("successor").stdout
    assert renewed.startswith("new enrollment certificate: ") and first not in renewed
    second = renewed.split()[3].rstrip(",")
    status = life.run("status").stdout
    assert second in status and re.search(r"enrollment certificates\s+│ 2 ", status)
    request_hash = life.out["request"].stdout.split()[1]
    (row,) = [line for line in status.splitlines() if request_hash in line]
    assert "complete" in row
