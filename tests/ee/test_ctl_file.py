"""Reading the CTL download (1609.2.1 clause 8.6): a stored zip of `ctl_<series>_<n>.oer` entries or one CTL; every
defect is 400-42 before any CTL is trusted."""

from __future__ import annotations

import io
import zipfile

import pytest

from scms.dot2.errors import Ieee1609Error
from scms.ee.ctl_file import MAX_CTL_BYTES, read_ctl_file
from scms.protocol.ctl import parse_ctl

from ._pki import Pki


def _zip(entries: dict[str, bytes], compression: int = zipfile.ZIP_STORED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_a_zip_or_a_single_ctl(pki: Pki) -> None:
    series = parse_ctl(pki.new.ctl).series_id
    name = f"ctl_{series.hex()}_1.oer"
    assert [c.raw for c in read_ctl_file(_zip({name: pki.new.ctl}), series)] == [pki.new.ctl]
    assert [c.raw for c in read_ctl_file(pki.new.ctl, series)] == [pki.new.ctl]


@pytest.mark.parametrize("defect", ["compressed", "name", "series", "twice", "garbage", "empty", "large"])
def test_defects_are_400_42(pki: Pki, defect: str) -> None:
    ctl = pki.new.ctl
    series = parse_ctl(ctl).series_id
    name = f"ctl_{series.hex()}_1.oer"
    data = {
        "compressed": _zip({name: ctl}, zipfile.ZIP_DEFLATED),
        "name": _zip({"../ctl.oer": ctl}),
        "series": ctl,
        "twice": _zip({name: ctl, f"ctl_{series.hex()}_01.oer": ctl}),
        "garbage": b"PK\x03\x04 not a zip",
        "empty": _zip({}),
        "large": _zip({name: ctl + bytes(MAX_CTL_BYTES)}),
    }[defect]
    with pytest.raises(Ieee1609Error) as refused:
        read_ctl_file(data, bytes(8) if defect == "series" else series)
    assert refused.value.header_value == "400-42"
