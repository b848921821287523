"""URLs of the REST API v3 (1609.2.1 clause 6.3; standards notes §10.1) under a component's base URL, as the global
policy's `urls` give them (e.g. `http://127.0.0.1:8080/ra`)."""

from __future__ import annotations

from collections.abc import Mapping

from scms.ee.exchange import COER, HttpRequest

__all__ = ["coer_post", "component_get", "url"]


def url(base: str, path: str) -> str:
    """`base` + `path` with exactly one slash between."""
    return base.rstrip("/") + "/" + path.lstrip("/")


def component_get(base: str, path: str, endpoint: str, params: Mapping[str, str] | None = None,
                  headers: Mapping[str, str] | None = None) -> HttpRequest:
    return HttpRequest("GET", url(base, path), endpoint, params=dict(params or {}), headers=dict(headers or {}))


def coer_post(base: str, path: str, endpoint: str, body: bytes) -> HttpRequest:
    """A POST with a COER body (`application/octet-stream`, as every REST API v3 request)."""
    return HttpRequest("POST", url(base, path), endpoint, headers={"Content-Type": COER}, body=body)
