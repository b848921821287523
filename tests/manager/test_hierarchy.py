"""The hierarchy's permissions are consistent down the chain: each CA can issue what the device policies need and
no more; roles, LA ids, MA PSIDs, the cubk flag, curves, validity and regions follow the configuration."""

from __future__ import annotations

from dataclasses import replace

import pytest

from scms.crypto import Curve, SoftwareKey
from scms.deployment import DeploymentConfig, parse_config
from scms.dot2 import Ieee1609Error, verify_chain
from scms.dot2.certificate_fields import CertificateId, ValidityPeriod
from scms.dot2.certificate_template import CertificateTemplate
from scms.dot2.crl_authority import crl_permissions
from scms.dot2.lint.certificate import lint_certificate
from scms.dot2.permissions import PsidGroupPermissions, PsidSsp, PsidSspRange, Ssp
from scms.dot2.region import IdentifiedRegion, IdentifiedRegions
from scms.dot2.time import Time32
from scms.manager import build_deployment, build_hierarchy
from scms.manager.hierarchy import Hierarchy
from scms.manager.profiles import hierarchy_start, validity_within
from scms.protocol.ccf import verify_ccf
from scms.protocol.composite_crl import verify_composite_crl
from scms.protocol.ctl_trust import verify_first_ctl
from scms.protocol.security_mgmt_ssp import Role, certificate_ssp, security_mgmt_ssp

from ._deployment import COMPONENTS, LATER, NOW


@pytest.fixture(scope="module")
def hierarchy() -> Hierarchy:
    return build_hierarchy(DeploymentConfig(), NOW)


ROLES = {"root": Role.ROOT, "crl-signer": Role.CRL_SIGNER, "ica": Role.ICA, "eca": Role.ECA, "ra": Role.RA,
         "aca": Role.ACA, "la1": Role.LA, "la2": Role.LA, "ma": Role.MA, "elector-1": Role.ELECTOR}


def test_each_certificate_names_its_role(hierarchy: Hierarchy) -> None:
    for name, role in ROLES.items():
        ssp = certificate_ssp(hierarchy.certificate(name))
        assert ssp is not None and ssp.role is role and ssp.version == 2, name
    la1, la2 = certificate_ssp(hierarchy.certificate("la1")), certificate_ssp(hierarchy.certificate("la2"))
    assert (la1 and la1.la_id, la2 and la2.la_id) == (1, 2)
    ma = certificate_ssp(hierarchy.certificate("ma"))
    assert ma is not None and ma.relevant_psids == (32, 38, 135)
    assert hierarchy.certificate("aca").uses_cubk
    assert not any(hierarchy.certificate(n).uses_cubk for n in COMPONENTS if n != "aca")
    assert hierarchy.certificate("ra").encryption_key is not None and hierarchy.certificate("ma").encryption_key
    assert all(hierarchy.certificate(n).encryption_key is None for n in COMPONENTS if n not in ("ra", "ma"))


def test_crl_authority(hierarchy: Hierarchy) -> None:
    root, signer = hierarchy.certificate("root"), hierarchy.certificate("crl-signer")
    assert crl_permissions(root) is not None and crl_permissions(root).is_craca  # type: ignore[union-attr]
    assert crl_permissions(root).series == (256,)  # type: ignore[union-attr]
    permissions = crl_permissions(signer)
    assert permissions is not None and not permissions.is_craca and permissions.series == (1, 2, 3, 256)
    for name in ("ica", *COMPONENTS[3:], "crl-signer"):
        certificate = hierarchy.certificate(name)
        assert certificate.craca_id == root.hashed_id3() and certificate.crl_series == 256, name


def _ee(psids: tuple[PsidSsp, ...], *, request: tuple[PsidSsp, ...] = ()) -> CertificateTemplate:
    groups = () if not request else (
        PsidGroupPermissions(tuple(PsidSspRange(p.psid) for p in request), 1, 0, app=False, enrol=True),
    )
    return CertificateTemplate(
        id=CertificateId.none(),
        validity=ValidityPeriod.hours(NOW + 60, 169),
        craca_id=b"\x00\x00\x01",
        crl_series=1,
        app_permissions=psids,
        cert_request_permissions=groups,
        verification_key=SoftwareKey.generate().public_point,
    )


def test_eca_can_issue_enrollment_certificates_for_every_device_type(hierarchy: Hierarchy) -> None:
    eca = hierarchy.certificate("eca")
    ee = PsidSsp(35, Ssp(security_mgmt_ssp(Role.EE)))
    for request in ((PsidSsp(32), PsidSsp(38), PsidSsp(135)), (PsidSsp(135),)):
        lint_certificate(_ee((ee,), request=request), eca)
    with pytest.raises(Ieee1609Error):  # an enrollment certificate may not sign BSMs itself
        lint_certificate(_ee((ee, PsidSsp(32))), eca)
    with pytest.raises(Ieee1609Error):  # nor request a PSID no device policy names
        lint_certificate(_ee((ee,), request=(PsidSsp(99),)), eca)
    with pytest.raises(Ieee1609Error):  # nor be an enrollment certificate of another kind of EE (SSP ee only)
        lint_certificate(_ee((PsidSsp(35, Ssp(security_mgmt_ssp(Role.RA))),), request=(PsidSsp(32),)), eca)


