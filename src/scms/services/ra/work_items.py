"""The certificates being generated, one row per (request, i, j), and the files built from them (issue exactly
once: DESIGN "Habits", style rule 10; docs/services.md "Job queue").

    add(rows)                   plan work items (unique (request, i, j): planning again adds nothing)
    claim(token, request, n)    lease this request's open items and up to n open items of other accepted requests
                                (compare-and-set: an item another worker holds, unexpired, is not taken)
    record_signed(token, ...)   store each RaAcaCertRequestSpdu before it is sent; the first stored wins, and a
                                retry re-sends the stored one, so the ACA never gets two requests for one (i, j)
    record_answers(...)         store the ACA's answer of each sent request (once)
    release(token)              give back what this round still holds
    complete_periods            the answers of the (request, i) that are complete and have no file yet
    add_files / file            the downloadable batch zip of (request, i), or the one file of a request (i = 0)

Leases are Time32 seconds of the RA's clock (an argument); a dead worker's items are free once they expire.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, and_, bindparam, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from scms.crypto import HashedId8
from scms.dot2.time import Time32
from scms.services.common import begin_write
from scms.services.ra.authorization_tables import authorization_items, authorization_requests, download_files

__all__ = ["WorkItem", "WorkItemStore"]

_ITEMS = authorization_items


@dataclass(frozen=True, repr=False)
class WorkItem:
    id: int
    request_hash: HashedId8
    i: int
    j: int
    enc_plv1: bytes | None
    enc_plv2: bytes | None
    aca_request: bytes | None
    """The signed RaAcaCertRequestSpdu, once stored (it is re-sent unchanged)."""

    def __repr__(self) -> str:
        return f"WorkItem({self.request_hash}, {self.i}, {self.j}, {'signed' if self.aca_request else 'unsigned'})"


def _blob(value: Any) -> bytes | None:
    return None if value is None else bytes(value)


def _item(row: Any) -> WorkItem:
    return WorkItem(row.id, HashedId8(bytes(row.request_hash)), row.i, row.j, _blob(row.enc_plv1),
                    _blob(row.enc_plv2), _blob(row.aca_request))


def _free(now: Time32) -> Any:
    return and_(_ITEMS.c.state == "open", or_(_ITEMS.c.lease_expires.is_(None), _ITEMS.c.lease_expires <= int(now)))


class WorkItemStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def planned_periods(self, request_hash: HashedId8) -> set[int]:
        with self.engine.connect() as connection:
            return set(connection.execute(
                select(_ITEMS.c.i).where(_ITEMS.c.request_hash == bytes(request_hash)).distinct()).scalars())

    def add(self, connection: Connection, rows: Sequence[dict[str, Any]]) -> None:
        """Insert planned items (request_hash, i, j, enc_plv1, enc_plv2) in the caller's transaction; an existing
        (request, i, j) is left as it is."""
        if not rows:
            return
        dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
        statement = dialect.insert(_ITEMS).on_conflict_do_nothing(index_elements=["request_hash", "i", "j"])
        connection.execute(statement, [{**row, "state": "open"} for row in rows])

    def open_count(self, request_hash: HashedId8) -> int:
        with self.engine.connect() as connection:
            return int(connection.execute(select(func.count()).where(
                _ITEMS.c.request_hash == bytes(request_hash), _ITEMS.c.state == "open")).scalar_one())

    def claim(self, token: str, request_hash: HashedId8, others: int, *, now: Time32, lease_s: float
              ) -> list[WorkItem]:
        """Lease the open items of `request_hash` and up to `others` open items of other accepted requests (oldest
        first) to `token`; the items leased, in no particular order."""
        expires = int(now) + max(1, int(lease_s))
        lease = {"lease_owner": token, "lease_expires": expires}
        with begin_write(self.engine) as connection:
            connection.execute(update(_ITEMS).where(_ITEMS.c.request_hash == bytes(request_hash), _free(now))
                               .values(**lease))
            if others > 0:
                accepted = select(authorization_requests.c.request_hash).where(
                    authorization_requests.c.state == "accepted")
                candidates = (select(_ITEMS.c.id)
                              .where(_free(now), _ITEMS.c.request_hash.in_(accepted))
                              .order_by(_ITEMS.c.id).limit(others).scalar_subquery())
                connection.execute(update(_ITEMS).where(_ITEMS.c.id.in_(candidates), _free(now)).values(**lease))
            rows = connection.execute(select(_ITEMS).where(_ITEMS.c.lease_owner == token,
                                                           _ITEMS.c.state == "open")).all()
        return [_item(row) for row in rows]

    def record_signed(self, token: str, signed: Iterable[tuple[int, bytes, HashedId8]], ids: Collection[int]
                      ) -> list[WorkItem]:
        """Store each (item id, RaAcaCertRequestSpdu, its HashedId8) unless the item has one already; the items of
        `ids` that `token` still holds, each with its stored request (ours, or the one stored first)."""
        values = [{"b_id": item_id, "b_spdu": spdu, "b_hash": bytes(spdu_hash)} for item_id, spdu, spdu_hash in signed]
        with begin_write(self.engine) as connection:
            if values:
                connection.execute(
                    update(_ITEMS)
                    .where(_ITEMS.c.id == bindparam("b_id"), _ITEMS.c.aca_request.is_(None),
                           _ITEMS.c.lease_owner == token)
                    .values(aca_request=bindparam("b_spdu"), aca_request_hash=bindparam("b_hash")),
                    values,
                )
            rows = connection.execute(select(_ITEMS).where(_ITEMS.c.lease_owner == token, _ITEMS.c.state == "open",
                                                           _ITEMS.c.id.in_(list(ids)))).all()
        return [_item(row) for row in rows]

    def record_answers(self, answers: Sequence[tuple[HashedId8, bytes]]) -> set[tuple[HashedId8, int]]:
        """Store each (RaAcaCertRequestSpdu hash, the ACA's SPDU for the EE) on the item it answers, once; the
        (request, i) pairs that got an answer."""
        if not answers:
            return set()
        values = [{"b_hash": bytes(spdu_hash), "b_response": response} for spdu_hash, response in answers]
        with begin_write(self.engine) as connection:
            connection.execute(
                update(_ITEMS)
                .where(_ITEMS.c.aca_request_hash == bindparam("b_hash"), _ITEMS.c.state == "open")
                .values(response=bindparam("b_response"), state="answered", lease_owner=None, lease_expires=None),
                values,
            )
            touched = connection.execute(
                select(_ITEMS.c.request_hash, _ITEMS.c.i).distinct()
                .where(_ITEMS.c.aca_request_hash.in_([v["b_hash"] for v in values]))).all()
        return {(HashedId8(bytes(request_hash)), i) for request_hash, i in touched}

    def release(self, token: str) -> None:
        with begin_write(self.engine) as connection:
            connection.execute(update(_ITEMS).where(_ITEMS.c.lease_owner == token)
                               .values(lease_owner=None, lease_expires=None))

    def answered(self, request_hash: HashedId8, i: int) -> dict[int, bytes] | None:
        """The ACA's SPDU of each j of (request, i) once every one is answered (and no file built); else None."""
        return self.complete_periods({(request_hash, i)}).get((request_hash, i))

    def complete_periods(self, periods: Collection[tuple[HashedId8, int]]
                         ) -> dict[tuple[HashedId8, int], dict[int, bytes]]:
        """Of (request, i) `periods`, those whose every item is answered and that have no file yet: their answers
        by j (one query for the items, one for the files, whatever the number of periods)."""
        hashes = sorted({bytes(request_hash) for request_hash, _ in periods})
        wanted = {(bytes(request_hash), i) for request_hash, i in periods}
        with self.engine.connect() as connection:
            rows = connection.execute(select(_ITEMS.c.request_hash, _ITEMS.c.i, _ITEMS.c.j, _ITEMS.c.response)
                                      .where(_ITEMS.c.request_hash.in_(hashes))).all()
            built = {(bytes(h), i) for h, i in connection.execute(
                select(download_files.c.request_hash, download_files.c.i)
                .where(download_files.c.request_hash.in_(hashes))).all()}
        found: dict[tuple[bytes, int], dict[int, bytes | None]] = {}
        for request_hash, i, j, response in rows:
            key = (bytes(request_hash), i)
            if key in wanted and key not in built:
                found.setdefault(key, {})[j] = None if response is None else bytes(response)
        return {(HashedId8(h), i): {j: r for j, r in answers.items() if r is not None}
                for (h, i), answers in found.items() if all(r is not None for r in answers.values())}

    def add_files(self, files: Sequence[tuple[HashedId8, int, str, bytes]], now: Time32) -> None:
        """Make files downloadable, in one transaction (the first one stored for a (request, i) stays)."""
        if not files:
            return
        with begin_write(self.engine) as connection:
            dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
            statement = dialect.insert(download_files).on_conflict_do_nothing(index_elements=["request_hash", "i"])
            connection.execute(statement, [{"request_hash": bytes(h), "i": i, "name": name, "data": data,
                                            "created_at": int(now)} for h, i, name, data in files])

    def file(self, request_hash: HashedId8, i: int) -> tuple[str, bytes] | None:
        with self.engine.connect() as connection:
            row = connection.execute(select(download_files.c.name, download_files.c.data).where(
                download_files.c.request_hash == bytes(request_hash), download_files.c.i == i)).first()
        return None if row is None else (row.name, bytes(row.data))

    def files(self, request_hash: HashedId8) -> set[int]:
        """The i of every file of the request already downloadable."""
        with self.engine.connect() as connection:
            return set(connection.execute(select(download_files.c.i).where(
                download_files.c.request_hash == bytes(request_hash))).scalars())
