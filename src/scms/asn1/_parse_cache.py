"""The parsed ASN.1 modules, cached beside them as Python caches bytecode (`modules/**/__pycache__`).

Parsing our modules with asn1tools (pyparsing) takes most of a second, in every process that encodes or decodes:
each `scms` command, each spawned pool process of the services. The parse result is plain data (dicts, lists,
tuples, strings, numbers, and a few asn1tools `Tokens` in WITH COMPONENTS constraints), so it is stored as JSON
(never pickle: loading it runs no code) under a name made of the SHA-256 of the cache format, the asn1tools
version and every module file's path and bytes: a changed module, or another asn1tools, is a cache miss and is
parsed again. The cache is written atomically; not at all when the environment says `SCMS_ASN1_CACHE=0` (then
it is not read either) or the folder is read-only; a file that does not load is ignored. The same trust as
`__pycache__`: whoever can write there can change code anyway.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import asn1tools
from asn1tools.parser import Tokens

__all__ = ["cache_file", "dumps", "loads", "parsed_modules"]

_FORMAT = b"scms-asn1-parse-cache 1"
_TUPLE, _TOKENS = "__tuple__", "__tokens__"  # ASN.1 identifiers cannot hold "_": no clash with a parsed key


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, tuple):
        return {_TUPLE: [_plain(item) for item in value]}
    if isinstance(value, Tokens):
        return {_TOKENS: [value.tag, [_plain(item) for item in value.tokens]]}
    if value is None or isinstance(value, (str, int, float)):
        return value
    raise TypeError(f"a parsed ASN.1 module holds a {type(value).__name__}")


def _revived(value: dict[str, Any]) -> Any:
    if _TUPLE in value:
        return tuple(value[_TUPLE])
    if _TOKENS in value:
        tag, tokens = value[_TOKENS]
        return Tokens(tag, tokens)
    return value


def dumps(parsed: dict[str, Any]) -> str:
    """The parse result as JSON (tuples and Tokens tagged)."""
    return json.dumps(_plain(parsed), separators=(",", ":"), sort_keys=True)


def loads(text: str) -> dict[str, Any]:
    """The parse result back from `dumps`."""
    parsed = json.loads(text, object_hook=_revived)
    if not isinstance(parsed, dict):
        raise ValueError("not a parse result")
    return parsed


def cache_file(files: Sequence[Path], root: Path) -> Path:
    """Where the parse of `files` (under `root`) is cached."""
    digest = hashlib.sha256(_FORMAT)
    digest.update(asn1tools.__version__.encode())
    for path in files:
        data = path.read_bytes()
        digest.update(f"\0{path.relative_to(root).as_posix()}\0{len(data)}\0".encode())
        digest.update(data)
    return root / "__pycache__" / f"asn1-parsed-{digest.hexdigest()[:32]}.json"


def parsed_modules(files: Sequence[Path], root: Path) -> dict[str, Any]:
    """asn1tools.parse_files(files), from the cache when it holds this parse."""
    if os.environ.get("SCMS_ASN1_CACHE", "1") == "0":
        return dict(asn1tools.parse_files([str(path) for path in files]))
    cached = cache_file(files, root)
    try:
        return loads(cached.read_text(encoding="utf-8"))
    except (OSError, ValueError, TypeError, KeyError):
        pass
    parsed: dict[str, Any] = asn1tools.parse_files([str(path) for path in files])
    _store(cached, dumps(parsed))
    return parsed


def _store(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".asn1-parsed-", dir=path.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text)
            os.replace(temporary, path)
        except BaseException:
            os.unlink(temporary)
            raise
    except OSError:
        pass  # a read-only install: parse again next time
