"""The device's flows, driven against the test SCMS (protocol steps, not the services): each flow's requests are
the 1609.2.1 REST API v3 ones, and what comes back is verified by the device before it is used."""

from __future__ import annotations

import pytest

from scms.crypto import ButterflyVariant, SoftwareKey
from scms.dot2.certificate_fields import CertificateType
from scms.dot2.chain import verify_chain
from scms.dot2.errors import Ieee1609Error
from scms.dot2.time import Time32
from scms.ee.errors import NotReady, ServerError
from scms.ee.exchange import HttpRequest, Wait
from scms.ee.flows import (
    AuthorizationSpec,
    DownloadedBatch,
    DownloadPlan,
    bootstrap,
    download,
    download_successor,
    enroll,
    fetch_policies,
    prepare_authorization,
    prepare_enrollment,
    prepare_successor,
    register,
    request_successor,
    submit_authorization,
)
from scms.ee.flows.authorization import authorization_fields
from scms.ee.flows.registration import Policies, canonical_id_of
from scms.ee.trust import TrustMaterial
from scms.protocol.ee_eca import CanonicalIdentity, EnrollmentResult

from ._pki import NOW, Pki
from ._run import run
from ._scms import TOKEN, FakeClock, MiniScms


def _device(scms: MiniScms, clock: FakeClock, device_type: str = "OBU"):
    canonical = SoftwareKey.generate()
    registration = run(register(scms.base + "/ra", TOKEN, device_type, canonical.public_point), scms, clock)
    policies = run(fetch_policies(scms.base + "/ra", TOKEN, device_type), scms, clock)
    trust = run(bootstrap(policies.global_policy.urls["ra"], scms.pki.new.ctl, clock()), scms, clock)
    identity = CanonicalIdentity(registration.canonical_id, canonical)
    prepared = prepare_enrollment(policies.device_policy, trust, identity, clock())
    enrolled = run(enroll(policies.global_policy.urls["eca"], prepared, trust, clock()), scms, clock)
    return policies, trust, enrolled


def test_registration_bootstrap_enrollment(scms: MiniScms, clock: FakeClock, pki: Pki) -> None:
    steps: list = []
    canonical = SoftwareKey.generate()
    registration = run(register(scms.base + "/ra", TOKEN, "OBU", canonical.public_point), scms, clock, steps)
    assert registration.canonical_id == canonical_id_of(canonical.public_point) and registration.state == "registered"
    assert steps[0].headers["Authorization"] == f"Bearer {TOKEN}" and "Bearer" not in repr(steps[0])
    policies = run(fetch_policies(scms.base + "/ra", TOKEN, "OBU"), scms, clock)
    assert policies.device_policy.device_type == "OBU" and policies.global_policy.urls["ra"] == scms.base + "/ra"

    steps.clear()
    trust = run(bootstrap(scms.base + "/ra", pki.new.ctl, clock()), scms, clock, steps)
    assert [s.endpoint for s in steps] == ["ra/ctl", "ra/ccf-ctl", "ra/ra-certificate", "ra/composite-crl-ctl"]
    assert steps[0].params == {"ctlSeriesId": pki.config.manager.ctl.series_id, "ctlSequenceNumber": "1"}
    assert trust.roots == (pki.root,) and trust.ra_certificate == pki.certificate("ra")
    assert {c.hashed_id8() for c in trust.certificates} >= {pki.certificate(n).hashed_id8() for n in ("eca", "aca")}
    assert len(trust.crls) == len(pki.new.crls)

    prepared = prepare_enrollment(policies.device_policy, trust, CanonicalIdentity(registration.canonical_id,
                                                                                   canonical), clock())
    enrolled = run(enroll(scms.base + "/eca", prepared, trust, clock()), scms, clock)
    certificate = enrolled.certificate
    assert enrolled.private_key.public_point == certificate.public_key(pki.certificate("eca"))
    verify_chain(certificate, trust.certificates, trust.roots, clock())
    assert certificate.validity.end <= pki.certificate("eca").validity.end    # cut to the ECA's end
    assert {g.psid for group in certificate.cert_request_permissions for g in group.subject} == {32, 38, 135}


def test_an_unregistered_device_is_refused_with_the_ecas_code(scms: MiniScms, clock: FakeClock, pki: Pki) -> None:
    policies = run(fetch_policies(scms.base + "/ra", TOKEN, "OBU"), scms, clock)
    trust = run(bootstrap(scms.base + "/ra", pki.new.ctl, clock()), scms, clock)
    stranger = SoftwareKey.generate()
    prepared = prepare_enrollment(policies.device_policy, trust,
                                  CanonicalIdentity(canonical_id_of(stranger.public_point), stranger), clock())
    with pytest.raises(ServerError) as refused:
        run(enroll(scms.base + "/eca", prepared, trust, clock()), scms, clock)
    assert refused.value.code == "400-21" and refused.value.status == 400
    assert "400-21 unregistered enrollment certificate" in str(refused.value)


