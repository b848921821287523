"""A small SCMS over HTTP for the EE tests: the RA's registration API and REST API v3 routes and the ECA's, each
answer made by the protocol steps of `_pki.Pki` at the time of a shared fake clock. It answers `HttpRequest`s
directly (`handle`) or behind an httpx transport (`transport()`), so the flows run with and without a driver.

Behaviour a test can set: `ready_delay` (the acknowledgement's nextDlTime is now + it), `late` (the files are
ready that much later than announced: the RA says 404 until then), and the published composite CRL.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

import httpx

from scms.crypto import Curve, HashedId8, Point, SoftwareKey
from scms.deployment import dump_policy
from scms.dot2.certificate import Certificate
from scms.dot2.errors import ErrorCode, Ieee1609Error
from scms.dot2.time import IValue, Time32
from scms.ee.exchange import HttpRequest, HttpResponse
from scms.ee.flows.registration import canonical_id_of
from scms.protocol.ctl import parse_ctl
from scms.protocol.download_files import batch_filename, build_batch_zip, certificate_filename, enrollment_filename
from scms.protocol.ee_eca import parse_enrollment_request
from scms.protocol.ee_ra_ack import CertInfo, build_cert_ack, build_enrollment_ack
from scms.protocol.ee_ra_download import AUTHORIZATION_HEADER, open_download_request
from scms.protocol.ee_ra_request import open_authorization_request
from scms.protocol.ee_ra_successor import open_successor_request
from scms.protocol.la import LinkageChain
from scms.protocol.ra_receiver import RaReceiver

from ._pki import Pki

TOKEN = "operator-secret"
MAX_AGE = 300


@dataclass
class FakeClock:
    """Time32 that moves only when someone sleeps."""

    now: Time32

    def __call__(self) -> Time32:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now = Time32(self.now + max(0, round(seconds)))


@dataclass
class _Files:
    enrollment_id: HashedId8
    ready_at: Time32
    files: dict[str, bytes] = field(default_factory=dict)


class MiniScms:
    def __init__(self, pki: Pki, clock: FakeClock) -> None:
        self.pki = pki
        self.clock = clock
        self.ready_delay = 0
        self.late = 0
        self.skip_first = False
        """Leave out the first i-period asked (as the RA does when its ACA certificate cannot cover it)."""
        self.not_yet = "404"
        """How the RA says "not yet": "404" (ours: with Retry-After), "503" (no Retry-After) or "bare" (a 404)."""
        self.devices: dict[str, tuple[str, Point]] = {}
        self.ctls = [pki.new.ctl]
        self.composite_crl = pki.new.composite_crl
        self.requests: dict[HashedId8, _Files] = {}
        self.chains: dict[HashedId8, tuple[LinkageChain, LinkageChain]] = {}
        self.seen: list[str] = []
        self.bodies: list[bytes] = []
        ra = pki.new.hierarchy["ra"]
        assert ra.encryption_key is not None
        self.receiver = RaReceiver(ra.certificate, ra.encryption_key, self._check_enrollment,
                                   (pki.certificate("eca"),))

    @property
    def base(self) -> str:
        return self.pki.config.deployment.base_url

    def transport(self) -> httpx.MockTransport:
        def handler(request: httpx.Request) -> httpx.Response:
            answer = self.handle(HttpRequest(
                request.method, str(request.url.copy_with(query=None)), "test", dict(request.url.params),
                dict(request.headers), request.read(),
            ))
            return httpx.Response(answer.status, headers=dict(answer.headers), content=answer.body)
        return httpx.MockTransport(handler)

    # -- dispatch ------------------------------------------------------------------------------------------------
    def handle(self, request: HttpRequest) -> HttpResponse:
        path = urlsplit(request.url).path
        query = {**{k: v[0] for k, v in parse_qs(urlsplit(request.url).query).items()}, **request.params}
        headers = {k.lower(): v for k, v in request.headers.items()}
        self.seen.append(f"{request.method} {path}")
        self.bodies.append(request.body)
        routes: dict[tuple[str, str], Callable[[bytes, dict[str, str], dict[str, str]], HttpResponse]] = {
            ("POST", "/ra/registration/v1/devices"): self._register,
            ("GET", "/ra/registration/v1/policy/global"): self._global_policy,
            ("GET", "/ra/v3/ctl"): self._ctl,
            ("GET", "/ra/v3/ccf-ctl"): lambda *_: _coer(self.pki.new.ccf),
            ("GET", "/ra/v3/ra-certificate"): lambda *_: _coer(self.pki.certificate("ra").data),
            ("GET", "/ra/v3/composite-crl-ctl"): lambda *_: _coer(self.composite_crl),
            ("POST", "/eca/v3/enrollment-certificate"): self._enroll,
            ("POST", "/ra/v3/authorization-certificate"): self._authorization,
            ("GET", "/ra/v3/authorization-certificate"): self._download,
            ("POST", "/ra/v3/successor-enrollment-certificate"): self._successor,
            ("GET", "/ra/v3/successor-enrollment-certificate"): self._download,
        }
        if path.startswith("/ra/registration/v1/policy/devices/"):
            return self._device_policy(path.rsplit("/", 1)[-1], headers)
        route = routes.get((request.method, path))
        if route is None:
            return HttpResponse(404, {}, b"")
        try:
            return route(request.body, query, headers)
        except Ieee1609Error as error:
            return HttpResponse(error.status, {"ieee-1609.2.1-error": error.header_value}, b"")

    # -- registration (operator) ---------------------------------------------------------------------------------
    def _authorized(self, headers: dict[str, str]) -> bool:
        return headers.get("authorization") == f"Bearer {TOKEN}"

    def _register(self, body: bytes, _: dict[str, str], headers: dict[str, str]) -> HttpResponse:
        if not self._authorized(headers):
            return HttpResponse(401, {}, b"")
        value = json.loads(body)
        key = Point.decode(Curve.P256, bytes.fromhex(value["public_key"]))
        canonical_id = canonical_id_of(key)
        self.devices[canonical_id] = (value["device_type"], key)
        answer = {"canonical_id": canonical_id, "device_type": value["device_type"], "state": "registered"}
        return HttpResponse(201, {"content-type": "application/json"}, json.dumps(answer).encode())

    def _global_policy(self, _: bytes, __: dict[str, str], headers: dict[str, str]) -> HttpResponse:
        if not self._authorized(headers):
            return HttpResponse(401, {}, b"")
        return HttpResponse(200, {"content-type": "application/json"}, dump_policy(self.pki.new.global_policy))

    def _device_policy(self, device_type: str, headers: dict[str, str]) -> HttpResponse:
        if not self._authorized(headers):
            return HttpResponse(401, {}, b"")
        policy = self.pki.new.device_policies[device_type.upper()]  # type: ignore[index]  # str, not the Literal
        return HttpResponse(200, {"content-type": "application/json"}, dump_policy(policy))

    # -- trust material ------------------------------------------------------------------------------------------
    def _ctl(self, _: bytes, query: dict[str, str], __: dict[str, str]) -> HttpResponse:
        first = int(query["ctlSequenceNumber"])
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
            for ctl in self.ctls:
                parsed = parse_ctl(ctl)
                if parsed.sequence_number >= first:
                    archive.writestr(f"ctl_{parsed.series_id.hex()}_{parsed.sequence_number}.oer", ctl)
        return _coer(buffer.getvalue())

    # -- ECA -----------------------------------------------------------------------------------------------------
    def _canonical_key(self, canonical_id: str) -> Point:
        if canonical_id not in self.devices:
            raise Ieee1609Error(ErrorCode.UNREGISTERED_ENROLLMENT_CERTIFICATE, canonical_id)
        return self.devices[canonical_id][1]

    def _enroll(self, body: bytes, _: dict[str, str], __: dict[str, str]) -> HttpResponse:
        now = self.clock()
        request = parse_enrollment_request(body, now, MAX_AGE, canonical_key=self._canonical_key)
        return _coer(self.pki.issue_enrollment(request, now))

    # -- RA ------------------------------------------------------------------------------------------------------
    def _check_enrollment(self, certificate: Certificate, now: Time32) -> None:
        self.pki.check(certificate, now)

    def _files(self, request_hash: HashedId8, enrollment: Certificate, now: Time32) -> _Files:
        ready_at = Time32(now + self.ready_delay + self.late)
        files = _Files(enrollment.hashed_id8(), ready_at)
        self.requests[request_hash] = files
        return files

    def _authorization(self, body: bytes, _: dict[str, str], __: dict[str, str]) -> HttpResponse:
        now = self.clock()
        request = open_authorization_request(body, self.receiver, now, max_age=MAX_AGE)
        request.check_within_enrollment()
        if not request.tbs.validity.within(request.enrollment_certificate.validity):   # as the RA's policy
            raise Ieee1609Error(ErrorCode.DISALLOWED_VALIDITY_PERIOD, "not within the enrollment certificate")
        files = self._files(request.request_hash, request.enrollment_certificate, now)
        due = Time32(now + self.ready_delay)
        butterfly = request.butterfly
        if butterfly is None:
            files.files[certificate_filename(request.request_hash)] = self.pki.identification_certificate(request, now)
            return _coer(build_cert_ack(request.request_hash, None, due, *self._ra(), now))
        parameters = self.pki.config.policy
        grid = parameters.i_periods()
        validity = request.tbs.validity       # every i-period it touches from the one of generationTime on
        first = grid.i_at(Time32(max(validity.start, request.generation_time)))
        last = grid.i_at(Time32(validity.end - 1))
        first = IValue(first + 1) if self.skip_first else first
        chains = self.pki.linkage_chains(first)
        self.chains[request.request_hash] = chains
        for i in range(first, last + 1):
            answers = self.pki.pseudonym_batch(request, butterfly, chains, i, now)
            info = CertInfo(request.request_hash, IValue(i), due, now)
            files.files[batch_filename(request.request_hash, i)] = build_batch_zip(info, answers)
        return _coer(build_cert_ack(request.request_hash, first, due, *self._ra(), now))

    def _ra(self) -> tuple[SoftwareKey, Certificate]:
        ra = self.pki.new.hierarchy["ra"]
        return ra.signing_key, ra.certificate

    def _successor(self, body: bytes, _: dict[str, str], __: dict[str, str]) -> HttpResponse:
        now = self.clock()
        request = open_successor_request(body, self.receiver, now, max_age=MAX_AGE)
        files = self._files(request.request_hash, request.enrollment_certificate, now)
        inner = parse_enrollment_request(request.eca_request, now, MAX_AGE)
        files.files[enrollment_filename(request.request_hash)] = self.pki.issue_enrollment(inner, now)
        info = CertInfo(request.request_hash, IValue(self.pki.config.policy.i_periods().i_at(now)),
                        Time32(now + self.ready_delay), now)
        ra = self.pki.new.hierarchy["ra"]
        return _coer(build_enrollment_ack(info, ra.signing_key, ra.certificate, now))

    def _download(self, _: bytes, query: dict[str, str], headers: dict[str, str]) -> HttpResponse:
        now = self.clock()
        asked = open_download_request(headers[AUTHORIZATION_HEADER.lower()], self.receiver, now, max_age=MAX_AGE)
        if query.get("filename", asked.filename) != asked.filename:
            raise Ieee1609Error(ErrorCode.FAILED_PARSING, "the query names another file than the header")
        for files in self.requests.values():
            if asked.filename in files.files:
                if files.enrollment_id != asked.enrollment_id:
                    return HttpResponse(403, {}, b"")
                if now < files.ready_at:
                    return self._not_yet(files.ready_at, now)
                return _coer(files.files[asked.filename])
        return HttpResponse(404, {}, b"")


    def _not_yet(self, ready_at: Time32, now: Time32) -> HttpResponse:
        if self.not_yet == "404":       # our RA's answer
            body = json.dumps({"status": "not yet", "nextDlTime": int(ready_at)}).encode()
            return HttpResponse(404, {"retry-after": str(ready_at - now), "content-type": "application/json"}, body)
        return HttpResponse(503 if self.not_yet == "503" else 404, {}, b"")


def _coer(data: bytes) -> HttpResponse:
    return HttpResponse(200, {"content-type": "application/octet-stream"}, data)
