"""Downloads (1609.2.1 clauses 6.3.5.3, 6.3.5.5, 8.2): the authenticated download request, the file names and the
batch zip."""

from __future__ import annotations

import base64
import io
import warnings
import zipfile
from typing import Any

import pytest

from scms import asn1
from scms.crypto import HashedId8, SoftwareKey
from scms.dot2.certificate import Certificate
from scms.dot2.errors import Ieee1609Error
from scms.dot2.spdu import (
    HeaderInfo,
    Ieee1609Dot2Data,
    SignerCertificate,
    SignerForm,
    SignerSelf,
    sign_data,
    unsecured,
)
from scms.dot2.time import IValue, Time32
from scms.protocol.download_files import (
    MAX_ENTRY_BYTES,
    DownloadFile,
    batch_filename,
    build_batch_zip,
    certificate_filename,
    enrollment_filename,
    entry_name,
    info_name,
    parse_download_filename,
    read_batch_zip,
)
from scms.protocol.ee_ra_ack import CertInfo, build_cert_info
from scms.protocol.ee_ra_download import DownloadRequest, build_download_request, open_download_request
from scms.protocol.ra_receiver import seal_for_ra

from ._ee_fixtures import NOW, EePki, check_time_rules, code, enrol, make_ee_pki, receiver

LATER = Time32(NOW + 20)
REQUEST = HashedId8(bytes.fromhex("cfcf7aecd37bd940"))


@pytest.fixture(scope="module")
def pki() -> EePki:
    return make_ee_pki()


def _open(pki: EePki, header: str, now: Time32 = LATER, max_age: int | None = 60, **kwargs: Any) -> DownloadRequest:
    return open_download_request(header, receiver(pki, **kwargs), now, max_age=max_age)


# --- the download request ------------------------------------------------------------------------------------


def test_download_request_round_trip(pki: EePki) -> None:
    ee = enrol(pki)
    name = batch_filename(REQUEST, 418)
    header = build_download_request(name, ee.private_key, ee.certificate, pki.ra.cert, NOW)
    spdu = base64.b64decode(header, validate=True)
    ((kind, info),) = Ieee1609Dot2Data.from_bytes(spdu).expect("encryptedData")["recipients"]
    assert (kind, info["recipientId"]) == ("certRecipInfo", pki.ra.cert.hashed_id8())
    seen: list[tuple[Certificate, Time32]] = []
    request = _open(pki, header, check=lambda cert, now: seen.append((cert, now)))
    assert request.filename == name
    assert request.generation_time == NOW
    assert request.enrollment_certificate == ee.certificate
    assert request.enrollment_id == ee.certificate.hashed_id8()
    assert seen == [(ee.certificate, LATER)]


def _signed(pki: EePki, psid: int = 35, signer: SignerForm | None = None, key: SoftwareKey | None = None) -> bytes:
    ee = enrol(pki)
    pdu = asn1.encode("ScmsPdu", {"version": 2, "content": ("ee-ra", ("eeRaDownloadRequest", {
        "generationTime": int(NOW), "filename": "x",
    }))})
    form = SignerCertificate(ee.certificate) if signer is None else signer
    return sign_data(unsecured(pdu), header=HeaderInfo(psid=psid), key=key or ee.private_key, signer=form)


def _header(spdu: bytes) -> str:
    return base64.b64encode(spdu).decode()


def test_not_base64_or_too_long_is_400_42(pki: EePki) -> None:
    for header in ("not base64!", "A" * 10_000, base64.b64encode(b"\x03\x82junk").decode()):
        with pytest.raises(Ieee1609Error) as error:
            _open(pki, header)
        assert code(error) == "400-42"


def test_signed_but_not_encrypted_is_400_10(pki: EePki) -> None:
    with pytest.raises(Ieee1609Error) as error:
        _open(pki, _header(_signed(pki)))
    assert code(error) == "400-10"
    assert _open(pki, _header(seal_for_ra(_signed(pki), pki.ra.cert))).filename == "x"


