"""A deployment for the EE tests, made by the manager's real builder (`build_deployment`: electors, root, ICA, ECA,
RA, ACA, LAs, CRL signer, CTL 1, CCF, CRLs, policies), and the CA steps of a small test SCMS built on
`scms.protocol`: what the ECA, the ACA, the LAs and the CRL signer do for one request. Not the services (other
work builds those): each step here calls the protocol functions the services call, with the deployment's keys.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from scms.crypto import Point
from scms.deployment import DeploymentConfig, parse_config
from scms.dot2.certificate import Certificate
from scms.dot2.certificate_builder import issue_implicit, sign_explicit
from scms.dot2.certificate_fields import CertificateId, CertificateType, ValidityPeriod
from scms.dot2.certificate_template import CertificateTemplate
from scms.dot2.chain import verify_chain
from scms.dot2.crl import build_linkage_crl, lint_crl, sign_crl
from scms.dot2.crl_entries import LinkageRevocation
from scms.dot2.lint.certificate import lint_certificate
from scms.dot2.permissions import PsidSsp, Ssp
from scms.dot2.time import IValue, Time32
from scms.manager import build_deployment
from scms.manager.crls import crl_header
from scms.manager.publish import NewDeployment
from scms.protocol.aca_issue import AcaIssuer, issue_certificate, issue_pseudonym
from scms.protocol.aca_ra_response import open_aca_ra_response
from scms.protocol.butterfly_params import ButterflyParams
from scms.protocol.composite_crl import build_composite_crl
from scms.protocol.ee_eca import EnrollmentRequest, build_enrollment_response
from scms.protocol.ee_ra_request import AuthorizationRequest
from scms.protocol.la import LinkageChain, encrypted_pre_linkage_values, linkage_revocation, linkage_seed_release
from scms.protocol.ra_aca import butterfly_request
from scms.protocol.ra_aca_request import LinkageInfo, RaAcaCertRequest, sign_ra_aca_request, verify_ra_aca_request
from scms.protocol.security_mgmt_ssp import SECURITY_MGMT_PSID, Role, security_mgmt_ssp

BUILT = Time32.from_datetime(dt.datetime(2026, 3, 1, tzinfo=dt.UTC))
"""When the deployment was made; the devices of the tests live three weeks later."""
NOW = Time32(BUILT + 21 * 86_400)
CONFIG_TEXT = """
[deployment]
name = "ee-test.example"
base_url = "http://scms.test"
[policy]
time-baseCertNumber = 2
"""


def test_config() -> DeploymentConfig:
    return parse_config(CONFIG_TEXT)


@dataclass
class Pki:
    """The deployment and what its CAs do (for one request at a time)."""

    new: NewDeployment

    @classmethod
    def build(cls, config: DeploymentConfig | None = None, built: Time32 = BUILT) -> Pki:
        return cls(build_deployment(config or test_config(), built))

    @property
    def config(self) -> DeploymentConfig:
        return self.new.config

    def certificate(self, name: str) -> Certificate:
        return self.new.hierarchy.certificate(name)

    @property
    def root(self) -> Certificate:
        return self.certificate("root")

    def check(self, certificate: Certificate, now: Time32) -> object:
        """Chain `certificate` to the root through the deployment's CA certificates."""
        return verify_chain(certificate, [self.certificate(n) for n in ("ica", "eca", "aca")], [self.root], now)

    # -- ECA ---------------------------------------------------------------------------------------------------
    def issue_enrollment(self, request: EnrollmentRequest, now: Time32) -> bytes:
        eca = self.new.hierarchy["eca"]
        template = replace(
            request.tbs,
            craca_id=bytes(self.root.hashed_id3()),
            crl_series=self.config.manager.crl.enrollment_series,
            app_permissions=(PsidSsp(SECURITY_MGMT_PSID, Ssp(security_mgmt_ssp(Role.EE))),),
        )
        if request.certificate_type is CertificateType.EXPLICIT:
            cert = sign_explicit(lint_certificate(template, eca.certificate), eca.certificate, eca.signing_key)
            r = None
        else:
            linted = lint_certificate(replace(template, verification_key=None), eca.certificate)
            cert, r = issue_implicit(linted, request.requested_key, eca.certificate, eca.signing_key)
        chain = (eca.certificate, self.certificate("ica"), self.root)
        return build_enrollment_response(request.request_hash, cert, r, eca.signing_key, chain, now)

    # -- RA -> LAs -> ACA ----------------------------------------------------------------------------------------
    def _aca(self, series: int) -> AcaIssuer:
        aca = self.new.hierarchy["aca"]
        keys = self.new.hierarchy.symmetric_keys["aca"]
        plv_keys = {self.config.la1.la_id: keys["plv-la1"], self.config.la2.la_id: keys["plv-la2"]}
        return AcaIssuer(aca.signing_key, aca.certificate, plv_keys, series, self.root.hashed_id3())

    def _through_aca(self, request: RaAcaCertRequest, series: int, now: Time32, *, pseudonym: bool) -> bytes:
        ra = self.new.hierarchy["ra"]
        spdu = sign_ra_aca_request(request, ra.signing_key, ra.certificate)
        verified = verify_ra_aca_request(spdu, now, check_ra=self.check)
        issue = issue_pseudonym if pseudonym else issue_certificate
        answer = issue(verified, self._aca(series), now)
        return open_aca_ra_response(answer, now, check_aca=self.check).ee_spdu

    def linkage_chains(self, first_i: int) -> tuple[LinkageChain, LinkageChain]:
        return LinkageChain.new(self.config.la1.la_id, first_i), LinkageChain.new(self.config.la2.la_id, first_i)

    def pseudonym_batch(
        self, request: AuthorizationRequest, butterfly: ButterflyParams, chains: tuple[LinkageChain, LinkageChain],
        i: int, now: Time32,
    ) -> dict[int, bytes]:
        """The ACA's answer for every j of i-period i (the RA's template: the i-period's validity, the PSIDs)."""
        parameters = self.config.policy
        jmax = parameters.base_cert_number
        keys = self.new.hierarchy.symmetric_keys["aca"]
        plvs = [encrypted_pre_linkage_values(chain, i, 1, jmax, keys[f"plv-la{n}"]) for n, chain in
                enumerate(chains, start=1)]
        hours = parameters.pseudonym_validity_seconds // 3600
        validity = ValidityPeriod(parameters.i_periods().start(i), "hours", hours)
        template = CertificateTemplate(id=CertificateId.none(), validity=validity,
                                       app_permissions=request.tbs.app_permissions)
        answers = {}
        for j in range(jmax):
            linkage = LinkageInfo(plvs[0].plv(i, j), plvs[1].plv(i, j))
            wanted = butterfly_request(butterfly, i, j, template, linkage, request.certificate_type, now)
            answers[j] = self._through_aca(wanted, self.config.manager.crl.pseudonym_series, now, pseudonym=True)
        return answers

    def identification_certificate(self, request: AuthorizationRequest, now: Time32) -> bytes:
        template = replace(request.tbs, verification_key=None)
        wanted = RaAcaCertRequest(now, request.certificate_type, template, request.requested_key,
                                  cert_enc_key=request.response_encryption_key)
        return self._through_aca(wanted, self.config.manager.crl.identification_series, now, pseudonym=False)

    # -- revocation: LAs release seeds, the MA makes the entry, the CRL signer signs ----------------------------
    def revoke(self, chains: tuple[LinkageChain, LinkageChain], i_rev: int, now: Time32) -> bytes:
        """A composite CRL whose pseudonym CRL revokes `chains` from i-period `i_rev` on."""
        releases = [linkage_seed_release(chain, i_rev) for chain in chains]
        jmax = self.config.policy.base_cert_number
        entry = linkage_revocation(*releases, i_max=i_rev + 60, jmax=jmax)
        return self.linkage_composite_crl([entry], i_rev, now)

    def linkage_composite_crl(self, entries: list[LinkageRevocation], i_rev: int, now: Time32) -> bytes:
        signer = self.new.hierarchy["crl-signer"]
        header = crl_header(self.config, self.root, self.config.manager.crl.pseudonym_series, now)
        contents = build_linkage_crl(header, i_rev=IValue(i_rev), individual=entries)
        secured = sign_crl(lint_crl(contents, signer.certificate, self.root), signer.signing_key)
        others = [c.secured for c in self.new.crls if c.kind != "linkage"]
        return build_composite_crl([*others, secured], self.new.ctl)


def key_of(point: Point) -> str:
    return point.encode(compressed=True).hex()
