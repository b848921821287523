"""RA -> ACA over HTTP, on SQLite and PostgreSQL: a shuffled batch of every butterfly variant (explicit and
implicit) and of identification requests (plain and encrypted) is answered request by request; the RA opens each
answer, the EE reads each certificate and its private key, and each pseudonym certificate's linkage value is the
one both LAs' seeds give. A retried batch gets the same bytes and issues nothing; refused requests get their own
codes while the others are answered; the body limit holds; the RA's chain is verified once."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, select

from scms.crypto import ButterflyVariant
from scms.deployment import Deployment
from scms.dot2.certificate_fields import CertificateType
from scms.dot2.errors import ErrorCode
from scms.services.aca import worker as aca_worker
from scms.services.aca.tables import ACA_METADATA, requests

from ..ra._support import make_deployment
from ._support import BATCH, MiniRa, Stack, Wanted, answers, post_batch, shuffled

pytestmark = pytest.mark.anyio


async def test_a_mixed_batch_is_answered_and_read_by_each_ee(stack: Stack, deployment: Deployment) -> None:
    ra = MiniRa(stack)
    wanted: list[Wanted] = []
    for variant in ButterflyVariant:
        for kind in CertificateType:
            wanted += await ra.device_year(variant, kind, i_count=2, j_max=2)
    identification = [ra.identification(kind, encrypted=encrypted)
                      for kind in CertificateType for encrypted in (False, True)]
    batch = shuffled(wanted + identification)
    async with stack.running() as client:
        response = await post_batch(client, batch)
    got = answers(response, batch).responses
    crl = deployment.config.manager.crl
    root = deployment.certificate("root")
    for asked, answer in zip(batch, got, strict=True):
        assert isinstance(answer, bytes), answer
        certificate = ra.read(asked, answer)
        assert certificate.certificate.type is asked.secrets.certificate_type
        assert certificate.private_key.public_point == certificate.certificate.public_key(deployment.certificate("aca"))
        assert certificate.certificate.craca_id == root.hashed_id3()
        linkage = certificate.certificate.id.linkage
        if asked.i is None:
            assert linkage is None and certificate.certificate.crl_series == crl.identification_series
            continue
        assert certificate.certificate.crl_series == crl.pseudonym_series
        assert linkage is not None and int(linkage.i_cert) == asked.i
        assert linkage.linkage_value == ra.expected_linkage_value(asked)
    assert stack.counts() == (len(batch), 1)


async def test_a_retried_batch_gets_the_same_bytes_and_issues_nothing(stack: Stack, caplog: pytest.LogCaptureFixture
                                                                       ) -> None:
    ra = MiniRa(stack)
    batch = await ra.device_year(ButterflyVariant.UNIFIED, CertificateType.IMPLICIT, i_count=1, j_max=5)
    caplog.set_level("INFO", logger="scms.audit")
    async with stack.running() as client:
        first = await post_batch(client, batch)
        issued = caplog.text.count("certificate.issue.end")
        stack.clock.advance(30)
        again = await post_batch(client, batch)
        reordered = await post_batch(client, batch[::-1])
    assert issued == len(batch)
    assert caplog.text.count("certificate.issue.end") == issued          # no certificate issued by the retries
    assert again.content == first.content
    assert answers(reordered, batch[::-1]).responses == answers(first, batch).responses[::-1]
    assert stack.counts() == (len(batch), 1)


async def test_refused_requests_get_their_codes_and_the_others_are_answered(
    stack: Stack, tmp_path_factory: pytest.TempPathFactory
) -> None:
    ra = MiniRa(stack)
    good = await ra.device_year(ButterflyVariant.COMPACT_UNIFIED, CertificateType.IMPLICIT, i_count=1, j_max=2)
    forged = bytearray(good[0].spdu)
    forged[-1] ^= 0x01                                                   # the signature's last octet
    stranger = make_deployment(tmp_path_factory.mktemp("other") / "scms-data")
    other_ra = MiniRa(stack, key=stranger.signing_key("ra"), certificate=stranger.certificate("ra"))
    not_an_ra = MiniRa(stack, key=stack.deployment.signing_key("eca"), certificate=stack.deployment.certificate("eca"))
    cases: list[tuple[bytes, ErrorCode | None]] = [
        (good[0].spdu, None),
        (bytes(forged), ErrorCode.FAILED_SIGNATURE_VERIFICATION),
        ((await other_ra.device_year(ButterflyVariant.UNIFIED, CertificateType.EXPLICIT, 1, 1))[0].spdu,
         ErrorCode.FAILED_CHAIN_VERIFICATION),
        (ra.identification(CertificateType.EXPLICIT, encrypted=True, psid=99).spdu,
         ErrorCode.DISALLOWED_APP_PERMISSIONS),
        (b"\x03\x81" + bytes(40), ErrorCode.FAILED_PARSING),
        (good[1].spdu, None),
    ]
    with pytest.raises(ValueError, match="not an RA certificate"):
        not_an_ra.identification(CertificateType.EXPLICIT, encrypted=False)   # the RA side refuses to sign it
    spdus = [spdu for spdu, _ in cases]
    async with stack.running() as client:
        got = answers(await post_batch(client, spdus), spdus).responses
        stack.clock.advance(5)
        retried = answers(await post_batch(client, spdus), spdus).responses
    for (_, code), answer in zip(cases, got, strict=True):
        if code is None:
            assert isinstance(answer, bytes)
        else:
            assert answer is code, (code, answer)
    assert retried == got                                                 # refusals verified again, answers stored
    with stack.aca.engine.connect() as connection:
        by_state = select(requests.c.state, func.count()).group_by(requests.c.state)
        states: dict[str, int] = {state: count for state, count in connection.execute(by_state)}
    assert states == {"issued": 2}                                        # refusals are not kept once answered


async def test_a_batch_over_the_body_limit_is_refused_before_parsing(stack: Stack, deployment: Deployment) -> None:
    ra = MiniRa(stack)
    one = ra.identification(CertificateType.IMPLICIT, encrypted=False).spdu
    count = deployment.config.aca.max_body_size // len(one) + 1           # base64 makes it larger still
    async with stack.running() as client:
        response = await post_batch(client, [one] * count)
        assert (response.status_code, response.headers["Ieee-1609.2.1-Error"]) == (400, "400-42")
        for body in (b"[]", b'{"version": 1, "type": "ra-aca-requests", "requests": []}', b"\xff"):
            refused = await client.post(BATCH, content=body)
            assert (refused.status_code, refused.headers["Ieee-1609.2.1-Error"]) == (400, "400-42")
    assert stack.counts() == (0, 0)


async def test_the_ra_chain_is_verified_once_per_certificate(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(aca_worker, "_WORKERS", {})                       # a fresh issuing side in this process
    ra = MiniRa(stack)
    batch = await ra.device_year(ButterflyVariant.ORIGINAL, CertificateType.EXPLICIT, i_count=2, j_max=3)
    async with stack.running() as client:
        answers(await post_batch(client, batch), batch)
    worker = aca_worker.worker_for(str(stack.aca.service.settings.deployment_root), stack.now())
    assert worker.ra_certificates.verified == 1
    assert "[secure]" in repr(worker) and "AcaIssuer" not in repr(worker)


async def test_schema_health_and_openapi(stack: Stack) -> None:
    def ours(_obj: object, name: str | None, kind: str, _reflected: bool, _other: object) -> bool:
        return kind != "table" or name in ACA_METADATA.tables

    with stack.aca.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_object": ours, "compare_type": True})
        assert compare_metadata(context, ACA_METADATA) == []
    async with stack.running() as client:
        assert (await client.get("/healthz")).json() == {"status": "alive"}
        ready = await client.get("/readyz")
        assert ready.status_code == 200 and ready.json()["checks"] == {"database": "ok", "migrations": "ok"}
        assert BATCH in (await client.get("/openapi.json")).json()["paths"]
        assert (await client.get(BATCH)).status_code == 405


