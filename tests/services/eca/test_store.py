"""The ECA's enrollment record on SQLite and PostgreSQL: enrol (rate limits, issue before the write transaction and
store in it, nothing stored on failure, the same request again, a row an older version left accepted), another
writer between the read and the transaction (the same request stored: its answer; the limits reached: refused),
concurrent writers (threads), and the migrated schema."""

from __future__ import annotations

import os
import threading
from dataclasses import replace

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, insert

from scms.crypto import HashedId8
from scms.dot2.certificate_fields import CertificateType
from scms.dot2.errors import Ieee1609Error
from scms.dot2.time import Time32
from scms.services.common import migrate_to_head
from scms.services.eca import RATE_WINDOW, Enrollment, EnrollmentStore, RateLimits
from scms.services.eca.store import Issue
from scms.services.eca.tables import ECA_METADATA, enrollments

T = Time32(700_000_000)
LIMITS = RateLimits(max_reqs=3, min_wait=0)


@pytest.fixture
def store(engine: Engine) -> EnrollmentStore:
    migrate_to_head(engine, "eca")
    return EnrollmentStore(engine)


def enrollment(device: str = "a" * 64, generated: int = T) -> Enrollment:
    digest = os.urandom(32)
    return Enrollment(digest, HashedId8(digest[-8:]), device, "OBU", Time32(generated), CertificateType.IMPLICIT,
                      planned_tbs=b"plan-" + digest[:4])


def test_the_migrated_schema_is_the_table_definitions(store: EnrollmentStore) -> None:
    def ours(_obj: object, name: str | None, kind: str, _reflected: bool, _other: object) -> bool:
        return kind != "table" or name in ECA_METADATA.tables

    with store.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_object": ours, "compare_type": True})
        assert compare_metadata(context, ECA_METADATA) == []


class Signer:
    """A stand-in for the issuer: counts what it issues, each time another certificate and response."""

    def __init__(self, fails: bool = False, label: bytes = b"response") -> None:
        self.issued: list[Enrollment] = []
        self.fails = fails
        self.label = label

    def __call__(self, enrollment: Enrollment) -> tuple[HashedId8, bytes]:
        if self.fails:
            raise RuntimeError("the signer went away")
        self.issued.append(enrollment)
        number = len(self.issued)
        return HashedId8(bytes([number]) * 8), b"%s-%d" % (self.label, number)


def test_enrol_then_the_same_request_again(store: EnrollmentStore) -> None:
    first = enrollment()
    signer = Signer()
    assert store.find(first.request_digest) is None
    issued = store.enrol(first, LIMITS, T, signer)
    assert issued == replace(first, certificate_hash=HashedId8(bytes([1]) * 8), response=b"response-1")
    assert store.find(first.request_digest) == issued and signer.issued == [first]
    again = store.enrol(first, RateLimits(max_reqs=1, min_wait=10**6), Time32(T + 2), signer)  # no limits for it
    assert again == issued and len(signer.issued) == 1  # the stored response, not signed again


def test_nothing_is_stored_when_issuing_fails(store: EnrollmentStore) -> None:
    first = enrollment()
    with pytest.raises(RuntimeError):
        store.enrol(first, RateLimits(max_reqs=1, min_wait=0), T, Signer(fails=True))
    assert store.find(first.request_digest) is None
    retried = store.enrol(first, RateLimits(max_reqs=1, min_wait=0), T, Signer())  # the failure did not count
    assert retried.response == b"response-1"


def test_a_request_an_older_version_accepted_is_issued_by_the_retry(store: EnrollmentStore) -> None:
    """Older versions committed the accepted request and its plan before signing; one that died in between left
    the row accepted: the retry issues its stored plan, once."""
    first = enrollment()
    with store.engine.begin() as connection:
        connection.execute(insert(enrollments).values(
            request_digest=first.request_digest, request_hash=bytes(first.request_hash),
            canonical_id=first.canonical_id, device_type="OBU", generation_time=int(T), received_at=int(T),
            certificate_type="implicit", planned_tbs=b"the stored plan", state="accepted"))
    signer = Signer()
    issued = store.enrol(first, LIMITS, T, signer)
    assert [e.planned_tbs for e in signer.issued] == [b"the stored plan"] and issued.response == b"response-1"
    assert store.find(first.request_digest) == issued
    assert store.enrol(first, LIMITS, T, signer) == issued and len(signer.issued) == 1


def test_eca_max_reqs_counts_a_week_of_generation_time(store: EnrollmentStore) -> None:
    for offset in (0, 10, 20):
        store.enrol(enrollment(generated=T + offset), LIMITS, T, Signer())
    with pytest.raises(Ieee1609Error) as error:
        store.enrol(enrollment(generated=T + 30), LIMITS, T, Signer())
    assert error.value.header_value == "400-71"
    store.enrol(enrollment(device="b" * 64, generated=T + 30), LIMITS, T, Signer())  # another device
    store.enrol(enrollment(generated=T + RATE_WINDOW), LIMITS, T, Signer())  # the first one left the window