def test_aca_can_issue_exactly_the_device_psids(hierarchy: Hierarchy) -> None:
    aca = hierarchy.certificate("aca")
    lint_certificate(_ee((PsidSsp(32), PsidSsp(38))), aca)
    lint_certificate(_ee((PsidSsp(135),)), aca)
    for bad in (PsidSsp(99), PsidSsp(32, Ssp(b"\x01")), PsidSsp(35, Ssp(security_mgmt_ssp(Role.EE)))):
        with pytest.raises(Ieee1609Error):
            lint_certificate(_ee((bad,)), aca)


def test_ra_may_request_the_device_psids(hierarchy: Hierarchy) -> None:
    (group,) = hierarchy.certificate("ra").cert_request_permissions
    for psid in (32, 38, 135):
        assert group.contains(PsidSsp(psid))
    assert not group.contains(PsidSsp(99))


def test_components_cannot_issue_and_the_ica_cannot_issue_crl_signers(hierarchy: Hierarchy) -> None:
    for name in ("ra", "la1", "la2", "ma", "crl-signer"):
        with pytest.raises(Ieee1609Error, match="certIssuePermissions"):
            lint_certificate(_ee((PsidSsp(32),)), hierarchy.certificate(name))
    crl_like = replace(_ee((PsidSsp(256, Ssp(b"\x00")),)), craca_id=bytes(hierarchy.certificate("root").hashed_id3()))
    with pytest.raises(Ieee1609Error, match="256"):
        lint_certificate(crl_like, hierarchy.certificate("ica"))


def test_validity_nests_and_is_clipped_to_the_issuer(hierarchy: Hierarchy) -> None:
    root, ica, eca = (hierarchy.certificate(n) for n in ("root", "ica", "eca"))
    assert (root.validity.count, ica.validity.count, eca.validity.count) == (30, 20, 10)
    assert eca.validity.within(ica.validity) and ica.validity.within(root.validity)
    periods = DeploymentConfig().policy.i_periods()
    assert all(hierarchy.certificate(n).validity.start == periods.start(periods.i_at(NOW)) for n in COMPONENTS)
    late = validity_within(ica, ica.validity.end - 3 * 3600, 5)
    assert late.unit == "hours" and late.count == 3 and late.within(ica.validity)
    long = validity_within(root, NOW + 3600, 30)
    assert long.unit == "sixtyHours" and long.within(root.validity)


@pytest.mark.parametrize(("root_curve", "curve"), [("P-384", Curve.P384), ("brainpoolP384r1", Curve.BRAINPOOL_P384R1)])
def test_anchor_curves_and_region_from_the_configuration(root_curve: str, curve: Curve) -> None:
    config = parse_config(
        f'[manager.root]\ncurve = "{root_curve}"\nregion = {{ countries = [840] }}\n'
        '[manager.electors]\ncurve = "brainpoolP384r1"\ncount = 4\nquorum = 3\n'
    )
    new = build_deployment(config, NOW)
    root = new.hierarchy.certificate("root")
    assert root.verification_key is not None and root.verification_key.curve is curve
    assert root.region == IdentifiedRegions((IdentifiedRegion(840),))
    electors = new.hierarchy.electors
    assert len(electors) == 4 and all(e.signing_key.curve is Curve.BRAINPOOL_P384R1 for e in electors)
    trust = verify_first_ctl(new.ctl, LATER)
    assert trust.quorum == 3 and len(trust.electors) == 4
    assert len(verify_ccf(new.ccf, trust, LATER).chains) == 6
    signers = [new.hierarchy.certificate("crl-signer"), root]
    assert len(verify_composite_crl(new.composite_crl, trust, LATER, certificates=signers).crls) == 4
    for name in COMPONENTS:
        chain = verify_chain(new.hierarchy.certificate(name), [new.hierarchy.certificate("ica")], [root], LATER)
        assert chain.anchor == root
        assert new.hierarchy.certificate(name).region is None or name == "root"  # inherited below the root


def test_the_hierarchy_starts_at_the_current_i_period_so_the_aca_can_issue_for_it(hierarchy: Hierarchy) -> None:
    """A deployment made mid-week: every CA and component certificate starts at the i-period's start (before NOW),
    so the current i-period's pseudonym certificates (i-period + overlap) lie within the ACA's; electors start NOW."""
    policy = DeploymentConfig().policy
    periods = policy.i_periods()
    start = periods.start(periods.i_at(NOW))
    assert start < NOW - 86_400  # 2026-01-05 is a Monday, the US i-period began on Tuesday 09:00
    assert hierarchy_start(DeploymentConfig(), NOW) == start
    current = ValidityPeriod.hours(start, policy.pseudonym_validity_seconds // 3600)
    assert current.within(hierarchy.certificate("aca").validity)
    assert all(e.certificate.validity.start == NOW for e in hierarchy.electors)


def test_hierarchy_start_before_the_epoch_and_clamped_to_the_issuer(hierarchy: Hierarchy) -> None:
    epoch = DeploymentConfig().policy.i_periods().epoch
    assert hierarchy_start(DeploymentConfig(), Time32(epoch - 10)) == epoch - 10  # no i-period yet: from now
    ica = hierarchy.certificate("ica")
    early = validity_within(ica, Time32(ica.validity.start - 3600), 1)  # an issuer made before the rule
    assert early.start == ica.validity.start and early.within(ica.validity)
