"""The ECA's two bindings of the RA's registry give the same outcomes: `HttpRaRegistry` over the RA's internal API
(separate processes; here in-process over ASGI) and `DirectRaRegistry` on the RA's `EcaDesk` (the embedded
default). The same scenarios run through both: through the ECA's app (registered, unknown, blocked and deleted
devices, a second enrollment, the device's state afterwards) and through the registries themselves."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from sqlalchemy import create_engine

from scms.crypto import HashedId8, SoftwareKey
from scms.deployment import Deployment
from scms.dot2.errors import Ieee1609Error
from scms.services.common import PeerError
from scms.services.eca import HttpRaRegistry, Registration
from scms.services.ra import DeviceStore, EcaDesk
from scms.services.runtime.ra_registry import DirectRaRegistry

from ..ra._support import FakeClock
from ._support import COER, ENROLL, Device, Stack, open_stack, read_response, register

pytestmark = pytest.mark.anyio

BINDINGS = ["http", "direct"]


@pytest.fixture(scope="module", params=BINDINGS)
def bound(request: pytest.FixtureRequest, deployment: Deployment, clock: FakeClock,
          tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """An RA and an ECA, the ECA bound to the RA over HTTP or directly."""
    direct = request.param == "direct"
    with open_stack(deployment, clock, tmp_path_factory.mktemp("bound"), direct=direct) as built:
        assert isinstance(built.eca.service.registry, DirectRaRegistry if direct else HttpRaRegistry)
        yield built


@pytest.fixture
async def client(bound: Stack) -> AsyncIterator[httpx.AsyncClient]:
    async with bound.clients() as http:
        yield http


async def _enrol(http: httpx.AsyncClient, request: bytes) -> httpx.Response:
    return await http.post(f"/eca{ENROLL}", content=request, headers=COER)


def _refusal(response: httpx.Response) -> str:
    assert response.status_code == 400, response.text
    return response.headers["Ieee-1609.2.1-Error"]


async def _state(http: httpx.AsyncClient, device: Device) -> dict[str, object]:
    answer: dict[str, object] = (await http.get(f"/ra/registration/v1/devices/{device.canonical_id}")).json()
    return answer


async def test_a_registered_device_enrols_twice_and_is_enrolled(bound: Stack, client: httpx.AsyncClient) -> None:
    device = await register(client)
    first, key = device.request(bound.clock.time32)
    answer = await _enrol(client, first)
    assert answer.status_code == 200, answer.text
    certificate = read_response(bound, answer.content, first, key).certificate
    assert (await _enrol(client, first)).content == answer.content  # the same request again: the stored response
    bound.clock.advance(1)
    second, new_key = device.request(bound.clock.time32, canonical=True)
    again = await _enrol(client, second)
    assert again.status_code == 200, again.text
    renewed = read_response(bound, again.content, second, new_key).certificate
    state = await _state(client, device)
    assert state["state"] == "enrolled"
    assert state["enrollment_certificates"] == [certificate.hashed_id8().hex(), renewed.hashed_id8().hex()]


async def test_unknown_blocked_and_deleted_devices_are_refused(bound: Stack, client: httpx.AsyncClient) -> None:
    now = bound.clock.time32
    stranger = Device(SoftwareKey.generate())
    assert _refusal(await _enrol(client, stranger.request(now)[0])) == "400-21"
    assert _refusal(await _enrol(client, stranger.request(now, canonical=True)[0])) == "400-21"

    blocked = await register(client)
    await client.post(f"/ra/registration/v1/devices/{blocked.canonical_id}/block")
    assert _refusal(await _enrol(client, blocked.request(now)[0])) == "400-20"
    assert (await _state(client, blocked))["state"] == "blocked"

    deleted = await register(client)
    await client.delete(f"/ra/registration/v1/devices/{deleted.canonical_id}")
    assert _refusal(await _enrol(client, deleted.request(now, canonical=True)[0])) == "400-21"


def _outcome(result: Registration | BaseException | None) -> object:
    """What the ECA makes of an answer: the registration, or the 1609.2.1 error, or the peer failure's status."""
    if isinstance(result, Ieee1609Error):
        return ("refused", result.header_value)
    if isinstance(result, PeerError):
        return ("peer error", result.status)
    assert not isinstance(result, BaseException), result
    return result


async def _both(stack: Stack, ask: str, *args: object) -> tuple[object, object]:
    """The outcome of the same question through the HTTP binding (the stack's ECA) and the direct one."""
    direct = DirectRaRegistry(EcaDesk(stack.ra.devices, stack.clock))
    http = stack.eca.service.registry
    assert isinstance(http, HttpRaRegistry)
    outcomes = []
    for registry in (http, direct):
        try:
            outcomes.append(_outcome(await getattr(registry, ask)(*args)))
        except (Ieee1609Error, PeerError) as error:
            outcomes.append(_outcome(error))
    return outcomes[0], outcomes[1]


async def test_both_bindings_answer_the_same_questions_alike(stack: Stack, http: httpx.AsyncClient) -> None:
    device = await register(http)
    key, identifier = device.canonical.public_point, device.canonical_id
    registered = Registration(identifier, "OBU", "registered", key)
    assert await _both(stack, "by_key", key) == (registered, registered)
    assert await _both(stack, "by_canonical_id", identifier) == (registered, registered)
    unknown = SoftwareKey.generate().public_point
    for ask, argument in (("by_key", unknown), ("by_canonical_id", "ab" * 32), ("by_canonical_id", "obu-0001")):
        assert await _both(stack, ask, argument) == (("refused", "400-21"),) * 2

    certificate = HashedId8(bytes(range(8)))
    assert await _both(stack, "enrolled", identifier, certificate) == (None, None)  # again: idempotent
    assert stack.ra.devices.enrollment_certificates(identifier) == (certificate,)
    enrolled = Registration(identifier, "OBU", "enrolled", key)
    assert await _both(stack, "by_canonical_id", identifier) == (enrolled, enrolled)

    other = await register(http)
    assert await _both(stack, "enrolled", other.canonical_id, certificate) == (("refused", "400-20"),) * 2
    assert await _both(stack, "enrolled", "cd" * 32, certificate) == (("peer error", 404),) * 2
    await http.post(f"/ra/registration/v1/devices/{other.canonical_id}/block")
    blocked = Registration(other.canonical_id, "OBU", "blocked", other.canonical.public_point)
    assert await _both(stack, "by_key", other.canonical.public_point) == (blocked, blocked)
    assert await _both(stack, "enrolled", other.canonical_id, HashedId8(bytes(8))) == (("refused", "400-20"),) * 2
    assert stack.ra.devices.enrollment_certificates(other.canonical_id) == ()


async def test_a_failing_ra_database_is_a_peer_error() -> None:
    engine = create_engine("sqlite://")  # no tables: every question fails in the database
    direct = DirectRaRegistry(EcaDesk(DeviceStore(engine), FakeClock()))
    with pytest.raises(PeerError):
        await direct.by_key(SoftwareKey.generate().public_point)
    with pytest.raises(PeerError):
        await direct.enrolled("ab" * 32, HashedId8(bytes(8)))
    engine.dispose()
