"""The ECA's questions to the RA (the device registry), `RaRegistry`: by canonicalId, by the requested key, and
the "enrolled" report after issuing (idempotent at the RA). Two bindings answer them alike:

    HttpRaRegistry     the RA's internal API (docs/api-services.md) over a `PeerClient` (mutual TLS at scale):
                       POST {ra-internal}/internal/v1/registration-check, .../devices/{id}/enrolled
    DirectRaRegistry   the RA's own operations in the same process (`scms.services.runtime.ra_registry`, the
                       embedded default): no routing, no validation, no JSON

The RA's answers become 1609.2.1 errors here: no such device is 400-21 (unregistered), a blocked device 400-20, a
deleted one 400-21, a refused "enrolled" report 400-20; an RA that cannot answer is a `PeerError` (503, or 500
when coarse).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

import httpx

from scms.crypto import Curve, HashedId8, InvalidPoint, Point
from scms.dot2.errors import ErrorCode, Ieee1609Error
from scms.services.common import PeerClient, PeerError

__all__ = ["HttpRaRegistry", "RaRegistry", "Registration", "read_registration", "refused", "require_canonical_form",
           "unregistered"]

_CURVE_NAMES = {
    Curve.P256: "P-256",
    Curve.P384: "P-384",
    Curve.BRAINPOOL_P256R1: "brainpoolP256r1",
    Curve.BRAINPOOL_P384R1: "brainpoolP384r1",
}
_CURVES = {name: curve for curve, name in _CURVE_NAMES.items()}
_CANONICAL_ID = re.compile(r"[0-9a-f]{64}")
"""The form of the canonical ids the RA gives out (lower-case hex SHA-256)."""


@dataclass(frozen=True)
class Registration:
    """A registered device as the RA describes it."""

    canonical_id: str
    device_type: str
    state: str
    canonical_key: Point

    def require_enrollable(self) -> None:
        """400-20 for a blocked device, 400-21 for a deleted one (registered, enrolled and provisioning pass)."""
        if self.state == "blocked":
            raise Ieee1609Error(ErrorCode.BLOCKED_ENROLLMENT_CERTIFICATE, f"device {self.canonical_id} is blocked")
        if self.state == "deleted":
            raise Ieee1609Error(ErrorCode.UNREGISTERED_ENROLLMENT_CERTIFICATE, f"device {self.canonical_id} deleted")


class RaRegistry(Protocol):
    """The RA's device registry as the ECA asks it."""

    async def by_canonical_id(self, canonical_id: str) -> Registration:
        """The device registered under `canonical_id` (the request's canonicalId); 400-21 if none."""
        ...

    async def by_key(self, key: Point) -> Registration:
        """The device whose canonical key is `key` (a request signed by the requested key); 400-21 if none."""
        ...

    async def enrolled(self, canonical_id: str, certificate: HashedId8) -> None:
        """Report the enrollment certificate issued to the device; 400-20 if the RA refuses (blocked meanwhile)."""
        ...


def require_canonical_form(canonical_id: str) -> None:
    """400-21 for an id the RA cannot have given out (never sent to the RA)."""
    if not _CANONICAL_ID.fullmatch(canonical_id):
        raise Ieee1609Error(ErrorCode.UNREGISTERED_ENROLLMENT_CERTIFICATE, "not a canonical id of ours")


def unregistered() -> Ieee1609Error:
    return Ieee1609Error(ErrorCode.UNREGISTERED_ENROLLMENT_CERTIFICATE, "no such device at the RA")


def refused(canonical_id: str) -> Ieee1609Error:
    return Ieee1609Error(ErrorCode.BLOCKED_ENROLLMENT_CERTIFICATE, f"the RA refused: device {canonical_id}")


def read_registration(canonical_id: str, device_type: str, state: str, curve: str, public_key: bytes,
                      asked: Point | None) -> Registration:
    """The RA's description of a device (the curve by its registration-API name, the compressed key); ValueError,
    KeyError or InvalidPoint if unreadable."""
    return Registration(canonical_id, device_type, state, _read_key(_CURVES[curve], public_key, asked))


class HttpRaRegistry:
    """`RaRegistry` over the RA's internal API."""

    def __init__(self, client: PeerClient) -> None:
        self.client = client

    async def by_canonical_id(self, canonical_id: str) -> Registration:
        require_canonical_form(canonical_id)
        return await self._check({"canonical_id": canonical_id})

    async def by_key(self, key: Point) -> Registration:
        return await self._check({"curve": _CURVE_NAMES[key.curve], "public_key": key.encode(compressed=True).hex()},
                                 asked=key)

    async def enrolled(self, canonical_id: str, certificate: HashedId8) -> None:
        response = await self.client.request("POST", f"/internal/v1/devices/{canonical_id}/enrolled",
                                             json={"enrollment_certificate": certificate.hex()})
        if response.status_code == 409:
            raise refused(canonical_id)
        _expect_ok(response, "enrolled")

    async def _check(self, body: dict[str, str], asked: Point | None = None) -> Registration:
        """The RA's answer; its canonical key is `asked` when it names that key (read only when it names another)."""
        response = await self.client.request("POST", "/internal/v1/registration-check", json=body)
        if response.status_code == 404 and _reason(response) == "unregistered":
            raise unregistered()
        _expect_ok(response, "registration-check")
        try:
            value = response.json()
            return read_registration(value["canonical_id"], value["device_type"], value["state"], value["curve"],
                                     bytes.fromhex(value["public_key"]), asked)
        except (ValueError, KeyError, TypeError, InvalidPoint):
            raise PeerError(self.client.settings.name, "unreadable registration") from None


def _read_key(curve: Curve, encoded: bytes, asked: Point | None) -> Point:
    """The key the RA names: `asked` when it is that key (no point decompression), else decoded."""
    if asked is not None and asked.curve is curve and asked.encode(compressed=True) == encoded:
        return asked
    return Point.decode(curve, encoded)


def _reason(response: httpx.Response) -> object:
    try:
        body = response.json()
    except ValueError:
        return None
    return body.get("reason") if isinstance(body, dict) else None


def _expect_ok(response: httpx.Response, what: str) -> None:
    if response.status_code != 200:
        raise PeerError("ra", f"{what} answered", status=response.status_code)
