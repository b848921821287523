"""Building, signing, assembling and reading a full IEEE CTL (1609.2.1 clause 8 MultiSignedCtl)."""

from __future__ import annotations

import hashlib
from dataclasses import replace

import pytest

from scms import asn1
from scms.crypto import HashedId32, HashedId48
from scms.dot2 import ErrorCode, Ieee1609Error, verify_signed
from scms.dot2.lint import LintError
from scms.dot2.time import Time32
from scms.protocol import TbsCtl, assemble_ctl, build_tbs_ctl, parse_ctl, parse_ctl_signature, sign_ctl

from ._trust_fixtures import NOW, SERIES, START, Curve, Party, Role, make_ctl, make_elector, make_issued, make_root

ELECTOR_ID = HashedId48(bytes(range(48)))
ROOT_ID = HashedId32(bytes(range(100, 132)))


def _tbs(**changes: object) -> TbsCtl:
    base = TbsCtl(SERIES, 7, Time32(0x01020304), (ELECTOR_ID,), (), (ROOT_ID,), (), 1)
    return replace(base, **changes)  # type: ignore[arg-type]


def test_tbs_ctl_layout() -> None:
    tbs = build_tbs_ctl(
        SERIES, 7, Time32(0x01020304), elector_approve=[ELECTOR_ID], root_ca_approve=[ROOT_ID], quorum=1
    )
    expected = (
        "80"  # preamble: the extension bit is set (quorum follows the marker), no OPTIONAL components
        "01"  # type fullIeeeCtl
        + SERIES.hex()
        + "0007"  # sequenceNumber
        + "01020304"  # effectiveDate
        + "0101" + ELECTOR_ID.hex()  # electorApprove: quantity (length 1, value 1), then the HashedId48
        + "0100"  # electorRemove: empty
        + "0101" + ROOT_ID.hex()  # rootCaApprove
        + "0100"  # rootCaRemove
        + "020780"  # extension bitmap: 2 octets, 7 unused bits, quorum present
        + "020101"  # quorum as an open type: 2 octets holding INTEGER 1 (length 1, value 1)
    )
    assert tbs.hex() == expected
    parsed = TbsCtl.from_bytes(tbs)
    assert parsed == _tbs(quorum=1)
    assert parsed.to_bytes() == tbs


def test_tbs_ctl_without_quorum_reads_as_absent() -> None:
    """A generator predating the quorum field leaves it out; the reader says None (carry the previous one over)."""
    old = _tbs(quorum=None).to_bytes()
    assert old[0] == 0x00 and TbsCtl.from_bytes(old).quorum is None


@pytest.mark.parametrize(
    ("changes", "rule"),
    [
        ({"quorum": 0}, "ctl_quorum_range"),
        ({"quorum": 2}, "ctl_quorum_range"),  # one approved elector
        ({"quorum": None}, "ctl_quorum_present"),
        ({"series_id": bytes(8)}, "ctl_series_id"),
        ({"series_id": b"\x01" * 7}, "ctl_series_id"),
        ({"sequence_number": 65536}, "ctl_sequence_number"),
        ({"elector_remove": (ELECTOR_ID,)}, "ctl_lists_disjoint"),
        ({"root_ca_remove": (ROOT_ID,)}, "ctl_lists_disjoint"),
        ({"elector_approve": (ELECTOR_ID, ELECTOR_ID)}, "ctl_lists_unique"),
    ],
)
def test_build_lints(changes: dict[str, object], rule: str) -> None:
    tbs = _tbs(**changes)
    with pytest.raises(LintError) as caught:
        build_tbs_ctl(
            tbs.series_id,
            tbs.sequence_number,
            tbs.effective_date,
            elector_approve=tbs.elector_approve,
            elector_remove=tbs.elector_remove,
            root_ca_approve=tbs.root_ca_approve,
            root_ca_remove=tbs.root_ca_remove,
            quorum=tbs.quorum,  # type: ignore[arg-type]
        )
    assert rule in str(caught.value) and caught.value.error is ErrorCode.FAILED_CHAIN_VERIFICATION


@pytest.fixture(scope="module")
def electors() -> list[Party]:
    return [make_elector(f"elector{i}.test") for i in range(3)]


@pytest.fixture(scope="module")
def root() -> Party:
    return make_root()


def _tbs_for(electors: list[Party], root: Party, quorum: int = 2) -> bytes:
    approve = [e.elector_id for e in electors]
    return build_tbs_ctl(SERIES, 1, START, elector_approve=approve, root_ca_approve=[root.root_id], quorum=quorum)


