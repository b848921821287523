"""`scms cert show FILE` and `scms cert verify FILE --issuer ISSUER ...`: IEEE 1609.2 certificates from the shell.

`show` prints what a certificate says (type, issuer, id, validity in Time32 and UTC, region, permissions with PSIDs
and SSPs in hex, keys, HashedId8, signature or reconstruction value). `verify` checks the chain from FILE up to a
self-signed certificate among the `--issuer` files (the others serve as intermediates) at `--at` (default: now, read
here at the edge) and exits 0 only when it verifies. A file may hold binary COER or its hex text. Failures print one
line on stderr and exit non-zero, never a traceback.
"""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from scms.dot2.certificate import Certificate
from scms.dot2.chain import verify_chain
from scms.dot2.errors import Ieee1609Error
from scms.dot2.permissions import PsidGroupPermissions, PsidSsp
from scms.dot2.region import CircularRegion, PolygonalRegion, RectangularRegions, Region, TwoDLocation
from scms.dot2.time import Time32

app = typer.Typer(no_args_is_help=True, help="Inspect and verify IEEE 1609.2 certificates.")

__all__ = ["app"]

_HEX = set(string.hexdigits + string.whitespace)


def _fail(message: str, code: int = 1) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code=code)


def _load(path: Path) -> Certificate:
    try:
        data = path.read_bytes()
    except OSError as error:
        _fail(f"cannot read {path}: {error.strerror or error}", 2)
    text = data.decode("latin-1")
    if data and set(text) <= _HEX:
        try:
            data = bytes.fromhex(text)
        except ValueError:
            _fail(f"{path}: odd number of hex digits", 2)
    try:
        return Certificate.from_bytes(data)
    except Ieee1609Error as error:
        _fail(f"{path}: {error}", 2)


def _time(t: Time32) -> str:
    try:
        when = t.to_datetime().strftime("%Y-%m-%dT%H:%M:%SZ")
    except (OverflowError, ValueError, OSError):
        when = "out of range"
    return f"{int(t)} ({when})"


def _app(p: PsidSsp) -> str:
    if p.ssp is None:
        return f"psid {p.psid} (0x{p.psid:x})"
    kind = "bitmapSsp" if p.ssp.bitmap else "ssp"
    return f"psid {p.psid} (0x{p.psid:x}) {kind} {p.ssp.value.hex() or '(empty)'}"


def _group(g: PsidGroupPermissions) -> str:
    if g.subject is None:
        psids = "all"
    else:
        parts = []
        for r in g.subject:
            rng = r.effective_range
            if rng.is_all:
                detail = "any ssp"
            elif rng.is_bitmap:
                detail = f"bitmap value {rng.bitmap_value.hex()} mask {rng.bitmap_mask.hex()}"
            else:
                detail = "ssp " + ",".join(v.hex() or "(empty)" for v in rng.opaque)
            parts.append(f"psid {r.psid} (0x{r.psid:x}) {detail}")
        psids = "; ".join(parts)
    top = g.max_chain_length
    types = ",".join(name for name, on in (("app", g.app), ("enrol", g.enrol)) if on)
    return f"{psids} | chain {g.min_chain_length}..{'any' if top is None else top} | eeType {types}"


def _deg(location: TwoDLocation) -> str:
    lat, lon = location.degrees
    return f"({lat:.7f}, {lon:.7f})"


def _region(region: Region | None) -> str:
    if region is None:
        return "none (the issuer's; worldwide for a root)"
    if isinstance(region, CircularRegion):
        return f"circle centre {_deg(region.center)} radius {region.radius} m"
    if isinstance(region, RectangularRegions):
        return "rectangles " + "; ".join(f"NW {_deg(r.north_west)} SE {_deg(r.south_east)}" for r in region.rectangles)
    if isinstance(region, PolygonalRegion):
        return "polygon " + " ".join(_deg(v) for v in region.vertices)
    parts = []
    for entry in region.entries:
        if entry.regions is None:
            parts.append(f"country {entry.country}")
            continue
        subs = ", ".join(
            str(r) if sub is None else f"{r} {{{', '.join(map(str, sorted(sub)))}}}"
            for r, sub in sorted(entry.regions.items())
        )
        parts.append(f"country {entry.country} regions {subs}")
    return "identified " + "; ".join(parts)


