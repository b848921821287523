"""`scms asn1 ...`: decode COER to JSON, encode JSON to COER, list the types (JSON form: docs/api-asn1.md)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from scms.asn1 import CodecError, decode, encode, type_names
from scms.asn1.json_form import from_json, to_json
from scms.asn1.layers import decode_deep

app = typer.Typer(no_args_is_help=True, help="Decode and encode IEEE 1609.2 / 1609.2.1 COER.")

__all__ = ["app"]


def _fail(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code=1)


def _read(path: Path) -> bytes:
    try:
        return sys.stdin.buffer.read() if str(path) == "-" else path.read_bytes()
    except OSError as error:
        _fail(f"cannot read {path}: {error.strerror or error}")


@app.command("decode")
def decode_cmd(
    type_name: Annotated[str, typer.Argument(metavar="TYPE", help="ASN.1 type, e.g. Certificate.")],
    file: Annotated[Path, typer.Argument(help="COER file ('-' for standard input).")],
    deep: Annotated[bool, typer.Option("--deep", help="Also decode the layers nested in opaque octets.")] = False,
    hex_input: Annotated[bool, typer.Option("--hex", help="FILE holds hex text instead of binary.")] = False,
) -> None:
    """Print the value of a COER encoding as JSON."""
    data = _read(file)
    if hex_input:
        try:
            data = bytes.fromhex(data.decode("ascii"))
        except (UnicodeDecodeError, ValueError):
            _fail(f"{file} is not hex text")
    try:
        value = decode_deep(type_name, data) if deep else decode(type_name, data)
        typer.echo(json.dumps(to_json(type_name, value), indent=2))
    except CodecError as error:
        _fail(str(error))


@app.command("encode")
def encode_cmd(
    type_name: Annotated[str, typer.Argument(metavar="TYPE", help="ASN.1 type, e.g. Certificate.")],
    json_file: Annotated[Path, typer.Argument(metavar="JSONFILE", help="JSON value ('-' for standard input).")],
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write here instead of stdout.")] = None,
) -> None:
    """Encode a JSON value (as `decode` prints it, with or without --deep) to COER."""
    try:
        document = json.loads(_read(json_file))
    except ValueError as error:
        _fail(f"{json_file} is not JSON: {error}")
    try:
        encoded = encode(type_name, from_json(type_name, document))
    except CodecError as error:
        _fail(str(error))
    if output is None:
        sys.stdout.buffer.write(encoded)
        sys.stdout.buffer.flush()
        return
    try:
        output.write_bytes(encoded)
    except OSError as error:
        _fail(f"cannot write {output}: {error.strerror or error}")


@app.command("types")
def types_cmd() -> None:
    """List the ASN.1 type names `decode` and `encode` accept."""
    typer.echo("\n".join(type_names()))