@pytest.mark.parametrize("curve", [Curve.P384, Curve.BRAINPOOL_P384R1])
def test_sign_ctl(curve: Curve, electors: list[Party], root: Party) -> None:
    elector = make_elector(curve=curve)
    tbs = _tbs_for([elector, *electors], root)
    spdu = sign_ctl(tbs, elector.key, elector.cert, NOW)
    signature = parse_ctl_signature(spdu)
    assert (signature.series_id, signature.ctl_type, signature.sequence_number) == (SERIES, 1, 1)
    assert signature.tbs_ctl_hash == hashlib.sha384(tbs).digest()
    assert signature.hash_algorithm == "sha384" and signature.signer == elector.cert
    signed = asn1.decode("CtlSignatureSpdu", spdu)["content"][1]
    assert signed["tbsData"]["headerInfo"] == {"psid": 35}  # the 2022 template: psid only
    assert signed["signer"][0] == "certificate" and len(signed["signer"][1]) == 1
    assert verify_signed(spdu).signer.certificate == elector.cert
    assert asn1.encode("CtlSignatureSpdu", asn1.decode("CtlSignatureSpdu", spdu)) == spdu


def test_sign_ctl_refusals(electors: list[Party], root: Party) -> None:
    tbs = _tbs_for(electors, root)
    p256 = make_elector("p256.test", curve=Curve.P256)
    ica = make_issued(root, "ica", Role.ICA)
    for signer, detail in ((p256, "384-bit"), (root, "not elector"), (ica, "not elector")):
        with pytest.raises(Ieee1609Error) as caught:
            sign_ctl(tbs, signer.key, signer.cert, NOW)
        assert caught.value.error is ErrorCode.FAILED_CHAIN_VERIFICATION and detail in caught.value.detail
    with pytest.raises(ValueError, match="key does not belong"):
        sign_ctl(tbs, electors[1].key, electors[0].cert, NOW)
    with pytest.raises(Ieee1609Error, match="not valid at"):
        sign_ctl(tbs, electors[0].key, electors[0].cert, Time32(START + 11 * 366 * 86400))
    unlinted = _tbs(quorum=5).to_bytes()
    with pytest.raises(LintError, match="ctl_quorum_range"):
        sign_ctl(unlinted, electors[0].key, electors[0].cert, NOW)


def test_assemble_and_parse(electors: list[Party], root: Party) -> None:
    ctl = make_ctl(1, electors, [root], electors[:2], quorum=2)
    assert ctl[:2] == b"\x03\x80"  # Ieee1609Dot2Data v3, unsecuredData
    parsed = parse_ctl(ctl)
    fields = (parsed.series_id, parsed.sequence_number, parsed.effective_date, parsed.quorum)
    assert fields == (SERIES, 1, START + 1000, 2)
    assert parsed.tbs.elector_approve == tuple(e.elector_id for e in electors)
    assert parsed.tbs.root_ca_approve == (root.root_id,)
    assert parsed.certificates == (root.cert, *(e.cert for e in electors))
    assert [s.signer for s in parsed.signatures] == [electors[0].cert, electors[1].cert]
    assert parsed.certificate(electors[2].elector_id) == electors[2].cert
    assert parsed.certificate(root.root_id) == root.cert
    assert parsed.certificate(bytes(48)) is None
    # byte-exact round trips: through the codec, and through our own parse and assemble
    assert asn1.encode("MultiSignedCtlSpdu", asn1.decode("MultiSignedCtlSpdu", ctl)) == ctl
    again = assemble_ctl(parsed.tbs_bytes, [s.raw for s in parsed.signatures], parsed.certificates)
    assert again == ctl
    payload = asn1.decode("Ieee1609Dot2Data", ctl)["content"][1]
    assert payload[:3] == b"\x02\x84\x82"  # ScmsPdu version 2, cert, multiSignedCtl


def test_assemble_refusals(electors: list[Party], root: Party) -> None:
    tbs = _tbs_for(electors, root)
    sig = [sign_ctl(tbs, e.key, e.cert, NOW) for e in electors]
    members = [root.cert, *(e.cert for e in electors)]
    other_root = make_root("other-root.test")
    other_tbs = _tbs_for(electors, root, quorum=3)
    cases = [
        ([], members, "at least one signature"),
        ([sig[0], sig[1], sig[0]], members, "signed twice"),
        (sig, [*members, other_root.cert], "not approved"),
        (sig, [*members, electors[0].cert], "given twice"),
        (sig, members[:-1], "no certificate given"),
        (sig, [*members, make_issued(root, "ica.test", Role.ICA).cert], "neither an elector nor a root"),
        ([sign_ctl(other_tbs, electors[0].key, electors[0].cert, NOW)], members, "tbsCtlHash"),
    ]
    for signatures, certificates, detail in cases:
        with pytest.raises(Ieee1609Error, match=detail):
            assemble_ctl(tbs, signatures, certificates)


def test_parse_refuses_other_structures(electors: list[Party], root: Party) -> None:
    tbs = _tbs_for(electors, root)
    signature = sign_ctl(tbs, electors[0].key, electors[0].cert, NOW)
    for data, detail in ((signature, "expected unsecuredData"), (tbs, "Ieee1609Dot2Data")):
        with pytest.raises(Ieee1609Error, match=detail) as caught:
            parse_ctl(data)
        assert caught.value.error is ErrorCode.FAILED_PARSING
    with pytest.raises(Ieee1609Error, match="expected signedData"):
        parse_ctl_signature(make_ctl(1, electors, [root], electors[:1], quorum=1))
