"""Registration and policy files: the DCM role (1609.2.1 clause 4.1.4.2 leaves both to the SCMS; docs/services.md,
the RA's registration API). An operator, not the device, holds the credential: every call carries
`Authorization: Bearer <operator token>`.

    register(operator_url, token, device_type, canonical_key)   POST {ra}/registration/v1/devices
        -> Registration (canonicalId, lifecycle state)
    fetch_policies(operator_url, token, device_type)           GET {ra}/registration/v1/policy/global
        -> Policies                                              GET {ra}/registration/v1/policy/devices/{type}

The canonical id the RA returns (hex SHA-256 of the compressed canonical key) is checked against the key: a device
never accepts an id that is not its own.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Literal

from pydantic import ValidationError

from scms.crypto import Curve, Point, sha256
from scms.deployment.policy import DevicePolicy, GlobalPolicy
from scms.ee.errors import BadAnswer
from scms.ee.exchange import JSON, Flow, HttpRequest, call
from scms.ee.flows._urls import component_get, url

__all__ = [
    "REGISTRATION_PREFIX",
    "Policies",
    "Registration",
    "canonical_id_of",
    "fetch_policies",
    "parse_policies",
    "register",
]

REGISTRATION_PREFIX = "registration/v1"
DeviceType = Literal["OBU", "RSU"]

_CURVE_NAMES = {Curve.P256: "P-256", Curve.P384: "P-384", Curve.BRAINPOOL_P256R1: "brainpoolP256r1",
                Curve.BRAINPOOL_P384R1: "brainpoolP384r1"}


def canonical_id_of(key: Point) -> str:
    """The canonicalId of a canonical key: lower-case hex SHA-256 of its compressed SEC 1 encoding."""
    return sha256(key.encode(compressed=True)).hex()


@dataclass(frozen=True)
class Registration:
    """The RA's answer: who the device is now and its lifecycle state ("registered", "enrolled", ...)."""

    canonical_id: str
    device_type: str
    state: str


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def register(operator_url: str, token: str, device_type: DeviceType, canonical_key: Point) -> Flow[Registration]:
    """Register the canonical public key (201 new, 200 already there); ServerError for 400, 401, 409."""
    body = json.dumps({
        "device_type": device_type,
        "curve": _CURVE_NAMES[canonical_key.curve],
        "public_key": canonical_key.encode(compressed=True).hex(),
    }).encode()
    headers = {**_bearer(token), "Content-Type": JSON}
    request = HttpRequest("POST", url(operator_url, f"{REGISTRATION_PREFIX}/devices"), "registration/devices",
                          headers=headers, body=body)
    answer, _ = yield from call(request)
    try:
        value = json.loads(answer)
        registration = Registration(str(value["canonical_id"]), str(value["device_type"]), str(value["state"]))
    except (ValueError, KeyError, TypeError):
        raise BadAnswer("the registration answer is not a device (canonical_id, device_type, state)") from None
    if registration.canonical_id != canonical_id_of(canonical_key):
        raise BadAnswer(f"the RA registered the device as {registration.canonical_id[:16]}..., not under its key")
    return registration


@dataclass(frozen=True)
class Policies:
    """The global policy and the device type's policy, parsed, with the files as received."""

    global_policy: GlobalPolicy
    device_policy: DevicePolicy
    global_file: bytes
    device_file: bytes


def parse_policies(global_file: bytes, device_file: bytes, device_type: DeviceType) -> Policies:
    """Validate both policy files (`scms.deployment.policy` models); BadAnswer names the file and field."""
    parsed: list[GlobalPolicy | DevicePolicy] = []
    for name, data, model in (("global", global_file, GlobalPolicy), ("device", device_file, DevicePolicy)):
        try:
            parsed.append(model.model_validate_json(data))
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(part) for part in first["loc"]) or "(top)"
            raise BadAnswer(f"the {name} policy file does not validate: {where}: {first['msg']}") from None
    global_policy, device_policy = parsed
    assert isinstance(global_policy, GlobalPolicy) and isinstance(device_policy, DevicePolicy)
    if device_policy.device_type != device_type:
        raise BadAnswer(f"the device policy is for {device_policy.device_type}, not {device_type}")
    return Policies(global_policy, device_policy, bytes(global_file), bytes(device_file))


def fetch_policies(operator_url: str, token: str, device_type: DeviceType) -> Flow[Policies]:
    """Fetch and validate the global policy and the policy of `device_type`."""
    prefix = f"{REGISTRATION_PREFIX}/policy"
    global_file, _ = yield from call(component_get(operator_url, f"{prefix}/global", "registration/policy",
                                                   headers=_bearer(token)))
    device_file, _ = yield from call(component_get(operator_url, f"{prefix}/devices/{device_type}",
                                                   "registration/policy", headers=_bearer(token)))
    return parse_policies(global_file, device_file, device_type)
