"""Download files of the RA (1609.2.1 clause 8.2; standards notes §11): their names and the batch zip layout.

* butterfly batch, one per i-period: `<requestHash 16 hex>_<i hex>.zip`, a zip (stored) holding `<i hex>.info`
  first, then one `<i hex>_<j hex>` entry per certificate;
* non-butterfly certificate: `<requestHash 16 hex>`, the ACA's response SPDU unchanged;
* successor enrollment: `<requestHash 16 hex>_enroll.oer`, the ECA's `EcaEeCertResponseSpdu` unchanged.

Names are written in lower-case hex (minimal length for i and j) and read case-insensitively; i is always hex.
The `x.info` entry is an `RaEeCertInfoSpdu` for that i; each `<i>_<j>` entry is the ACA's
`AcaEeCertResponse{Plain|Private|Cubk}Spdu` for (i, j), byte for byte. The zip is built deterministically (fixed
timestamps, entries in j order, ZIP_STORED), so building it again from the same responses gives the same bytes.
Reading is bounded (entry count and size) and strict: a compressed entry, an unexpected name, a duplicate or an
info for another request or i is 400-42.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from scms.crypto import HashedId8
from scms.dot2.errors import ErrorCode, Ieee1609Error
from scms.dot2.time import IValue
from scms.protocol.ee_ra_ack import CertInfo, build_cert_info, read_cert_info

__all__ = [
    "MAX_BATCH_ENTRIES",
    "MAX_ENTRY_BYTES",
    "Batch",
    "DownloadFile",
    "batch_filename",
    "build_batch_zip",
    "certificate_filename",
    "enrollment_filename",
    "entry_name",
    "info_name",
    "parse_download_filename",
    "read_batch_zip",
]

MAX_BATCH_ENTRIES = 4096
"""More certificates than any i-period needs (1609.2.1 ra-maxPreloadTime aside, 20 to a few hundred per week)."""
MAX_ENTRY_BYTES = 16_384
"""An ACA response SPDU is a few hundred bytes; this bounds what a hostile zip can make us read."""

_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_HASH = r"(?P<hash>[0-9a-fA-F]{16})"
_ENTRY = re.compile(r"(?P<i>[0-9a-fA-F]{1,4})_(?P<j>[0-9a-fA-F]{1,8})")

FileKind = Literal["batch", "enrollment", "certificate"]
_NAMES: tuple[tuple[FileKind, re.Pattern[str]], ...] = (
    ("batch", re.compile(_HASH + r"_(?P<i>[0-9a-fA-F]{1,4})\.zip")),
    ("enrollment", re.compile(_HASH + r"_enroll\.oer")),
    ("certificate", re.compile(_HASH)),
)


def batch_filename(request_hash: HashedId8, i: int) -> str:
    """`<requestHash>_<i>.zip`, e.g. `cfcf7aecd37bd940_1a2.zip`."""
    return f"{request_hash.hex()}_{int(IValue(i)):x}.zip"


def enrollment_filename(request_hash: HashedId8) -> str:
    """`<requestHash>_enroll.oer`: the successor enrollment response."""
    return f"{request_hash.hex()}_enroll.oer"


def certificate_filename(request_hash: HashedId8) -> str:
    """`<requestHash>`: the one response of a non-butterfly request (the CAMP form; docs/conformance.md)."""
    return request_hash.hex()


def info_name(i: int) -> str:
    """`<i>.info`: the RaEeCertInfoSpdu entry, first in the batch zip."""
    return f"{int(IValue(i)):x}.info"


def entry_name(i: int, j: int) -> str:
    """`<i>_<j>`: the (i, j) certificate response entry."""
    if not 0 <= j <= 0xFFFFFFFF:
        raise ValueError(f"j out of range: {j}")
    return f"{int(IValue(i)):x}_{j:x}"


@dataclass(frozen=True)
class DownloadFile:
    """A parsed download file name."""

    kind: FileKind
    request_hash: HashedId8
    i: IValue | None = None


def parse_download_filename(name: str) -> DownloadFile:
    """Which file `name` names; 400-42 for a name of no known form."""
    for kind, pattern in _NAMES:
        match = pattern.fullmatch(name)
        if match:
            i = match.groupdict().get("i")
            request_hash = HashedId8(bytes.fromhex(match["hash"]))
            return DownloadFile(kind, request_hash, None if i is None else IValue(int(i, 16)))
    raise Ieee1609Error(ErrorCode.FAILED_PARSING, f"not a download file name: {name[:80]!r}")


def build_batch_zip(info: CertInfo, responses: Mapping[int, bytes]) -> bytes:
    """RA: the batch zip for `info.current_i`: `x.info` then the response of each j (stored, in j order)."""
    if not responses or len(responses) > MAX_BATCH_ENTRIES:
        raise ValueError(f"a batch holds 1 to {MAX_BATCH_ENTRIES} responses")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr(zipfile.ZipInfo(info_name(info.current_i), _ZIP_TIME), build_cert_info(info))
        for j in sorted(responses):
            archive.writestr(zipfile.ZipInfo(entry_name(info.current_i, j), _ZIP_TIME), responses[j])
    return buffer.getvalue()


@dataclass(frozen=True)
class Batch:
    """A read batch zip: its info and the response SPDU of each j."""

    info: CertInfo
    responses: dict[int, bytes]


def _fail(detail: str) -> Ieee1609Error:
    return Ieee1609Error(ErrorCode.FAILED_PARSING, f"batch zip: {detail}")


def read_batch_zip(data: bytes, request_hash: HashedId8 | None = None) -> Batch:
    """EE: read a batch zip (bounded, strict); with `request_hash`, its info must name that request."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise _fail(str(exc)) from None
    with archive:
        members = archive.infolist()
        if not members or len(members) > MAX_BATCH_ENTRIES + 1:
            raise _fail(f"{len(members)} entries")
        if any(m.compress_type != zipfile.ZIP_STORED or m.file_size > MAX_ENTRY_BYTES for m in members):
            raise _fail("entries must be stored (not compressed) and small")
        info = read_cert_info(_read(archive, members[0]))
        if members[0].filename != info_name(info.current_i):
            raise _fail(f"the first entry is {members[0].filename!r}, not {info_name(info.current_i)!r}")
        if request_hash is not None and info.request_hash != request_hash:
            raise _fail(f"the info names request {info.request_hash}, not {request_hash}")
        responses: dict[int, bytes] = {}
        for member in members[1:]:
            match = _ENTRY.fullmatch(member.filename)
            if match is None or int(match["i"], 16) != info.current_i:
                raise _fail(f"unexpected entry {member.filename[:40]!r}")
            j = int(match["j"], 16)
            if j in responses:
                raise _fail(f"duplicate entry for j = {j}")
            responses[j] = _read(archive, member)
    return Batch(info, responses)


def _read(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bytes:
    try:
        return archive.read(member)
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise _fail(f"{member.filename[:40]!r}: {exc}") from None
