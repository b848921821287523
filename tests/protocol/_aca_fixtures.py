"""An SCMS hierarchy for the RA-ACA-LA tests, made with the real builders (template -> lint -> sign): a root CA that
is also the CRACA of the pseudonym CRLs (psid 256, series `CRL_SERIES`), an RA (may request the device PSIDs), an
ACA (issues them) and a second ACA whose certificate sets usesCubk; two LAs with the CAMP vector LaIds, each with
the symmetric key it shares with the ACA. `open_ee_spdu` does what
the EE does with the ACA's answer (decrypt, verify, parse) with `scms.dot2` directly, not with the code under test.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from scms import asn1
from scms.crypto import SoftwareKey
from scms.dot2.certificate import Certificate
from scms.dot2.certificate_builder import sign_explicit
from scms.dot2.certificate_fields import CertificateId, LinkageData, PublicEncryptionKey, ValidityPeriod
from scms.dot2.certificate_template import CertificateTemplate
from scms.dot2.chain import verify_chain
from scms.dot2.lint.certificate import lint_certificate
from scms.dot2.permissions import PsidGroupPermissions, PsidSsp, PsidSspRange, Ssp
from scms.dot2.spdu import Ieee1609Dot2Data, RecipientPrivateKey, SymmetricEncryptionKey, decrypt, verify_signed
from scms.dot2.time import IPeriods, IValue, Time32
from scms.protocol.aca_issue import AcaIssuer
from scms.protocol.security_mgmt_ssp import SECURITY_MGMT_PSID, Role

from ._ee_fixtures import Party, _role

START = Time32(600_000_000)
IPERIODS = IPeriods(epoch=START)
I_CERT = 3
NOW = Time32(IPERIODS.start(I_CERT) - 3_600)
LA1, LA2 = 0x8E09, 0x59CE  # the LaIds of the CAMP linkage vectors
CRL_SERIES = 7
DEVICE_PSIDS = (32, 38)
_DEVICES = tuple(PsidSspRange(psid) for psid in DEVICE_PSIDS)


@dataclass(frozen=True)
class AcaPki:
    root: Party
    ra: Party
    aca: Party
    aca_cubk: Party
    plv_keys: dict[int, SymmetricEncryptionKey]

    def issuer(self, *, cubk: bool = False) -> AcaIssuer:
        aca = self.aca_cubk if cubk else self.aca
        return AcaIssuer(aca.key, aca.cert, self.plv_keys, CRL_SERIES, self.root.cert.hashed_id3())

    def check(self, cert: Certificate, now: Time32) -> object:
        """The chain callback of the verifiers: one trusted root, no intermediates."""
        return verify_chain(cert, [], [self.root.cert], now)


def _component(root: Party, name: str, role: Role, **fields: Any) -> Party:
    key = SoftwareKey.generate()
    decryption_key = SoftwareKey.generate()
    template = CertificateTemplate(
        id=CertificateId.named(name),
        validity=ValidityPeriod.years(START, 5),
        craca_id=bytes(root.cert.hashed_id3()),
        crl_series=1,
        app_permissions=(_role(role),),
        encryption_key=PublicEncryptionKey(decryption_key.public_point),
        verification_key=key.public_point,
        **fields,
    )
    cert = sign_explicit(lint_certificate(template, root.cert), root.cert, root.key, profile="aca-test")
    return Party(cert, key, decryption_key)


def make_root(name: str = "root.aca-test") -> Party:
    key = SoftwareKey.generate()
    crl_ssp = asn1.encode("CrlSsp", {"version": 1, "associatedCraca": "isCraca", "crls": [CRL_SERIES]})
    template = CertificateTemplate(
        id=CertificateId.named(name),
        validity=ValidityPeriod.years(START, 30),
        app_permissions=(_role(Role.ROOT), PsidSsp(256, Ssp(crl_ssp))),
        cert_issue_permissions=(PsidGroupPermissions(None, 1, -1, app=True, enrol=True),),
        verification_key=key.public_point,
    )
    return Party(sign_explicit(lint_certificate(template, None), None, key, profile="aca-test"), key)


def make_ra(root: Party, psids: tuple[PsidSspRange, ...] = _DEVICES, name: str = "ra.aca-test") -> Party:
    return _component(root, name, Role.RA, cert_request_permissions=(PsidGroupPermissions(psids, 1, 0, app=True),))


def make_aca(root: Party, *, cubk: bool = False, psids: tuple[PsidSspRange, ...] = _DEVICES) -> Party:
    issue = (PsidGroupPermissions(psids, 1, 0, app=True),)
    return _component(root, f"aca{'-cubk' if cubk else ''}.aca-test", Role.ACA, cert_issue_permissions=issue,
                      uses_cubk=cubk)


def make_aca_pki() -> AcaPki:
    root = make_root()
    keys = {LA1: SymmetricEncryptionKey(os.urandom(16)), LA2: SymmetricEncryptionKey(os.urandom(16))}
    return AcaPki(root, make_ra(root), make_aca(root), make_aca(root, cubk=True), keys)


def pseudonym_template(i: int = I_CERT, psids: tuple[int, ...] = DEVICE_PSIDS) -> CertificateTemplate:
    """What the RA decides for certificate i of a batch (its id and key are set by `butterfly_request`)."""
    return CertificateTemplate(
        id=CertificateId.linkage_data(LinkageData(IValue(i), bytes(9))),
        validity=ValidityPeriod(IPERIODS.start(i), "hours", 169),
        app_permissions=tuple(PsidSsp(psid) for psid in psids),
    )


def open_ee_spdu(ee_spdu: bytes, kind: str, key: SoftwareKey | None, aca: Certificate) -> dict[str, Any]:
    """The EE's reading of the ACA's SPDU: verify (private), decrypt (private, cubk), return the AcaEeCertResponse
    (its certificate as COER bytes)."""
    data = ee_spdu
    if kind == "private":
        signed = verify_signed(data, certificates=[aca])
        assert signed.signer.certificate == aca and signed.header.psid == SECURITY_MGMT_PSID
        data = signed.unsecured_payload()
    if kind in ("private", "cubk"):
        assert key is not None
        data = decrypt(data, [RecipientPrivateKey.for_rek(key)])
    pdu = asn1.decode("ScmsPdu", Ieee1609Dot2Data.from_bytes(data).unsecured_payload())
    interface, (alternative, response) = pdu["content"]
    assert (interface, alternative) == ("aca-ee", "acaEeCertResponse")
    return {**response, "certificate": asn1.encode("Certificate", response["certificate"])}
