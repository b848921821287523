"""`scms ee ...`: a reference end entity (OBU or RSU) over a device state directory (`scms.ee.Device`,
docs/api-ee.md), one command per step of a device's life (1609.2.1 clauses 6.3.4-6.3.5):

    scms ee new --type obu|rsu                  a canonical key in a new state directory
    scms ee register --ra URL --token-file F    the operator's step: canonical key registered, policy files fetched
    scms ee bootstrap --anchor-ctl F            CTLs, CCF, RA certificate, composite CRL, verified from the anchor
    scms ee enroll | request | download | successor
    scms ee sign FILE --psid P | verify FILE | status
    scms ee fleet --devices N --concurrency C    simulated devices in memory against a running SCMS (fleet_cmd)

Every command takes `--device DIR` (default ./device). Errors are one line; exit codes in `ee_support`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from scms.cli import fleet_cmd
from scms.cli.ee_support import (
    EXIT_NOT_READY,
    EXIT_REFUSED,
    EXIT_USAGE,
    fail,
    open_device,
    print_status,
    reported,
    when,
)
from scms.crypto import ButterflyVariant
from scms.dot2.certificate_fields import CertificateType
from scms.dot2.time import Time32
from scms.ee import Device, MessageRejected
from scms.ee.client.status import device_status
from scms.ee.exchange import Wait
from scms.ee.flows import DownloadedBatch
from scms.ee.state import DeviceState, RequestRecord

app = typer.Typer(no_args_is_help=True, help="A reference end entity (OBU or RSU) over a device state directory.")

__all__ = ["app"]

app.command("fleet")(fleet_cmd.fleet)

DeviceDir = Annotated[Path, typer.Option("--device", help="Device state directory.")]
DEFAULT_DEVICE = Path("device")
Implicit = Annotated[bool, typer.Option("--implicit/--explicit", help="Implicit or explicit certificates.")]
MaxWait = Annotated[int, typer.Option("--max-wait", help="Longest wait in seconds for files not yet ready.")]
BUTTERFLIES = {"original": ButterflyVariant.ORIGINAL, "unified": ButterflyVariant.UNIFIED,
               "compact": ButterflyVariant.COMPACT_UNIFIED}


def _read(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        fail(f"cannot read {what} {path}: {error.strerror or error}", EXIT_USAGE)


def _type(implicit: bool) -> CertificateType:
    return CertificateType.IMPLICIT if implicit else CertificateType.EXPLICIT


@app.command("new")
def new_cmd(
    device_type: Annotated[str, typer.Option("--type", help="obu or rsu.")],
    device: DeviceDir = DEFAULT_DEVICE,
) -> None:
    """Create a device: a state directory with a fresh canonical key (0600)."""
    if device_type.lower() not in ("obu", "rsu"):
        fail(f"--type {device_type!r}: obu or rsu", EXIT_USAGE)
    with reported(), DeviceState.create(device, "OBU" if device_type.lower() == "obu" else "RSU") as state:
        kind = state.index.device_type
    typer.echo(f"new {kind} in {device}")


@app.command("register")
def register_cmd(
    device: DeviceDir = DEFAULT_DEVICE,
    ra: Annotated[str | None, typer.Option("--ra", help="The RA's base URL (its registration API).")] = None,
    token_file: Annotated[Path | None, typer.Option("--token-file", help="File holding the operator token.")] = None,
    global_policy: Annotated[
        Path | None, typer.Option("--global-policy", help="Global policy file given out of band (instead of --ra).")
    ] = None,
    device_policy: Annotated[
        Path | None, typer.Option("--device-policy", help="Device policy file (with --global-policy).")
    ] = None,
    canonical_id: Annotated[
        str | None, typer.Option("--canonical-id", help="Canonical id given out of band (with --global-policy).")
    ] = None,
    url: Annotated[
        list[str] | None, typer.Option("--url", help="COMPONENT=URL overriding the global policy's (repeat).")
    ] = None,
) -> None:
    """Register the canonical key with the RA (operator token) and fetch the policy files, or take them from files."""
    overrides = {}
    for item in url or ():
        name, sep, value = item.partition("=")
        if not sep or not name or not value:
            fail(f"--url {item!r}: expected COMPONENT=URL, e.g. eca=http://host:8080/eca", EXIT_USAGE)
        overrides[name] = value
    with reported(), open_device(device) as handle:
        if global_policy is not None or device_policy is not None:
            if global_policy is None or device_policy is None:
                fail("--global-policy and --device-policy go together", EXIT_USAGE)
            handle.use_policies(_read(global_policy, "policy"), _read(device_policy, "policy"),
                                canonical_id=canonical_id)
            if overrides:
                handle.state.save_urls(overrides)
            typer.echo(f"policy files taken from {global_policy} and {device_policy}")
            return
        if ra is None or token_file is None:
            fail("give --ra URL and --token-file FILE (or --global-policy and --device-policy)", EXIT_USAGE)
        try:
            token = _read(token_file, "token file").decode("ascii").strip()
        except UnicodeDecodeError:
            fail(f"--token-file {token_file}: not a token (expected one line of text)", EXIT_USAGE)
        registration = handle.register(ra.rstrip("/"), token, urls=overrides or None)
    typer.echo(f"registered {registration.device_type} {registration.canonical_id} ({registration.state})")


@app.command("bootstrap")
def bootstrap_cmd(
    device: DeviceDir = DEFAULT_DEVICE,
    anchor_ctl: Annotated[
        Path | None, typer.Option("--anchor-ctl", help="The anchor CTL (out of band; needed the first time).")
    ] = None,
    ra: Annotated[str | None, typer.Option("--ra", help="RA URL (default: the policy's).")] = None,
) -> None:
    """Fetch the CTLs, CCF, RA certificate and composite CRL and verify them from the anchor CTL."""
    anchor = None if anchor_ctl is None else _read(anchor_ctl, "anchor CTL")
    with reported(), open_device(device) as handle:
        trust = handle.bootstrap(anchor, ra_url=ra)
    typer.echo(f"trust verified: {len(trust.roots)} root CA(s), RA {trust.ra_certificate.hashed_id8()}, "
               f"{len(trust.crls)} CRL(s)")


@app.command("enroll")
def enroll_cmd(device: DeviceDir = DEFAULT_DEVICE, implicit: Implicit = True) -> None:
    """Get an enrollment certificate from the ECA (a request left in flight is sent again)."""
    with reported(), open_device(device) as handle:
        stored = handle.enroll(certificate_type=_type(implicit))
    typer.echo(f"enrolled: {stored.record.hashed_id8}, valid until {when(stored.record.valid_until)}")


@app.command("request")
def request_cmd(
    device: DeviceDir = DEFAULT_DEVICE,
    butterfly: Annotated[
        str, typer.Option("--butterfly", help="Butterfly keys: original, unified or compact (pseudonyms).")
    ] = "unified",
    implicit: Implicit = True,
    periods: Annotated[int, typer.Option("--periods", min=1, help="i-periods of pseudonym certificates.")] = 1,
    identification: Annotated[
        bool, typer.Option("--identification", help="Identification certificates (an RSU) instead of pseudonyms.")
    ] = False,
    encrypted: Annotated[
        bool, typer.Option("--encrypted", help="With --identification: the ACA encrypts its answer to the device.")
    ] = False,
) -> None:
    """Ask the RA for authorization certificates (pseudonym, or identification with --identification)."""
    if butterfly not in BUTTERFLIES:
        fail(f"--butterfly {butterfly!r}: one of {', '.join(BUTTERFLIES)}", EXIT_USAGE)
    if encrypted and not identification:
        fail("--encrypted goes with --identification", EXIT_USAGE)
    with reported(), open_device(device) as handle:
        if identification:
            record = handle.request("identification", butterfly=None, certificate_type=_type(implicit),
                                    encrypted_response=encrypted)
        else:
            record = handle.request("pseudonym", butterfly=BUTTERFLIES[butterfly],
                                    certificate_type=_type(implicit), periods=periods)
    due = "" if record.next_dl_time is None else f"; download from {when(record.next_dl_time)}"
    typer.echo(f"request {record.request_hash} acknowledged ({record.profile}){due}")


def _batches_due(record: RequestRecord) -> int:
    """Files an acknowledged request brings: one per i-period from the acknowledgement's firstI, or one."""
    if record.first_i is None or record.last_i is None:
        return 1
    return record.last_i - record.first_i + 1


