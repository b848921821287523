"""The RA-LA-ACA protocol steps for one pseudonym certificate, as `scms.protocol` does them (no services, no I_CERT/O).

Per certificate (i, j): each LA derives and encrypts plv(i, j) for the ACA (`encrypted_pre_linkage_values`), the
RA builds and signs the `RaAcaCertRequestSpdu` (`butterfly_request`, `sign_ra_aca_request`), the ACA verifies it
(`verify_ra_aca_request`, RA chain included) and issues (`issue_pseudonym`: decrypt both PLVs, linkage value,
lint, ECQV or sign, AcaEeCertResponse, encrypt to the response key, sign, AcaRaCertResponseSpdu), and the RA checks
the answer (`open_aca_ra_response`). The last line adds them up for one device-year (52 i-periods x 20).
"""

from __future__ import annotations

import os
from collections.abc import Callable

from bench._timing import per_op_micros
from scms.crypto import ButterflyVariant, SoftwareKey
from scms.dot2.certificate import Certificate
from scms.dot2.certificate_builder import sign_explicit
from scms.dot2.certificate_fields import CertificateId, CertificateType, LinkageData, ValidityPeriod
from scms.dot2.certificate_template import CertificateTemplate
from scms.dot2.chain import verify_chain
from scms.dot2.lint.certificate import lint_certificate
from scms.dot2.permissions import PsidGroupPermissions, PsidSsp, PsidSspRange, Ssp
from scms.dot2.spdu import SymmetricEncryptionKey
from scms.dot2.time import IPeriods, IValue, Time32
from scms.protocol.aca_issue import AcaIssuer, issue_pseudonym
from scms.protocol.aca_ra_response import open_aca_ra_response
from scms.protocol.butterfly_params import ButterflyKeys
from scms.protocol.la import LinkageChain, encrypted_pre_linkage_values
from scms.protocol.ra_aca import butterfly_request
from scms.protocol.ra_aca_request import LinkageInfo, sign_ra_aca_request, verify_ra_aca_request
from scms.protocol.security_mgmt_ssp import Role, security_mgmt_ssp

START = Time32(600_000_000)
IPERIODS = IPeriods(epoch=START)
I_CERT = 3
NOW = Time32(IPERIODS.start(I_CERT) - 60)
LA1, LA2 = 0x0101, 0x0202
PSIDS = (32, 38)


def _certificate(
    name: str, key: SoftwareKey, issuer: tuple[Certificate, SoftwareKey] | None, **fields: object
) -> Certificate:
    template = CertificateTemplate(
        id=CertificateId.named(name),
        validity=ValidityPeriod.years(START, 5),
        craca_id=bytes(3) if issuer is None else bytes(issuer[0].hashed_id3()),
        crl_series=0 if issuer is None else 1,
        verification_key=key.public_point,
        **fields,  # type: ignore[arg-type]
    )
    if issuer is None:
        return sign_explicit(lint_certificate(template, None), None, key, profile="bench")
    return sign_explicit(lint_certificate(template, issuer[0]), issuer[0], issuer[1], profile="bench")


def _hierarchy() -> tuple[Certificate, tuple[Certificate, SoftwareKey], AcaIssuer]:
    root_key, ra_key, aca_key = SoftwareKey.generate(), SoftwareKey.generate(), SoftwareKey.generate()
    devices = tuple(PsidSspRange(psid) for psid in PSIDS)
    root = _certificate("root.bench", root_key, None, app_permissions=(PsidSsp(35, Ssp(security_mgmt_ssp("root"))),),
                        cert_issue_permissions=(PsidGroupPermissions(None, 1, -1, app=True, enrol=True),))
    ra = _certificate("ra.bench", ra_key, (root, root_key), app_permissions=(PsidSsp(35, Ssp(security_mgmt_ssp(
        Role.RA))),), cert_request_permissions=(PsidGroupPermissions(devices, 1, 0, app=True),))
    aca = _certificate("aca.bench", aca_key, (root, root_key), app_permissions=(PsidSsp(35, Ssp(security_mgmt_ssp(
        Role.ACA))),), cert_issue_permissions=(PsidGroupPermissions(devices, 1, 0, app=True),), uses_cubk=True)
    keys = {LA1: SymmetricEncryptionKey(os.urandom(16)), LA2: SymmetricEncryptionKey(os.urandom(16))}
    return root, (ra, ra_key), AcaIssuer(aca_key, aca, keys, 1)