def test_a_wrong_operator_token_is_a_401(scms: MiniScms, clock: FakeClock) -> None:
    with pytest.raises(ServerError) as refused:
        run(register(scms.base + "/ra", "guess", "OBU", SoftwareKey.generate().public_point), scms, clock)
    assert refused.value.status == 401 and refused.value.code is None


def _download_all(scms: MiniScms, clock: FakeClock, policies: Policies, trust: TrustMaterial,
                  enrolled: EnrollmentResult, spec: AuthorizationSpec) -> list[DownloadedBatch]:
    prepared = prepare_authorization(spec, policies, enrolled, trust.ra_certificate, clock())
    ack = run(submit_authorization(scms.base + "/ra", prepared, trust.ra_certificate, clock()), scms, clock)
    assert ack.request_hash == prepared.secrets.request_hash
    plan = DownloadPlan(prepared.secrets, ack.first_i, prepared.last_i, ack.next_dl_time)
    batches: list[DownloadedBatch] = []
    count = run(download(scms.base + "/ra", plan, enrolled, trust.ra_certificate, trust, clock(),
                         on_batch=batches.append, deadline=Time32(clock() + 3600)), scms, clock)
    assert count == len(batches)
    return batches


@pytest.mark.parametrize("variant", list(ButterflyVariant), ids=lambda v: v.value)
@pytest.mark.parametrize("kind", list(CertificateType), ids=lambda k: k.value)
def test_pseudonym_certificates_every_variant(
    scms: MiniScms, clock: FakeClock, pki: Pki, variant: ButterflyVariant, kind: CertificateType
) -> None:
    policies, trust, enrolled = _device(scms, clock)
    spec = AuthorizationSpec("pseudonym", variant, kind, periods=2)
    batches = _download_all(scms, clock, policies, trust, enrolled, spec)
    grid = policies.global_policy.parameters.i_periods()
    assert [b.i for b in batches] == [grid.i_at(clock()), grid.i_at(clock()) + 1]
    aca = pki.certificate("aca")
    for batch in batches:
        assert len(batch.certificates) == policies.global_policy.parameters.base_cert_number
        for got in batch.certificates:
            assert got.certificate.type is kind and got.i == batch.i
            assert got.private_key.public_point == got.certificate.public_key(aca)
            assert got.certificate.id.linkage is not None and got.certificate.id.linkage.i_cert == batch.i
            assert {p.psid for p in got.certificate.app_permissions} == {32, 38}


@pytest.mark.parametrize("encrypted", [False, True], ids=["plain", "encrypted"])
def test_identification_certificate_for_an_rsu(scms: MiniScms, clock: FakeClock, pki: Pki, encrypted: bool) -> None:
    policies, trust, enrolled = _device(scms, clock, "RSU")
    spec = AuthorizationSpec("identification", None, CertificateType.EXPLICIT, encrypted_response=encrypted)
    (batch,) = _download_all(scms, clock, policies, trust, enrolled, spec)
    (got,) = batch.certificates
    assert batch.i is None and got.certificate.permits(135) and got.certificate.is_explicit
    assert got.private_key.public_point == got.certificate.public_key()


@pytest.mark.parametrize(("not_yet", "retries"), [("404", [690]), ("503", [660, 720])])
def test_the_download_waits_for_next_dl_time_and_then_while_not_ready(
    scms: MiniScms, clock: FakeClock, not_yet: str, retries: list[int]
) -> None:
    policies, trust, enrolled = _device(scms, clock)
    scms.ready_delay, scms.late, scms.not_yet = 600, 90, not_yet    # announced in 10 minutes, ready 90 s after
    prepared = prepare_authorization(AuthorizationSpec(), policies, enrolled, trust.ra_certificate, clock())
    start = clock()
    ack = run(submit_authorization(scms.base + "/ra", prepared, trust.ra_certificate, clock()), scms, clock)
    assert ack.next_dl_time == start + 600
    plan = DownloadPlan(prepared.secrets, ack.first_i, prepared.last_i, ack.next_dl_time)
    steps: list = []
    got: list[DownloadedBatch] = []
    run(download(scms.base + "/ra", plan, enrolled, trust.ra_certificate, trust, clock(), on_batch=got.append,
                 deadline=Time32(start + 3600), retry_interval=60), scms, clock, steps)
    waits = [s.until for s in steps if isinstance(s, Wait)]
    assert waits == [start + 600, *(start + r for r in retries)]   # nextDlTime, then Retry-After or every 60 s
    gets = [s for s in steps if isinstance(s, HttpRequest)]
    assert len({s.headers["Ieee-1609.2.1-Authorization"] for s in gets}) == len(gets) == len(retries) + 1
    assert len(got) == 1 and clock() == start + retries[-1]


def test_a_bare_404_is_no_such_file(scms: MiniScms, clock: FakeClock) -> None:
    policies, trust, enrolled = _device(scms, clock)
    scms.ready_delay, scms.late, scms.not_yet = 0, 90, "bare"
    prepared = prepare_authorization(AuthorizationSpec(), policies, enrolled, trust.ra_certificate, clock())
    ack = run(submit_authorization(scms.base + "/ra", prepared, trust.ra_certificate, clock()), scms, clock)
    plan = DownloadPlan(prepared.secrets, ack.first_i, prepared.last_i, ack.next_dl_time)
    with pytest.raises(ServerError, match="HTTP 404") as missing:
        run(download(scms.base + "/ra", plan, enrolled, trust.ra_certificate, trust, clock(),
                     on_batch=lambda _: None, deadline=Time32(clock() + 3600)), scms, clock)
    assert missing.value.status == 404 and missing.value.code is None