def test_for_another_ra_is_400_81(pki: EePki) -> None:
    ee = enrol(pki)
    header = build_download_request("x", ee.private_key, ee.certificate, make_ee_pki().ra.cert, NOW)
    with pytest.raises(Ieee1609Error) as error:
        _open(pki, header)
    assert code(error) == "400-81"


def test_undecryptable_is_400_41(pki: EePki) -> None:
    ee = enrol(pki)
    header = build_download_request("x", ee.private_key, ee.certificate, pki.ra.cert, NOW)
    with pytest.raises(Ieee1609Error) as error:
        _open(pki, header, key=SoftwareKey.generate())
    assert code(error) == "400-41"


def test_signed_with_another_key_is_400_43(pki: EePki) -> None:
    spdu = seal_for_ra(_signed(pki, key=SoftwareKey.generate()), pki.ra.cert)
    with pytest.raises(Ieee1609Error) as error:
        _open(pki, _header(spdu))
    assert code(error) == "400-43"


def test_wrong_psid_or_signer_form_is_400_42(pki: EePki) -> None:
    with pytest.raises(Ieee1609Error, match="psid 36") as error:
        _open(pki, _header(seal_for_ra(_signed(pki, psid=36), pki.ra.cert)))
    assert code(error) == "400-42"
    key = SoftwareKey.generate()
    self_signed = seal_for_ra(_signed(pki, signer=SignerSelf(), key=key), pki.ra.cert)
    with pytest.raises(Ieee1609Error, match="signer self") as error:  # no key to check a self signature with
        _open(pki, _header(self_signed))
    assert code(error) == "400-40"


def test_generation_time_rules(pki: EePki) -> None:
    ee = enrol(pki)
    header = build_download_request("x", ee.private_key, ee.certificate, pki.ra.cert, NOW)
    check_time_rules(lambda now: _open(pki, header, now=now, max_age=30), NOW, 30, "400-74")


def test_enrollment_certificate_outside_its_validity_is_400_712(pki: EePki) -> None:
    ee = enrol(pki)
    end = Time32(ee.certificate.validity.end + 1)
    header = build_download_request("x", ee.private_key, ee.certificate, pki.ra.cert, end)
    with pytest.raises(Ieee1609Error) as error:
        _open(pki, header, now=end)
    assert code(error) == "400-712"


def test_filename_length_is_bounded(pki: EePki) -> None:
    ee = enrol(pki)
    with pytest.raises(ValueError, match="255"):
        build_download_request("é" * 128, ee.private_key, ee.certificate, pki.ra.cert, NOW)


# --- file names ----------------------------------------------------------------------------------------------


def test_file_names() -> None:
    assert batch_filename(REQUEST, 0x1A2) == "cfcf7aecd37bd940_1a2.zip"
    assert enrollment_filename(REQUEST) == "cfcf7aecd37bd940_enroll.oer"
    assert certificate_filename(REQUEST) == "cfcf7aecd37bd940"
    assert info_name(15) == "f.info"
    assert entry_name(0x1A2, 19) == "1a2_13"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("cfcf7aecd37bd940_1a2.zip", DownloadFile("batch", REQUEST, IValue(0x1A2))),
        ("CFCF7AECD37BD940_F.zip", DownloadFile("batch", REQUEST, IValue(15))),
        # i is hex, always: "2000" is 0x2000 (OpenSCMS reads it as decimal)
        ("cfcf7aecd37bd940_2000.zip", DownloadFile("batch", REQUEST, IValue(0x2000))),
        ("cfcf7aecd37bd940_enroll.oer", DownloadFile("enrollment", REQUEST)),
        ("cfcf7aecd37bd940", DownloadFile("certificate", REQUEST)),
    ],
)
def test_parse_download_filename(name: str, expected: DownloadFile) -> None:
    assert parse_download_filename(name) == expected