def _lines(cert: Certificate) -> Iterator[str]:
    yield f"type: {cert.type.value}"
    yield f"issuer: {cert.issuer}"
    yield f"hashedId8: {cert.hashed_id8()}"
    yield f"id: {cert.id}"
    yield f"cracaId: {cert.craca_id}  crlSeries: {cert.crl_series}"
    v = cert.validity
    yield f"validity: start {_time(v.start)}  end {_time(v.end)}  duration {v.count} {v.unit}"
    yield f"region: {_region(cert.region)}"
    if cert.assurance_level is not None:
        yield f"assuranceLevel: {cert.assurance_level.hex()}"
    for title, groups in (
        ("certIssuePermissions", cert.cert_issue_permissions),
        ("certRequestPermissions", cert.cert_request_permissions),
    ):
        for g in groups:
            yield f"{title}: {_group(g)}"
    for p in cert.app_permissions:
        yield f"appPermissions: {_app(p)}"
    if cert.encryption_key is not None:
        key = cert.encryption_key
        yield f"encryptionKey: {key.curve.name} {key.point.encode().hex()} ({key.symmetric_algorithm})"
    if cert.verification_key is not None:
        yield f"verificationKey: {cert.verification_key.curve.name} {cert.verification_key.encode().hex()}"
    choice = cert.reconstruction_value_coer
    if choice is not None:
        form, content = choice
        octets = content if isinstance(content, bytes) else b"".join(content.values()) if content else b""
        yield f"reconstructionValue: {form} {octets.hex()}"
    if cert.signature is not None:
        sig = cert.signature
        yield f"signature: {sig.curve.name} r={sig.r_bytes().hex()} s={sig.s_bytes().hex()} ({sig.form.value})"
    if cert.uses_cubk:
        yield "flags: usesCubk"


@app.command("show")
def show_cmd(file: Annotated[Path, typer.Argument(help="Certificate (COER, or its hex text).")]) -> None:
    """Print the fields of a certificate."""
    cert = _load(file)
    try:
        for line in _lines(cert):
            typer.echo(line)
    except Ieee1609Error as error:
        _fail(f"{file}: {error}")


def _parse_time(text: str) -> Time32:
    try:
        when = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        _fail(f"--at {text!r} is not an ISO 8601 time (e.g. 2026-05-01T12:00:00Z)", 2)
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    try:
        return Time32.from_datetime(when)
    except ValueError as error:
        _fail(f"--at {text!r}: {error}", 2)


@app.command("verify")
def verify_cmd(
    file: Annotated[Path, typer.Argument(help="Certificate to verify (COER, or its hex text).")],
    issuer: Annotated[
        list[Path],
        typer.Option("--issuer", help="Issuer certificate; repeat. The self-signed ones are the trust anchors."),
    ],
    at: Annotated[str | None, typer.Option("--at", help="ISO 8601 time to verify at (default: now, UTC).")] = None,
) -> None:
    """Verify FILE's chain up to a self-signed certificate among the --issuer files; exit 0 only if it holds."""
    cert = _load(file)
    issuers = [_load(path) for path in issuer]
    now = _parse_time(at) if at is not None else Time32.from_datetime(dt.datetime.now(dt.UTC))
    anchors = [c for c in issuers if c.is_self_signed]
    intermediates = [c for c in issuers if not c.is_self_signed]
    try:
        chain = verify_chain(cert, intermediates, anchors, now)
    except Ieee1609Error as error:
        _fail(str(error))
    path = " <- ".join(str(c.hashed_id8()) for c in chain.certificates)
    typer.echo(f"OK {cert.hashed_id8()} at {_time(now)}: {path}")