def run() -> list[tuple[str, float]]:
    root, (ra, ra_key), aca = _hierarchy()
    chains = LinkageChain.new(LA1, I_CERT), LinkageChain.new(LA2, I_CERT)
    batches = [encrypted_pre_linkage_values(c, I_CERT, 1, 20, aca.plv_keys[c.la_id]) for c in chains]
    linkage = LinkageInfo(batches[0].plv(I_CERT, 5), batches[1].plv(I_CERT, 5))
    template = CertificateTemplate(
        id=CertificateId.linkage_data(LinkageData(IValue(I_CERT), bytes(9))),
        validity=ValidityPeriod(IPERIODS.start(I_CERT), "hours", 169),
        app_permissions=tuple(PsidSsp(psid) for psid in PSIDS),
    )

    def check(cert: Certificate, now: Time32) -> object:
        return verify_chain(cert, [], [root], now)

    def request(variant: ButterflyVariant, cert_type: CertificateType) -> Callable[[], bytes]:
        params = ButterflyKeys.generate(variant).params()
        return lambda: sign_ra_aca_request(
            butterfly_request(params, I_CERT, 5, template, linkage, cert_type, NOW), ra_key, ra
        )

    unified_implicit = request(ButterflyVariant.UNIFIED, CertificateType.IMPLICIT)
    spdu = unified_implicit()
    verified = verify_ra_aca_request(spdu, NOW, check_ra=check)
    answer = issue_pseudonym(verified, aca, NOW)
    rows = [
        ("LA: one encrypted pre-linkage value (batch of 20)",
         per_op_micros(lambda: encrypted_pre_linkage_values(chains[0], I_CERT, 1, 20, aca.plv_keys[LA1])) / 20),
        ("RA: build + sign RaAcaCertRequestSpdu (unified, implicit)", per_op_micros(unified_implicit)),
        ("ACA: verify_ra_aca_request (signature, RA chain, parse)",
         per_op_micros(lambda: verify_ra_aca_request(spdu, NOW, check_ra=check))),
    ]
    issue_rows = {}
    for variant, cert_type in (
        (ButterflyVariant.UNIFIED, CertificateType.IMPLICIT),
        (ButterflyVariant.UNIFIED, CertificateType.EXPLICIT),
        (ButterflyVariant.ORIGINAL, CertificateType.IMPLICIT),
        (ButterflyVariant.COMPACT_UNIFIED, CertificateType.IMPLICIT),
    ):
        one = verify_ra_aca_request(request(variant, cert_type)(), NOW, check_ra=check)
        micros = per_op_micros(lambda v=one: issue_pseudonym(v, aca, NOW))
        issue_rows[(variant, cert_type)] = micros
        rows.append((f"ACA: issue_pseudonym ({variant.value}, {cert_type.value})", micros))
    rows.append(("RA: open_aca_ra_response (signature, ACA chain)",
                 per_op_micros(lambda: open_aca_ra_response(answer, NOW, check_aca=check))))
    issue = issue_rows[(ButterflyVariant.UNIFIED, CertificateType.IMPLICIT)]
    per_certificate = 2 * rows[0][1] + rows[1][1] + rows[2][1] + issue + rows[-1][1]
    print(f"issue_pseudonym (unified, implicit): {issue:.0f} µs/certificate ({1e6 / issue:.0f} certificates/s/core)")
    print(f"all protocol steps of one certificate: {per_certificate:.0f} µs; one device-year (1040 certificates) "
          f"{1040 * per_certificate / 1e6:.2f} s on one core")
    return rows
