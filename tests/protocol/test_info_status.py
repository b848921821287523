"""Certificate management information status (1609.2.1 clause 8.7): sign by the RA, verify, file name."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from scms import asn1
from scms.crypto import HashedId8
from scms.dot2 import ErrorCode, Ieee1609Error
from scms.dot2.spdu import HeaderInfo, SignerCertificate, sign_data, unsecured
from scms.dot2.time import Time32, Time64
from scms.protocol import (
    CrlInfoStatus,
    CtlInfoStatus,
    InfoStatus,
    MaInfoStatus,
    info_status_file_name,
    sign_info_status,
    verify_info_status,
)

from ._trust_fixtures import NOW, SERIES, START, Party, Role, make_issued, make_root

STATUS = InfoStatus(
    crl=(CrlInfoStatus(HashedId8(bytes(range(8))), 1, Time32(START + 10)),),
    ctl=(CtlInfoStatus(SERIES, 4, Time32(START + 20)),),
    ca_ccf=Time32(START + 30),
    ma=(MaInfoStatus((32, 38), Time32(START + 40)),),
    ra=Time32(START + 25),
)


@dataclass(frozen=True)
class World:
    root: Party
    ica: Party
    ra: Party
    ma: Party


@pytest.fixture(scope="module")
def world() -> World:
    root = make_root()
    ica = make_issued(root, "ica.test", Role.ICA)
    return World(root, ica, make_issued(ica, "ra.test", Role.RA), make_issued(ica, "ma.test", Role.MA))


def test_round_trip(world: World) -> None:
    spdu = sign_info_status(STATUS, world.ra.key, world.ra.cert, NOW)
    assert asn1.encode("CertificateManagementInformationStatusSpdu", asn1.decode(
        "CertificateManagementInformationStatusSpdu", spdu)) == spdu
    verified = verify_info_status(spdu, [world.root.cert], NOW, intermediates=[world.ica.cert])
    assert verified.status == STATUS and verified.signer == world.ra.cert
    assert verified.header == HeaderInfo(35)  # the 2022 template: psid only
    assert STATUS.last_update == START + 40


def test_generation_time_on_request(world: World) -> None:
    spdu = sign_info_status(STATUS, world.ra.key, world.ra.cert, NOW, generation_time=True)
    verified = verify_info_status(spdu, [world.root.cert], NOW, intermediates=[world.ica.cert])
    assert verified.header == HeaderInfo(35, Time64.from_time32(NOW))
    with pytest.raises(Ieee1609Error) as caught:
        verify_info_status(spdu, [world.root.cert], Time32(NOW - 1), intermediates=[world.ica.cert])
    assert caught.value.error is ErrorCode.GENERATION_TIME_IN_FUTURE


def test_without_optional_parts(world: World) -> None:
    bare = InfoStatus(crl=(), ctl=(), ca_ccf=Time32(START))
    spdu = sign_info_status(bare, world.ra.key, world.ra.cert, NOW)
    assert verify_info_status(spdu, [world.root.cert], NOW, intermediates=[world.ica.cert]).status == bare


def test_signer_must_be_an_ra_or_dc(world: World) -> None:
    with pytest.raises(Ieee1609Error, match="neither an RA nor a DC"):
        sign_info_status(STATUS, world.ma.key, world.ma.cert, NOW)
    pdu = asn1.encode("ScmsPdu", {"version": 2, "content": ("cert", ("infoStatus", STATUS.to_coer()))})
    by_ma = sign_data(unsecured(pdu), header=HeaderInfo(35), key=world.ma.key, signer=SignerCertificate(world.ma.cert))
    with pytest.raises(Ieee1609Error, match="neither an RA nor a DC") as caught:
        verify_info_status(by_ma, [world.root.cert], NOW, intermediates=[world.ica.cert])
    assert caught.value.error is ErrorCode.FAILED_CHAIN_VERIFICATION
    with pytest.raises(ValueError, match="key does not belong"):
        sign_info_status(STATUS, world.ma.key, world.ra.cert, NOW)


def test_chain_and_signature_are_checked(world: World) -> None:
    spdu = sign_info_status(STATUS, world.ra.key, world.ra.cert, NOW)
    with pytest.raises(Ieee1609Error) as caught:
        verify_info_status(spdu, [make_root("other.test").cert], NOW, intermediates=[world.ica.cert])
    assert caught.value.error is ErrorCode.FAILED_CHAIN_VERIFICATION
    tampered = spdu[:-1] + bytes([spdu[-1] ^ 1])
    with pytest.raises(Ieee1609Error) as caught:
        verify_info_status(tampered, [world.root.cert], NOW, intermediates=[world.ica.cert])
    assert caught.value.error is ErrorCode.FAILED_SIGNATURE_VERIFICATION


def test_file_name() -> None:
    moment = Time32.from_datetime(dt.datetime(2026, 3, 1, 12, 34, 56, tzinfo=dt.UTC))
    assert info_status_file_name("ra.example.com", moment) == (
        "scms-management-infostatus_ra.example.com_20260301T12:34:56Z.oer"
    )
    for host in ("http://ra.example.com/v3/", "ra.example.com:8443", "-ra.example", "", "ra..example", "a" * 64):
        with pytest.raises(ValueError, match="not a DNS host name"):
            info_status_file_name(host, moment)
