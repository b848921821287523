"""Which certificates a CTL may list (1609.2.1 clauses 4.1.6, 8): explicit, self-signed, valid self-signature,
SecurityMgmtSsp elector / root; electors with a 384-bit key."""

from __future__ import annotations

import pytest

from scms.crypto import Curve, SoftwareKey
from scms.dot2 import ErrorCode, Ieee1609Error
from scms.dot2.certificate import Certificate
from scms.dot2.certificate_builder import sign_explicit
from scms.dot2.certificate_fields import CertificateId, ValidityPeriod
from scms.dot2.certificate_template import CertificateTemplate
from scms.dot2.lint.certificate import lint_certificate
from scms.dot2.permissions import PsidSsp, Ssp
from scms.dot2.time import Time32
from scms.protocol import (
    Role,
    certificate_role,
    check_elector_certificate,
    check_root_ca_certificate,
    elector_id,
    root_ca_id,
    security_mgmt_ssp,
)
from scms.protocol.ctl_contents import listed_id

from ._trust_fixtures import START, make_elector, make_issued, make_root


def _signed(template: CertificateTemplate, issuer: Certificate | None, key: SoftwareKey) -> Certificate:
    return sign_explicit(lint_certificate(template, issuer), issuer, key, profile="ctl-test")


def test_ids() -> None:
    elector, root = make_elector(), make_root()
    assert elector_id(elector.cert) == elector.cert.hash() and len(elector_id(elector.cert)) == 48
    assert root_ca_id(root.cert) == root.cert.hash() and len(root_ca_id(root.cert)) == 32
    p384_root = make_root("root384.test", curve=Curve.P384)
    assert root_ca_id(p384_root.cert) == p384_root.cert.hash()[16:]  # a SHA-384 hash cut to its low 32 bytes
    assert listed_id(elector.cert, 48) == elector_id(elector.cert) and listed_id(root.cert, 48) is None
    assert listed_id(root.cert, 32) == root_ca_id(root.cert) and listed_id(root.cert, 8) is None


def test_elector_checks() -> None:
    elector = make_elector()
    assert check_elector_certificate(elector.cert, at=Time32(START)) == elector_id(elector.cert)
    with pytest.raises(Ieee1609Error, match="not valid at"):
        check_elector_certificate(elector.cert, at=Time32(START - 1))
    # The elector role in a certificate issued by a root: an elector is self-signed.
    root = make_root()
    issued = make_issued(root, "issued-elector.test", Role.ELECTOR)
    assert certificate_role(issued.cert) is Role.ELECTOR
    with pytest.raises(Ieee1609Error, match="explicit and self-signed"):
        check_elector_certificate(issued.cert)
    with pytest.raises(Ieee1609Error, match="SecurityMgmtSsp is root, not elector"):
        check_elector_certificate(root.cert)
    with pytest.raises(Ieee1609Error, match="SecurityMgmtSsp is elector, not root"):
        check_root_ca_certificate(elector.cert)


def test_broken_self_signature() -> None:
    elector = make_elector()
    data = bytearray(elector.cert.data)
    data[-1] ^= 1  # last byte of sSig
    with pytest.raises(Ieee1609Error) as caught:
        check_elector_certificate(Certificate.from_bytes(bytes(data)))
    assert caught.value.error is ErrorCode.FAILED_CHAIN_VERIFICATION and "self-signature" in caught.value.detail


def test_bitmap_ssp_is_not_a_security_mgmt_ssp() -> None:
    key = SoftwareKey.generate(Curve.P384)
    template = CertificateTemplate(
        id=CertificateId.named("bitmap.test"),
        validity=ValidityPeriod.years(START, 1),
        app_permissions=(PsidSsp(35, Ssp(security_mgmt_ssp(Role.ELECTOR), bitmap=True)),),
        verification_key=key.public_point,
    )
    cert = _signed(template, None, key)
    with pytest.raises(Ieee1609Error, match="bitmap") as caught:
        check_elector_certificate(cert)
    assert caught.value.error is ErrorCode.FAILED_PARSING
