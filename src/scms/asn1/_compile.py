"""Parse and compile our ASN.1 modules once per process, with the open-type rewrite and the hardening applied.

Every `*.asn` file under `modules/` (any depth) is one module. Type names are resolved explicitly: `Module.Type`
always works; the plain `Type` works when exactly one module defines it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asn1tools

from scms.asn1 import _harden
from scms.asn1._open_type import rewrite_open_types
from scms.asn1._parse_cache import parsed_modules

__all__: list[str] = []

MODULES_DIR = Path(__file__).resolve().parent / "modules"


@dataclass(frozen=True)
class Compiled:
    spec: Any
    """The asn1tools Specification (OER)."""
    parsed: dict[str, Any]
    """The parsed modules after asn1tools' pre-processing (parameters substituted, open types rewritten)."""
    types: dict[str, Any]
    """Every accepted type name (`Module.Type`, and the plain name when unique) -> asn1tools CompiledType."""
    qualified: dict[str, str]
    """Accepted type name -> `Module.Type`."""
    ambiguous: dict[str, list[str]]
    """Plain names defined by more than one module -> the qualified names to use instead."""


_lock = threading.Lock()
_compiled: Compiled | None = None


def module_files() -> list[Path]:
    return sorted(MODULES_DIR.rglob("*.asn"))


def compiled() -> Compiled:
    """The compiled specification; compiled at first use, then shared."""
    global _compiled
    if _compiled is None:
        with _lock:
            if _compiled is None:
                _compiled = _build()
    return _compiled


def _build() -> Compiled:
    parsed = parsed_modules(module_files(), MODULES_DIR)  # asn1tools.parse_files, cached (_parse_cache)
    rewrite_open_types(parsed)
    spec = asn1tools.compile_dict(parsed, "oer")
    _harden.install(spec)
    types: dict[str, Any] = {}
    qualified: dict[str, str] = {}
    owners: dict[str, list[str]] = {}
    for module_name, module_types in spec.modules.items():
        for type_name, compiled_type in module_types.items():
            full = f"{module_name}.{type_name}"
            types[full] = compiled_type
            qualified[full] = full
            owners.setdefault(type_name, []).append(full)
    ambiguous = {name: sorted(fulls) for name, fulls in owners.items() if len(fulls) > 1}
    for name, fulls in owners.items():
        if len(fulls) == 1:
            types[name] = types[fulls[0]]
            qualified[name] = fulls[0]
    return Compiled(spec, parsed, types, qualified, ambiguous)