@pytest.mark.parametrize(
    "name",
    ["", "cfcf7aecd37bd94_1.zip", "cfcf7aecd37bd940_10000.zip", "cfcf7aecd37bd940_g.zip", "../cfcf7aecd37bd940",
     "cfcf7aecd37bd940_enroll.zip", "cfcf7aecd37bd940.zip", "cfcf7aecd37bd940_1.zip/x"],
)
def test_unknown_file_names_are_400_42(name: str) -> None:
    with pytest.raises(Ieee1609Error) as error:
        parse_download_filename(name)
    assert code(error) == "400-42"


# --- batch zip -----------------------------------------------------------------------------------------------

INFO = CertInfo(REQUEST, IValue(0x1A2), Time32(NOW + 604_800), NOW)
RESPONSES = {j: bytes([j]) * 200 for j in (0, 1, 19)}


def test_batch_zip_round_trip_and_layout() -> None:
    data = build_batch_zip(INFO, RESPONSES)
    assert data == build_batch_zip(INFO, dict(reversed(list(RESPONSES.items()))))  # deterministic
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        assert names == ["1a2.info", "1a2_0", "1a2_1", "1a2_13"]
        assert {m.compress_type for m in archive.infolist()} == {zipfile.ZIP_STORED}
        assert archive.read("1a2.info") == build_cert_info(INFO)
    batch = read_batch_zip(data, REQUEST)
    assert batch.info == INFO
    assert batch.responses == RESPONSES


def _zip(entries: list[tuple[str, bytes]], compression: int = zipfile.ZIP_STORED) -> bytes:
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns on a duplicate name, which one test needs
        with zipfile.ZipFile(buffer, "w", compression) as archive:
            for name, content in entries:
                archive.writestr(name, content)
    return buffer.getvalue()


_GOOD_INFO = ("1a2.info", build_cert_info(INFO))


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (b"PK\x03\x04 not really", "not a zip"),
        (_zip([]), "0 entries"),
        (_zip([("1a2_0", b"x"), _GOOD_INFO]), "info not first"),
        (_zip([("1a3.info", build_cert_info(INFO))]), "info named for another i"),
        (_zip([_GOOD_INFO, ("1a3_0", b"x")]), "entry for another i"),
        (_zip([_GOOD_INFO, ("1a2_0", b"x"), ("1a2_0", b"y")]), "duplicate j"),
        (_zip([_GOOD_INFO, ("1a2_0.cert", b"x")]), "unexpected name"),
        (_zip([_GOOD_INFO, ("1a2_0", b"x" * 100)], zipfile.ZIP_DEFLATED), "compressed"),
        (_zip([_GOOD_INFO, ("1a2_0", bytes(MAX_ENTRY_BYTES + 1))]), "too large"),
        (_zip([("1a2.info", b"\x03\x80\x01\x00")]), "info is not an RaEeCertInfoSpdu"),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_bad_batch_zips_are_400_42(data: bytes, why: str) -> None:
    """Without these checks a hostile or broken RA could make the EE read a zip bomb (compressed or huge entries),
    mix batches of two i-periods or two requests, or hide a second response for one (i, j)."""
    with pytest.raises(Ieee1609Error) as error:
        read_batch_zip(data)
    assert code(error) == "400-42", why


def test_batch_for_another_request_is_400_42() -> None:
    with pytest.raises(Ieee1609Error, match="names request") as error:
        read_batch_zip(build_batch_zip(INFO, RESPONSES), HashedId8.of(b"other"))
    assert code(error) == "400-42"


def test_batch_builder_bounds() -> None:
    with pytest.raises(ValueError, match="1 to"):
        build_batch_zip(INFO, {})
    with pytest.raises(ValueError, match="j out of range"):
        entry_name(1, -1)


def test_corrupt_entry_is_400_42() -> None:
    data = bytearray(build_batch_zip(INFO, RESPONSES))
    at = bytes(data).index(RESPONSES[1])  # the stored bytes of entry j = 1
    data[at + 10] ^= 0xFF
    with pytest.raises(Ieee1609Error, match="1a2_1") as error:  # its CRC-32 no longer matches
        read_batch_zip(bytes(data))
    assert code(error) == "400-42"
