"""Reading what `GET {ra}/v3/ctl?ctlSeriesId=...&ctlSequenceNumber=n` serves (1609.2.1 clauses 6.3.5.11 and 8.6;
standards notes §9): a zip, stored without compression, of `ctl_<ctlSeriesId>_<sequenceNumber>.oer` entries, each a
COER `MultiSignedCtlSpdu`, from number n to the latest. A single COER CTL (not zipped) is accepted too.

Reading is bounded (entry count and size) and strict: a compressed or nested entry, a name of another form, two
entries for one number, or an entry of another series is 400-42. Nothing here verifies a signature: the CTLs come
back in sequence-number order for `scms.protocol.follow_ctl`.
"""

from __future__ import annotations

import io
import re
import zipfile

from scms.dot2.errors import ErrorCode, Ieee1609Error
from scms.protocol.ctl import Ctl, parse_ctl

__all__ = ["MAX_CTL_BYTES", "MAX_CTL_ENTRIES", "read_ctl_file"]

MAX_CTL_ENTRIES = 1024
"""More CTLs than a series issues in decades."""
MAX_CTL_BYTES = 262_144
"""A CTL holds a few elector and root CA certificates and signatures: a few kilobytes."""

_NAME = re.compile(r"ctl_(?P<series>[0-9a-fA-F]{16})_(?P<seq>[0-9]{1,5}|[0-9a-fA-F]{1,4})\.oer")
_ZIP = b"PK\x03\x04"


def _fail(detail: str) -> Ieee1609Error:
    return Ieee1609Error(ErrorCode.FAILED_PARSING, f"CTL file: {detail}")


def _entries(data: bytes) -> list[tuple[str, bytes]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as error:
        raise _fail(str(error)) from None
    with archive:
        members = archive.infolist()
        if not members or len(members) > MAX_CTL_ENTRIES:
            raise _fail(f"{len(members)} entries")
        if any(m.compress_type != zipfile.ZIP_STORED or m.file_size > MAX_CTL_BYTES for m in members):
            raise _fail("entries must be stored (not compressed) and small")
        try:
            return [(m.filename, archive.read(m)) for m in members]
        except (zipfile.BadZipFile, ValueError, OSError) as error:
            raise _fail(str(error)) from None


def read_ctl_file(data: bytes, series_id: bytes) -> tuple[Ctl, ...]:
    """The CTLs of series `series_id` in a CTL download, parsed (not verified), in sequence-number order."""
    if not data.startswith(_ZIP):
        ctls = [parse_ctl(data)]
    else:
        ctls = []
        for name, entry in _entries(data):
            if _NAME.fullmatch(name) is None:
                raise _fail(f"unexpected entry {name[:60]!r}")
            ctls.append(parse_ctl(entry))
    numbers = [ctl.sequence_number for ctl in ctls]
    if len(set(numbers)) != len(numbers):
        raise _fail("two CTLs with one sequence number")
    if any(ctl.series_id != series_id for ctl in ctls):
        raise _fail(f"a CTL of another series than {series_id.hex()}")
    return tuple(sorted(ctls, key=lambda ctl: ctl.sequence_number))
