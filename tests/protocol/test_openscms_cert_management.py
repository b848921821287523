"""The OpenSCMS certificate-management files (shared vectors, openscms/): composite CRL, CCF and CMIS.

Read with our parsers and written back byte for byte; the hash relationships checked independently (hashlib,
ECDSA over the bytes as carried); and what our verifiers say about them. OpenSCMS departs from the standard in
these files (standards notes §13, items 5-8), so each departure is pinned here as a fact about the data:

* composite CRL: the CTL's tbsCtlHash is SHA-384 of the tbsCtl open-type contents and its root CA ids are the
  SHA-256 of the root certificates, as the standard says; but its elector ids and the elector signatures hash the
  elector certificates as received, with uncompressed points (1609.2 clause 6.1.2 hashes the canonical, compressed
  form), the signatures are labelled hashId sha256 while made with SHA-384 on brainpoolP384r1, and the elector
  certificates carry no SecurityMgmtSsp;
* CCF: the CTL's elector and root ids are not hashes of any certificate, the signatures are made by three electors
  but all name elector 3, with PSID 111111; the root certificate has no certIssuePermissions;
* CMIS: Unix times where Time32 belongs.
"""

from __future__ import annotations

import hashlib

import pytest

from scms import asn1
from scms.crypto import HashAlgorithm, Signature, signing_digest, verify_digest
from scms.dot2 import ErrorCode, Ieee1609Error, verify_signed
from scms.dot2.curve_points import signature_from_coer
from scms.dot2.spdu import Ieee1609Dot2Data
from scms.dot2.time import Time32
from scms.protocol import (
    Ctl,
    Role,
    TrustState,
    build_ccf,
    build_composite_crl,
    certificate_role,
    elector_id,
    parse_ccf,
    parse_composite_crl,
    parse_info_status,
    root_ca_id,
    tbs_ctl_hash,
    verify_ccf,
    verify_first_ctl,
    verify_info_status,
)
from vectors import VECTORS_DIR, read_bytes

OPENSCMS = VECTORS_DIR / "openscms"
SERIES = bytes.fromhex("ffffffffffffff00")
NOW = Time32(700_000_000)  # inside every certificate's validity (2026)


def _tbs_data_and_signature(spdu: bytes) -> tuple[bytes, Signature]:
    signed = Ieee1609Dot2Data.from_bytes(spdu).content
    return asn1.encode("ToBeSignedData", signed["tbsData"]), signature_from_coer(signed["signature"])


def _check_tbs_ctl_hashes(ctl: Ctl) -> None:
    """Every signature names this CTL and hashes its tbsCtl octets with SHA-384."""
    for signature in ctl.signatures:
        assert signature.names(ctl.tbs)
        assert signature.tbs_ctl_hash == hashlib.sha384(ctl.tbs_bytes).digest()
        assert signature.tbs_ctl_hash == tbs_ctl_hash(ctl.tbs_bytes, HashAlgorithm.SHA384)


def test_composite_crl_file() -> None:
    data = read_bytes(OPENSCMS / "composite-crl-file.dat")
    composite = parse_composite_crl(data)
    assert build_composite_crl(composite.crls, composite.home_ctl.raw) == data
    assert len(composite.crls) == 1
    ctl = composite.home_ctl
    assert (ctl.series_id, ctl.sequence_number, ctl.effective_date, ctl.quorum) == (SERIES, 0, 694983111, 2)
    assert (len(ctl.tbs.elector_approve), len(ctl.tbs.root_ca_approve), len(ctl.signatures)) == (3, 2, 3)
    _check_tbs_ctl_hashes(ctl)
    electors = [c for c in ctl.certificates if not c.app_permissions]
    others = [c for c in ctl.certificates if c.app_permissions]
    assert len(electors) == 3 and [certificate_role(c) for c in others] == [Role.ROOT, Role.ICA]
    # Root CA ids: SHA-256 of the (canonical) certificate, as we compute them; OpenSCMS lists its ICA as a root too.
    assert ctl.tbs.root_ca_approve == tuple(root_ca_id(c) for c in others)
    # Elector ids: SHA-384 of the certificates as received (uncompressed points), not of their canonical form.
    assert set(ctl.tbs.elector_approve) == {hashlib.sha384(c.data).digest() for c in electors}
    assert not {elector_id(c) for c in electors} & set(ctl.tbs.elector_approve)
    # Each elector signature: SHA-384 over (tbsData, elector certificate as received), by a distinct elector.
    signers = [s.signer for s in ctl.signatures]
    assert len(set(signers)) == 3 and set(signers) == set(electors)
    for signature in ctl.signatures:
        assert signature.hash_algorithm == "sha256"  # the label; the hash used is SHA-384
        assert signature.signer is not None
        key = signature.signer.verification_key
        assert key is not None
        tbs_data, sig = _tbs_data_and_signature(signature.raw)
        verify_digest(key, signing_digest(key.curve, tbs_data, signature.signer.data), sig)
        with pytest.raises(Ieee1609Error) as caught:
            verify_signed(signature.raw)
        assert caught.value.error is ErrorCode.FAILED_SIGNATURE_VERIFICATION
    # Our verifier finds no carried certificate under the (non-canonical) elector ids; had the ids matched, the
    # electors would still lack their SecurityMgmtSsp.
    with pytest.raises(Ieee1609Error, match="no certificate for approved elector") as caught:
        verify_first_ctl(ctl.raw, NOW)
    assert caught.value.error is ErrorCode.FAILED_CHAIN_VERIFICATION
    assert all(certificate_role(c) is None for c in electors)