def test_eca_min_wait_between_generation_times(store: EnrollmentStore) -> None:
    limits = RateLimits(max_reqs=10, min_wait=60)
    store.enrol(enrollment(generated=T), limits, T, Signer())
    for generated in (T + 59, T - 5):
        with pytest.raises(Ieee1609Error) as error:
            store.enrol(enrollment(generated=generated), limits, T, Signer())
        assert error.value.header_value == "400-73"
    store.enrol(enrollment(generated=T + 60), limits, T, Signer())


def racing(store: EnrollmentStore, other: Enrollment, signer: Signer) -> Issue:
    """`signer`, during whose work another writer (a thread, on a connection of its own) stores `other` through
    `enrol`, to its commit: what another worker process may do between `enrol`'s read and its transaction."""
    def issue(enrollment: Enrollment) -> tuple[HashedId8, bytes]:
        writer = threading.Thread(target=EnrollmentStore(store.engine).enrol,
                                  args=(other, RateLimits(max_reqs=10, min_wait=0), T, Signer(label=b"rival")))
        writer.start()
        writer.join(timeout=60)  # a guard, not a measure: it would wait for a lock held while signing
        assert not writer.is_alive() and store.find(other.request_digest) is not None
        return signer(enrollment)
    return issue


def test_the_same_request_stored_meanwhile_is_the_answer(store: EnrollmentStore) -> None:
    """Another writer stores the same request bytes while `enrol` signs them: the answer is what it stored, and
    this signature is dropped (not stored, not returned)."""
    first = enrollment()
    ours = Signer()
    answered = store.enrol(first, LIMITS, T, racing(store, first, ours))
    stored = store.find(first.request_digest)
    assert len(ours.issued) == 1 and stored is not None and stored.response is not None
    assert answered == stored and answered.response == b"rival-1"  # the other writer's, not ours
    assert store.enrol(first, LIMITS, T, ours) == stored and len(ours.issued) == 1


@pytest.mark.parametrize(("limits", "code"), [
    (RateLimits(max_reqs=1, min_wait=0), "400-71"), (RateLimits(max_reqs=10, min_wait=60), "400-73"),
])
def test_the_limits_are_checked_again_in_the_transaction(store: EnrollmentStore, limits: RateLimits,
                                                         code: str) -> None:
    """Another request of the device stored while `enrol` signs (both passed the read's check) takes its place in
    eca-maxReqs or is within eca-minWait of it: refused in the transaction, nothing stored of it."""
    first, other = enrollment(), enrollment(generated=T - 10)
    ours = Signer()
    with pytest.raises(Ieee1609Error) as error:
        store.enrol(first, limits, T, racing(store, other, ours))
    assert error.value.header_value == code and len(ours.issued) == 1
    assert store.find(first.request_digest) is None and store.find(other.request_digest) is not None


def test_concurrent_requests_of_one_device_respect_eca_max_reqs(store: EnrollmentStore) -> None:
    """Ten different requests of one device at once with eca-maxReqs 3: exactly three are issued and stored (more
    may be signed before the write transaction; those signatures are dropped)."""
    outcomes: list[str] = []
    issued: list[Enrollment] = []
    barrier = threading.Barrier(10)
    signer = Signer()

    def accept(offset: int) -> None:
        barrier.wait()
        try:
            issued.append(store.enrol(enrollment(generated=T + offset), LIMITS, T, signer))
            outcomes.append("issued")
        except Ieee1609Error as error:
            outcomes.append(error.header_value)

    threads = [threading.Thread(target=accept, args=(offset,)) for offset in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["400-71"] * 7 + ["issued"] * 3 and len(signer.issued) >= 3
    assert all(store.find(each.request_digest) == each for each in issued)


def test_concurrent_copies_of_one_request_are_answered_once(store: EnrollmentStore) -> None:
    """Six attempts of the same request at once: each may sign before the write transaction, one stores, and every
    attempt gets that one back."""
    first = enrollment()
    signer = Signer()
    results: list[Enrollment] = []
    barrier = threading.Barrier(6)

    def enrol() -> None:
        barrier.wait()
        results.append(store.enrol(first, LIMITS, T, signer))

    threads = [threading.Thread(target=enrol) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stored = store.find(first.request_digest)
    assert stored is not None and 1 <= len(signer.issued) <= 6
    assert stored.response in {b"response-%d" % number for number in range(1, len(signer.issued) + 1)}
    assert results == [stored] * 6
