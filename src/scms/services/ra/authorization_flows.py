"""The RA's authorization certificate flows (1609.2.1 clauses 6.3.5.2, 6.3.5.3, 8.2), one function each, in
numbered steps (style rule 6; docs/services.md "RA"). The HTTP handlers only parse and render.

`request_authorization`: the request is opened, checked and committed with its plan and its generation job, then
acknowledged at once; no certificate work happens on this path (`generation` does it in the background).
`download_authorization`: an authenticated download of a batch zip (or a non-butterfly request's one file).
"""

from __future__ import annotations

import contextlib
from dataclasses import replace

from scms import asn1
from scms.crypto import HashedId8, sha256
from scms.dot2.errors import ErrorCode, Ieee1609Error
from scms.dot2.time import Time32
from scms.protocol.ee_ra_ack import build_cert_ack
from scms.protocol.ee_ra_request import AuthorizationRequest, open_authorization_request
from scms.services.ra.authorization_policy import AuthorizationPlan, plan_authorization
from scms.services.ra.authorization_store import StoredRequest, same_request
from scms.services.ra.devices import Device
from scms.services.ra.downloads import NotFound, NotYet, check_owner, open_download
from scms.services.ra.lifecycle import DeviceEvent, DeviceState, LifecycleError
from scms.services.ra.requester import Requester
from scms.services.ra.schedule import due_at, ready_time
from scms.services.ra.service import RaService

__all__ = ["download_authorization", "request_authorization"]


def request_authorization(service: RaService, data: bytes) -> bytes:
    """Authorization certificate request (1609.2.1 clause 6.3.5.2): an `EeRaCertRequestSpdu` in, the
    `RaEeCertAckSpdu` out (requestHash, firstI, nextDlTime). Raises Ieee1609Error (rendered by the app)."""
    now = service.now()
    # Step 1: the body is within [ra] max_body_size: the common app refused a larger one (400-42) unread.
    # Step 2: the same request bytes again: the stored acknowledgement (the request is committed already).
    stored = service.requests.find(HashedId8.of(data))
    if stored is not None:
        return same_request(stored, sha256(data)).ack
    # Step 3: open it (400-42, 400-10, 400-81, 400-41, 400-40, 400-43, 400-64, 400-50, 400-77 ra-maxAge, 400-712)
    # and check who sent it: chain (400-40), a registered device (400-21), not blocked (400-20).
    requester = Requester(service.enrollment_chains, service.devices)
    request = open_authorization_request(data, service.receiver(requester), now,
                                         max_age=service.settings.parameters.ra_max_age)
    device = requester.device
    # Step 4: the plan, from the device type's policy (400-30, 400-32, 400-33, 400-34, 400-35, 400-78).
    plan = _plan(service, request, device, now)
    # Step 5: the acknowledgement, signed: requestHash, firstI (butterfly), nextDlTime.
    parameters, delay = service.settings.parameters, service.settings.generation.download_delay_s
    next_dl_time = ready_time(parameters, delay, now, plan.i_first)
    ack = build_cert_ack(request.request_hash, plan.i_first, next_dl_time, service.keys.signing,
                         service.certificate, now)
    # Step 6: ra-maxReqs and ra-minWait per enrollment certificate and set (400-79, 400-711); the request, its plan
    # and its generation job committed together; the runner woken.
    first_due = now if plan.i_first is None else Time32(max(int(now), int(due_at(parameters, plan.i_first))))
    stored = service.requests.accept(
        _record(request, device, plan, now, next_dl_time, ack), service.limits, now=service.clock(),
        max_attempts=service.settings.generation.max_attempts, run_after=service.settings.datetime(first_due),
    )
    service.wake()
    # Step 7: the device is provisioning (the registry's lifecycle; a device blocked meanwhile stays blocked).
    _provisioning(service, device)
    return stored.ack


def _plan(service: RaService, request: AuthorizationRequest, device: Device, now: Time32) -> AuthorizationPlan:
    policy = service.settings.device_policies.get(device.device_type)
    if policy is None:
        raise Ieee1609Error(ErrorCode.UNREGISTERED_ENROLLMENT_CERTIFICATE, f"no policy for {device.device_type}")
    settings = service.settings
    return plan_authorization(request, policy, settings.parameters, settings.deployment_region, service.aca, now)


def _record(request: AuthorizationRequest, device: Device, plan: AuthorizationPlan, now: Time32,
            next_dl_time: Time32, ack: bytes) -> StoredRequest:
    template = replace(plan.template, verification_key=request.requested_key)
    if request.butterfly is not None:
        parameters: bytes | None = asn1.encode("AdditionalParams", request.butterfly.to_coer())
    elif request.response_encryption_key is not None:
        parameters = asn1.encode("AdditionalParams", ("encryptionKey", request.response_encryption_key.to_coer()))
    else:
        parameters = None
    return StoredRequest(
        request_hash=request.request_hash,
        request_digest=sha256(request.raw),
        enrollment_id=request.enrollment_certificate.hashed_id8(),
        canonical_id=device.canonical_id,
        device_type=device.device_type,
        profile=plan.profile.name,
        variant=None if request.butterfly is None else request.butterfly.variant,
        certificate_type=request.certificate_type,
        parameters=parameters,
        template=asn1.encode("ToBeSignedCertificate", template.tbs_value()),
        generation_time=request.generation_time,
        received_at=now,
        i_first=None if plan.i_first is None else int(plan.i_first),
        i_last=None if plan.i_last is None else int(plan.i_last),
        j_count=plan.j_count,
        next_dl_time=next_dl_time,
        ack=ack,
    )


def _provisioning(service: RaService, device: Device) -> None:
    if device.state is DeviceState.ENROLLED:
        with contextlib.suppress(LifecycleError):  # blocked or deleted meanwhile: generation stops for it
            service.devices.apply(device.canonical_id, DeviceEvent.PROVISION, service.clock())


def download_authorization(service: RaService, header: str | None, query_filename: str | None
                           ) -> tuple[str, bytes]:
    """Authorization certificate download (1609.2.1 clauses 6.3.5.3, 8.2): the file name and bytes of the batch
    zip `<requestHash>_<i>.zip` or of a non-butterfly request's file `<requestHash>`. Raises Ieee1609Error,
    `NotYet` (planned, not ready) or `NotFound`."""
    # Steps 1-3: the authenticated download request and the file it names (scms.services.ra.downloads).
    download = open_download(service, header, query_filename, ("batch", "certificate"))
    # Step 4: the request it names, made by this enrollment certificate (400-62 otherwise).
    request = service.requests.find(download.file.request_hash)
    if request is None:
        raise NotFound(download.file.request_hash.hex())
    check_owner(download, request.enrollment_id)
    # Step 5: the file of that i-period (or the request's one file), if the request plans it.
    i = download.file.i
    if (i is None) == request.butterfly or (i is not None and i not in request.periods):
        raise NotFound(download.request.filename)
    stored = service.items.file(request.request_hash, 0 if i is None else i)
    if stored is not None:
        return stored
    # Step 6: not ready: when to come back, unless it never will be (cancelled or failed).
    if request.state != "accepted":
        raise NotFound(f"{download.request.filename} ({request.state})")
    settings = service.settings
    raise NotYet(ready_time(settings.parameters, settings.generation.download_delay_s, request.received_at, i))
