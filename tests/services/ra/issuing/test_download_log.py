"""download-maxReqs (400-75) and download-minWait (400-76) in the RA's database, on SQLite and PostgreSQL: counted
per enrollment certificate over 7 x 24 h of generationTime, refused requests not recorded, old rows forgotten,
and the limit held when requests of one certificate arrive together."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, func, select

from scms.crypto import HashedId8
from scms.dot2.errors import Ieee1609Error
from scms.dot2.time import Time32
from scms.services.common import migrate_to_head
from scms.services.ra.authorization_store import RATE_WINDOW, RaLimits
from scms.services.ra.authorization_tables import download_requests
from scms.services.ra.download_log import DownloadLog

T = 700_000_000
ONE, TWO = HashedId8(b"\x01" * 8), HashedId8(b"\x02" * 8)


@pytest.fixture
def log(engine: Engine) -> Iterator[DownloadLog]:
    migrate_to_head(engine, "ra")
    yield DownloadLog(engine)


def refused(log: DownloadLog, who: HashedId8, at: int, limits: RaLimits) -> str:
    with pytest.raises(Ieee1609Error) as caught:
        log.admit(who, Time32(at), limits)
    return caught.value.header_value


def rows(log: DownloadLog, who: HashedId8) -> int:
    with log.engine.connect() as connection:
        query = select(func.count()).select_from(download_requests).where(
            download_requests.c.enrollment_id == bytes(who))
        return int(connection.execute(query).scalar_one())


def test_max_reqs_counts_per_enrollment_certificate_over_the_window(log: DownloadLog) -> None:
    limits = RaLimits(max_reqs=2, min_wait=0)
    log.admit(ONE, Time32(T), limits)
    log.admit(ONE, Time32(T + 10), limits)
    assert refused(log, ONE, T + 20, limits) == "400-75"
    log.admit(TWO, Time32(T + 20), limits)                        # another enrollment certificate: its own count
    log.admit(ONE, Time32(T + RATE_WINDOW + 5), limits)            # T has left the window, T + 10 has not
    assert refused(log, ONE, T + RATE_WINDOW + 6, limits) == "400-75"
    assert rows(log, ONE) == 3                                     # refused requests are not recorded


def test_min_wait_is_the_time_since_the_latest_admitted_request(log: DownloadLog) -> None:
    limits = RaLimits(max_reqs=100, min_wait=60)
    log.admit(ONE, Time32(T), limits)
    assert refused(log, ONE, T + 59, limits) == "400-76"
    assert refused(log, ONE, T, limits) == "400-76"               # the same generationTime again (a replay)
    log.admit(ONE, Time32(T + 60), limits)
    log.admit(TWO, Time32(T + 61), limits)
    assert refused(log, ONE, T + 119, limits) == "400-76"         # measured from T + 60, not from T


def test_rows_older_than_two_windows_are_forgotten(log: DownloadLog) -> None:
    limits = RaLimits(max_reqs=100, min_wait=0)
    for at in (T, T + 1, T + 2):
        log.admit(ONE, Time32(at), limits)
    log.admit(TWO, Time32(T), limits)
    log.admit(ONE, Time32(T + 2 * RATE_WINDOW + 1), limits)
    assert rows(log, ONE) == 2 and rows(log, TWO) == 1            # T+2 stays (not older than two windows)


def test_the_limit_holds_when_requests_arrive_together(log: DownloadLog) -> None:
    limits = RaLimits(max_reqs=3, min_wait=0)
    outcomes: list[str] = []

    def admit(number: int) -> None:
        try:
            log.admit(ONE, Time32(T + number), limits)
            outcomes.append("admitted")
        except Ieee1609Error as error:
            outcomes.append(error.header_value)

    threads = [threading.Thread(target=admit, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["400-75"] * 5 + ["admitted"] * 3
    assert rows(log, ONE) == 3