@app.command("download")
def download_cmd(
    device: DeviceDir = DEFAULT_DEVICE,
    no_wait: Annotated[bool, typer.Option("--no-wait", help="Fail at once (exit 4) if nothing is ready.")] = False,
    max_wait: MaxWait = 3600,
) -> None:
    """Download the certificates the RA announced, waiting as nextDlTime says; resumes where it stopped."""
    console = Console(stderr=True)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=console,
                  transient=False) as bar:
        task = bar.add_task("downloading", total=None)

        def waiting(step: Wait, now: Time32) -> None:
            bar.console.print(f"waiting until {when(step.until)}")

        def stored(request_hash: str, batch: DownloadedBatch) -> None:
            bar.update(task, advance=1, description="downloading")

        with reported(), open_device(device, on_wait=waiting) as handle:
            records = [r for r in handle.state.requests.all() if r.acknowledged and not r.complete]
            bar.update(task, total=sum(_batches_due(r) - len(r.downloaded) for r in records) or 1)
            report = handle.download(max_wait=0 if no_wait else max_wait, progress=stored)
    typer.echo(f"downloaded {report.batches} batch(es), {report.certificates} certificate(s)")
    for request_hash, next_try in report.waiting.items():
        typer.echo(f"  {request_hash}: more from {when(next_try)}")
    if report.batches == 0 and report.waiting:
        fail(f"not ready; try again at {when(min(report.waiting.values()))}", EXIT_NOT_READY)


