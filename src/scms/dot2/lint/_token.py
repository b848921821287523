"""The private token that only linters in this package hold: a `Linted` object cannot be built without it."""

from __future__ import annotations

__all__ = ["LINTER_TOKEN"]

LINTER_TOKEN = object()
