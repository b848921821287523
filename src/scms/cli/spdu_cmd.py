"""`scms spdu show FILE` and `scms spdu verify FILE --cert CERT ...`: IEEE 1609.2 secured data from the shell.

`show` names the layers of an `Ieee1609Dot2Data` (content kind, psid, generation time, signer, recipients, what the
innermost octets hold); `verify` checks the signature of a signed SPDU or signed certificate request and exits 0
only when it verifies. Failures are one line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from scms import asn1
from scms.asn1.json_form import to_json
from scms.asn1.layers import decode_deep
from scms.crypto import Curve, InvalidPoint, Point
from scms.dot2.certificate import Certificate
from scms.dot2.errors import Ieee1609Error
from scms.dot2.spdu import Ieee1609Dot2Data, verify_certificate_request, verify_signed
from scms.dot2.time import Time64

app = typer.Typer(no_args_is_help=True, help="Inspect and verify IEEE 1609.2 secured data (SPDUs).")

__all__ = ["app"]

# Types an unsecuredData payload is tried as, in this order, to name what it holds.
PAYLOAD_TYPES = ("ScmsPdu", "CrlContents", "Certificate")


def _fail(message: str, code: int = 1) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code=code)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        _fail(f"cannot read {path}: {error.strerror or error}", 2)


def _payload_name(octets: bytes) -> str:
    for type_name in PAYLOAD_TYPES:
        try:
            value = asn1.decode(type_name, octets)
        except asn1.CodecError:
            continue
        if type_name == "ScmsPdu":
            interface, (kind, _) = value["content"]
            return f"ScmsPdu {interface}/{kind}"
        return type_name
    return "opaque octets"


def _signer(value: tuple[str, Any]) -> str:
    form, content = value
    if form == "digest":
        return f"digest {content.hex()}"
    if form == "certificate":
        chain = [Certificate(asn1.encode("Certificate", c), c) for c in content]
        return "certificate " + ", ".join(f"{c.hashed_id8()} ({c.type.value})" for c in chain)
    return form


def _time(micros: int) -> str:
    stamp = Time64(micros)
    return f"{micros} ({stamp.to_time32().to_datetime().isoformat()})"


def _describe(data: bytes, depth: int = 0) -> Iterator[str]:
    view = Ieee1609Dot2Data.from_bytes(data)
    pad = "  " * depth
    yield f"{pad}Ieee1609Dot2Data {view.kind} ({len(data)} bytes)"
    content = view.content
    if view.kind == "unsecuredData":
        try:  # an SPDU inside unsecuredData (e.g. encrypted-then-signed) is one more layer
            Ieee1609Dot2Data.from_bytes(content)
        except Ieee1609Error:
            yield f"{pad}  payload: {_payload_name(content)}, {len(content)} bytes"
        else:
            yield from _describe(content, depth + 1)
    elif view.kind == "signedData":
        header = content["tbsData"]["headerInfo"]
        yield f"{pad}  hashId: {content['hashId']}"
        yield f"{pad}  psid: {header['psid']} (0x{header['psid']:x})"
        if "generationTime" in header:
            yield f"{pad}  generationTime: {_time(header['generationTime'])}"
        if "expiryTime" in header:
            yield f"{pad}  expiryTime: {_time(header['expiryTime'])}"
        others = sorted(set(header) - {"psid", "generationTime", "expiryTime"})
        if others:
            yield f"{pad}  header also has: {', '.join(others)}"
        yield f"{pad}  signer: {_signer(content['signer'])}"
        payload = content["tbsData"]["payload"]
        if "data" in payload:
            yield from _describe(asn1.encode("Ieee1609Dot2Data", payload["data"]), depth + 1)
        else:
            yield f"{pad}  payload: external data hash {payload.get('extDataHash')}"
    elif view.kind == "encryptedData":
        for kind, info in content["recipients"]:
            ident = info if kind == "pskRecipInfo" else info["recipientId"]
            method = "" if kind == "pskRecipInfo" else f" ({info['encKey'][0]})"
            yield f"{pad}  recipient: {kind} {ident.hex()}{method}"
        alternative, ciphertext = content["ciphertext"]
        yield f"{pad}  ciphertext: {alternative}, {len(ciphertext['ccmCiphertext'])} bytes"
    elif view.kind == "signedCertificateRequest":
        request = asn1.decode("SignedCertificateRequest", content)
        interface, (kind, _) = request["tbsRequest"]["content"]
        yield f"{pad}  hashAlgorithmId: {request['hashAlgorithmId']}"
        yield f"{pad}  tbsRequest: ScmsPdu {interface}/{kind}"
        yield f"{pad}  signer: {_signer(request['signer'])}"


@app.command("show")
def show_cmd(
    file: Annotated[Path, typer.Argument(help="COER Ieee1609Dot2Data file.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the decoded value as JSON instead.")] = False,
    spdu_type: Annotated[
        str,
        typer.Option("--type", help="With --json: the SPDU type whose nested layers to open, e.g. SecuredCrl."),
    ] = "Ieee1609Dot2Data",
) -> None:
    """Describe the layers of an SPDU: kind, psid, generation time, signer, recipients, inner content."""
    data = _read(file)
    try:
        if as_json:
            typer.echo(json.dumps(to_json(spdu_type, decode_deep(spdu_type, data)), indent=2))
            return
        for line in _describe(data):
            typer.echo(line)
    except (Ieee1609Error, asn1.CodecError) as error:
        _fail(f"{file}: {error}")


def _certificates(paths: list[Path]) -> list[Certificate]:
    certificates = []
    for path in paths:
        try:
            certificates.append(Certificate.from_bytes(_read(path)))
        except Ieee1609Error as error:
            _fail(f"{path}: not a certificate: {error}", 2)
    return certificates


@app.command("verify")
def verify_cmd(
    file: Annotated[Path, typer.Argument(help="COER signed Ieee1609Dot2Data or signed certificate request.")],
    cert: Annotated[list[Path] | None, typer.Option("--cert", help="A certificate the signer may be (repeat).")] = None,
    public_key: Annotated[
        str | None, typer.Option("--public-key", help="SEC 1 hex P-256 key of a `self` signer.")
    ] = None,
    check_permissions: Annotated[
        bool, typer.Option("--check-permissions", help="Also require the signer certificate to permit the psid.")
    ] = False,
) -> None:
    """Exit 0 only when the signature verifies with a signer found by digest among --cert or carried in the SPDU."""
    data = _read(file)
    certificates = _certificates(cert or [])
    key = None
    if public_key is not None:
        try:
            key = Point.decode(Curve.P256, bytes.fromhex(public_key))
        except (ValueError, InvalidPoint) as error:
            _fail(f"--public-key: {error}", 2)
    try:
        kind = Ieee1609Dot2Data.from_bytes(data).kind
        if kind == "signedData":
            signed = verify_signed(data, certificates=certificates, public_key=key, check_permissions=check_permissions)
            typer.echo(f"OK: signedData psid {signed.header.psid}, signer {signed.signer}")
        elif kind == "signedCertificateRequest":
            request = verify_certificate_request(data, certificates=certificates, public_key=key)
            interface, (pdu_kind, _) = request.scms_pdu()["content"]
            typer.echo(f"OK: signedCertificateRequest {interface}/{pdu_kind}, signer {request.signer}")
        else:
            _fail(f"{file}: {kind} carries no signature to verify")
    except Ieee1609Error as error:
        _fail(f"{file}: {error}")