def test_ccf_file() -> None:
    data = read_bytes(OPENSCMS / "OscmsCertificateChainFileSpdu.dat")
    ccf = parse_ccf(data)
    assert build_ccf(ccf.home_ctl_bytes, ccf.others) == data
    ctl = ccf.home_ctl
    assert (ctl.series_id, ctl.sequence_number, ctl.effective_date, ctl.quorum) == (SERIES, 0, 684527322, 3)
    assert [certificate_role(c) for c in ccf.others] == [Role.ROOT, Role.ICA, Role.ECA, Role.ACA, Role.RA]
    assert [c.id.name for c in ctl.certificates[:3]] == [f"elector{i}.lgscms.test" for i in (1, 2, 3)]
    _check_tbs_ctl_hashes(ctl)
    # The CTL's ids are no hash of any certificate it carries.
    hashes = ((HashAlgorithm.SHA384, 48), (HashAlgorithm.SHA256, 32))
    digests = {alg.digest(c.data)[-n:] for c in ctl.certificates for alg, n in hashes}
    assert not digests & {*ctl.tbs.elector_approve, *ctl.tbs.root_ca_approve}
    # Three signatures, each made by a different elector's key (with its own certificate as signer input), but
    # every one names elector 3, under PSID 111111.
    electors = ctl.certificates[:3]
    assert all(s.signer == electors[2] for s in ctl.signatures)
    for signature, elector in zip(ctl.signatures, electors, strict=True):
        key = elector.verification_key
        assert key is not None
        tbs_data, sig = _tbs_data_and_signature(signature.raw)
        verify_digest(key, signing_digest(key.curve, tbs_data, elector.data), sig)
        assert Ieee1609Dot2Data.from_bytes(signature.raw).content["tbsData"]["headerInfo"]["psid"] == 111111
    # Under a trust anchored on its own root, our verifier stops at the root without certIssuePermissions.
    root = ccf.others[0]
    digest = tbs_ctl_hash(ctl.tbs_bytes, HashAlgorithm.SHA384)
    trust = TrustState(SERIES, 0, ctl.effective_date, 3, {}, {root_ca_id(root): root}, digest)
    with pytest.raises(Ieee1609Error, match=f"issuer {root.hashed_id8()} has no certIssuePermissions"):
        verify_ccf(data, trust, NOW)


def test_cmis_file() -> None:
    data = read_bytes(OPENSCMS / "CertificateManagementInfoStatusSpdu.dat")
    status = parse_info_status(data)
    assert [(c.craca_id.hex(), c.series, c.issue_date) for c in status.crl] == [("15e298fe7b1d9199", 1, 1757440535)]
    assert [(c.series_id, c.sequence_number, c.last_update) for c in status.ctl] == [(SERIES, 0, 1757442522)]
    assert (status.ca_ccf, status.ma, status.ra) == (1757442522, (), 1757440534)
    # 1757442522 as Time32 would be in 2059: these are Unix times (2025-09-09), standards notes §13 item 5.
    assert Time32(status.ca_ccf).to_datetime().year == 2059
    signed = verify_signed(data)  # signature and PSID 35 hold
    assert signed.signer.certificate is not None and certificate_role(signed.signer.certificate) is Role.RA
    ccf = parse_ccf(read_bytes(OPENSCMS / "OscmsCertificateChainFileSpdu.dat"))
    assert signed.signer.certificate == ccf.others[4]  # the RA certificate of the CCF
    with pytest.raises(Ieee1609Error, match="has no certIssuePermissions"):
        verify_info_status(data, [ccf.others[0]], NOW, intermediates=[ccf.others[1]])