def test_a_download_not_ready_by_the_deadline_stops_with_not_ready(scms: MiniScms, clock: FakeClock) -> None:
    policies, trust, enrolled = _device(scms, clock)
    scms.ready_delay = 7200
    prepared = prepare_authorization(AuthorizationSpec(), policies, enrolled, trust.ra_certificate, clock())
    ack = run(submit_authorization(scms.base + "/ra", prepared, trust.ra_certificate, clock()), scms, clock)
    plan = DownloadPlan(prepared.secrets, ack.first_i, prepared.last_i, ack.next_dl_time)
    with pytest.raises(NotReady) as early:
        run(download(scms.base + "/ra", plan, enrolled, trust.ra_certificate, trust, clock(),
                     on_batch=lambda _: None, deadline=Time32(clock() + 60)), scms, clock)
    assert early.value.next_try == ack.next_dl_time


def test_resume_skips_the_i_periods_already_stored(scms: MiniScms, clock: FakeClock) -> None:
    policies, trust, enrolled = _device(scms, clock)
    prepared = prepare_authorization(AuthorizationSpec(periods=3), policies, enrolled, trust.ra_certificate, clock())
    ack = run(submit_authorization(scms.base + "/ra", prepared, trust.ra_certificate, clock()), scms, clock)
    assert ack.first_i is not None
    have = frozenset({ack.first_i, ack.first_i + 2})
    plan = DownloadPlan(prepared.secrets, ack.first_i, prepared.last_i, ack.next_dl_time, have)
    got: list[DownloadedBatch] = []
    steps: list = []
    run(download(scms.base + "/ra", plan, enrolled, trust.ra_certificate, trust, clock(), on_batch=got.append,
                 deadline=Time32(clock() + 60)), scms, clock, steps)
    assert [b.i for b in got] == [ack.first_i + 1] and len(steps) == 1


def test_successor_enrollment(scms: MiniScms, clock: FakeClock, pki: Pki) -> None:
    policies, trust, enrolled = _device(scms, clock)
    scms.ready_delay = 30
    prepared = prepare_successor(policies.device_policy, trust, enrolled, trust.ra_certificate, clock())
    info = run(request_successor(scms.base + "/ra", prepared, trust.ra_certificate, clock()), scms, clock)
    assert info.request_hash == prepared.request_hash and info.next_dl_time == clock() + 30
    renewed = run(download_successor(scms.base + "/ra", prepared, enrolled, trust.ra_certificate, trust, clock(),
                                     not_before=info.next_dl_time, deadline=Time32(clock() + 600)), scms, clock)
    assert renewed.certificate != enrolled.certificate
    assert renewed.private_key.public_point == renewed.certificate.public_key(pki.certificate("eca"))
    # the new certificate works: it signs the next authorization request
    assert _download_all(scms, clock, policies, trust, renewed, AuthorizationSpec())


def test_the_trust_material_is_verified_from_the_anchor(scms: MiniScms, clock: FakeClock, pki: Pki) -> None:
    other = Pki.build()                # same CTL series, other electors and roots
    with pytest.raises(Ieee1609Error, match="CTL 1 differs from the one already verified") as foreign:
        run(bootstrap(scms.base + "/ra", other.new.ctl, clock()), scms, clock)
    assert foreign.value.header_value == "400-40"
    scms.composite_crl = other.new.composite_crl     # an RA serving a CRL of another SCMS
    with pytest.raises(Ieee1609Error) as crl:
        run(bootstrap(scms.base + "/ra", pki.new.ctl, clock()), scms, clock)
    assert crl.value.header_value == "400-40"


def test_a_pseudonym_request_covers_whole_i_periods_from_now(pki: Pki) -> None:
    policies = Policies(pki.new.global_policy, pki.new.device_policies["OBU"], b"", b"")
    grid = policies.global_policy.parameters.i_periods()
    i = grid.i_at(NOW)
    middle = Time32(grid.start(i) + 100_000)
    fields, first = authorization_fields(AuthorizationSpec(periods=3), policies, middle)
    assert first == i and fields.validity.end == grid.start(i + 3)
    assert 0 <= fields.validity.start - middle < 3600 and fields.validity.unit == "hours"
    late = Time32(grid.start(i + 1) - 600)           # the last ten minutes of i-period i
    fields, first = authorization_fields(AuthorizationSpec(periods=1), policies, late)
    assert first == i + 1 and fields.validity.end == grid.start(i + 2)
    rsu = Policies(pki.new.global_policy, pki.new.device_policies["RSU"], b"", b"")
    fields, first = authorization_fields(AuthorizationSpec("identification", None), rsu, middle)
    assert first is None and fields.validity.start == middle and fields.validity.count == 168
