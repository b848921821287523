"""Where the embedded default listens, and whether that is where the policy sends devices.

A device learns each component's URL from the global policy (`urls`, written by `scms init` from
`[deployment] base_url` + "/<component>", or a component's own `url`). `scms up` serves each component under
"/<component>" of one listening address, so the two agree when that address is the base URL's. They may differ on
purpose (a reverse proxy or NAT in front, `https://scms.example.com` outside, `http://127.0.0.1:8080` inside), so a
difference is reported, not refused (`policy_mismatches`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

__all__ = ["DEFAULT_ADDRESS", "Mismatch", "base_url_for", "listen_address", "policy_mismatches", "served_urls"]

DEFAULT_ADDRESS = ("127.0.0.1", 8080)
"""Where `scms up` listens when the base URL does not say (https, or a path: something else is in front)."""
_WILDCARDS = frozenset({"0.0.0.0", "::", ""})  # noqa: S104 (names of the wildcard address, compared only)
_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


@dataclass(frozen=True)
class Mismatch:
    """A component whose policy URL is not where the embedded default serves it."""

    component: str
    policy_url: str
    served_url: str


def listen_address(base_url: str) -> tuple[str, int]:
    """The (host, port) of a plain `http://host[:port]` base URL; `DEFAULT_ADDRESS` for any other."""
    parts = urlsplit(base_url)
    if parts.scheme != "http" or parts.path.strip("/") or parts.hostname is None:
        return DEFAULT_ADDRESS
    return parts.hostname, parts.port or 80


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def base_url_for(host: str, port: int, configured: str) -> str:
    """The base URL that names the listening address (`host`, `port`); a wildcard host keeps `configured`'s host
    (devices cannot connect to 0.0.0.0)."""
    if host in _WILDCARDS:
        parts = urlsplit(configured)
        host = parts.hostname if parts.hostname and parts.scheme == "http" else DEFAULT_ADDRESS[0]
    return f"http://{_url_host(host)}:{port}"


def served_urls(host: str, port: int, components: Iterable[str]) -> dict[str, str]:
    """The URL of each component on the listening address."""
    return {component: f"http://{_url_host(host)}:{port}/{component}" for component in components}


def _same_host(policy_host: str, host: str) -> bool:
    if host in _WILDCARDS or policy_host == host:
        return True
    return policy_host in _LOOPBACK and host in _LOOPBACK


def _serves(policy_url: str, host: str, port: int, component: str) -> bool:
    parts = urlsplit(policy_url)
    return (parts.scheme == "http" and parts.path.rstrip("/") == f"/{component}" and not parts.query
            and (parts.port or 80) == port and _same_host(parts.hostname or "", host))


def policy_mismatches(policy_urls: Mapping[str, str], host: str, port: int, components: Iterable[str]
                      ) -> list[Mismatch]:
    """The served components whose policy URL does not lead to `host`:`port`/<component> (a missing URL too)."""
    served = served_urls(host, port, components)
    return [Mismatch(component, policy_urls.get(component, "(none)"), url) for component, url in served.items()
            if not _serves(policy_urls.get(component, ""), host, port, component)]