@app.command("successor")
def successor_cmd(device: DeviceDir = DEFAULT_DEVICE, implicit: Implicit = True, max_wait: MaxWait = 3600) -> None:
    """Get a successor enrollment certificate through the RA, signed for by the current one."""
    with reported(), open_device(device) as handle:
        stored = handle.successor(certificate_type=_type(implicit), max_wait=max_wait)
    typer.echo(f"new enrollment certificate: {stored.record.hashed_id8}, valid until {when(stored.record.valid_until)}")


def _no_certificate_yet(handle: Device, psid: int) -> None:
    """Say when the first certificate for `psid` becomes valid, if none is now (exit 4) or none exists (exit 2)."""
    now = handle.now()
    held = [c.certificate for c in handle.certificates() if c.certificate.permits(psid)]
    if any(c.valid_at(now) for c in held):
        return
    later = [c.validity.start for c in held if c.validity.start > now]
    if later:
        fail(f"no certificate for psid {psid} is valid yet; the first is valid from {when(min(later))}",
             EXIT_NOT_READY)
    fail(f"no certificate for psid {psid} valid now (request and download some)", EXIT_USAGE)


@app.command("sign")
def sign_cmd(
    file: Annotated[Path, typer.Argument(help="The payload to sign.")],
    psid: Annotated[int, typer.Option("--psid", help="PSID of the message, e.g. 32 for a BSM.")],
    device: DeviceDir = DEFAULT_DEVICE,
    out: Annotated[Path | None, typer.Option("-o", "--out", help="Output file (default: FILE.spdu).")] = None,
) -> None:
    """Sign FILE for PSID with the certificate of the current i-period (Ieee1609Dot2Data, 1609.2 clause 6.3)."""
    payload = _read(file, "payload")
    target = out or file.with_name(file.name + ".spdu")
    with reported(), open_device(device) as handle:
        _no_certificate_yet(handle, psid)
        chosen = handle.certificate_for(psid)
        signed = handle.sign(payload, psid)
        target.write_bytes(signed)
    where = "identification" if chosen.i is None else f"i={int(chosen.i)} j={chosen.j}"
    typer.echo(f"signed {len(payload)} bytes for psid {psid} with {chosen.certificate.hashed_id8()} ({where}): "
               f"{target}")


@app.command("verify")
def verify_cmd(
    file: Annotated[Path, typer.Argument(help="A signed message (Ieee1609Dot2Data, COER).")],
    device: DeviceDir = DEFAULT_DEVICE,
    psid: Annotated[int | None, typer.Option("--psid", help="The PSID the message must be for.")] = None,
    out: Annotated[Path | None, typer.Option("-o", "--out", help="Write the payload here when accepted.")] = None,
) -> None:
    """Verify a message: chain through the CTL, signature, PSID, CRLs (hash and linkage based). Exit 1 if rejected."""
    data = _read(file, "message")
    with reported(), open_device(device) as handle:
        try:
            verified = handle.verify(data, psid=psid)
        except MessageRejected as rejected:
            fail(f"rejected: {rejected}", EXIT_REFUSED)
        if out is not None:
            out.write_bytes(verified.payload)
    crl = "CRL checked" if verified.revocation_checked else "no CRL covers it"
    typer.echo(f"accepted: psid {verified.psid}, {len(verified.payload)} byte payload, signer "
               f"{verified.signer.hashed_id8()}, {crl}")


@app.command("status")
def status_cmd(device: DeviceDir = DEFAULT_DEVICE) -> None:
    """What the device holds: registration, trust, enrollment, requests and downloads."""
    with reported(), DeviceState.open(device, read_only=True) as state:  # no lock: it changes nothing
        index = state.index
    print_status(device, device_status(index))
