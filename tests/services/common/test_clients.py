"""`PeerClient`: in-process over ASGI, bounded retries on connection errors only, httpx errors become PeerError."""

from __future__ import annotations

import datetime as dt
import socket
import ssl
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from scms.dot2.errors import ErrorCode
from scms.services.common import AppSettings, PeerClient, PeerError, PeerSettings, TlsSettings, peer_error_code

from ._demo_app import demo_app

pytestmark = pytest.mark.anyio


class Flaky(httpx.AsyncBaseTransport):
    """Raises `error` for the first `failures` requests, then answers 200."""

    def __init__(self, error: type[httpx.TransportError], failures: int) -> None:
        self.error, self.failures, self.calls = error, failures, 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        if self.calls <= self.failures:
            raise self.error("simulated", request=request)
        return httpx.Response(200, content=request.content)


def settings(retries: int = 2) -> PeerSettings:
    return PeerSettings(name="aca", base_url="http://aca", connect_retries=retries, retry_backoff_s=0.001)


async def test_in_process_requests_through_the_asgi_transport() -> None:
    transport = httpx.ASGITransport(app=demo_app(AppSettings()))
    async with PeerClient(settings(), transport) as client:
        echoed = await client.post("/v3/echo", b"\x01\x02")
        refused = await client.get("/v3/fail/FAILED_DECRYPTION")
        with pytest.raises(PeerError) as crashed:
            await client.get("/v3/crash")
    assert echoed.content == b"\x02\x01"
    assert refused.status_code == 400 and peer_error_code(refused) is ErrorCode.FAILED_DECRYPTION
    assert (crashed.value.peer, crashed.value.status) == ("aca", 500)
    assert peer_error_code(echoed) is None


@pytest.mark.parametrize("error", [httpx.ConnectError, httpx.ConnectTimeout])
async def test_connection_errors_are_retried_a_bounded_number_of_times(error: type[httpx.TransportError]) -> None:
    always = Flaky(error, failures=100)
    async with PeerClient(settings(retries=2), always) as client:
        with pytest.raises(PeerError) as caught:
            await client.post("/v3/x", b"body")
    assert always.calls == 3
    assert (caught.value.peer, caught.value.reason, caught.value.status) == ("aca", error.__name__, None)
    once = Flaky(error, failures=1)
    async with PeerClient(settings(retries=2), once) as client:
        assert (await client.post("/v3/x", b"body")).content == b"body"
    assert once.calls == 2


@pytest.mark.parametrize("error", [httpx.ReadTimeout, httpx.RemoteProtocolError, httpx.WriteError])
async def test_errors_after_sending_are_not_retried(error: type[httpx.TransportError]) -> None:
    """The peer may have acted on the request already; a retry could do the work twice."""
    transport = Flaky(error, failures=100)
    async with PeerClient(settings(retries=3), transport) as client:
        with pytest.raises(PeerError, match=error.__name__):
            await client.get("/v3/x")
    assert transport.calls == 1


async def test_a_closed_port_is_a_peer_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = PeerSettings(name="la1", base_url=f"http://127.0.0.1:{port}", connect_retries=1, retry_backoff_s=0.001)
    async with PeerClient(config) as client:
        with pytest.raises(PeerError) as caught:
            await client.get("/healthz")
    assert (caught.value.peer, caught.value.reason) == ("la1", "ConnectError")



def _certificate(name: str, key: ec.EllipticCurvePrivateKey, issuer: x509.Name | None = None,
                 signer: ec.EllipticCurvePrivateKey | None = None) -> x509.Certificate:
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    return (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer or subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now).not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=issuer is None, path_length=None), critical=True)
            .sign(signer or key, hashes.SHA256()))


def _write_key(path: Path, key: ec.EllipticCurvePrivateKey) -> None:
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    path.chmod(0o600)


async def test_mutual_tls_files_are_loaded_and_a_wrong_key_is_refused(tmp_path: Path) -> None:
    ca_key, client_key, other_key = (ec.generate_private_key(ec.SECP256R1()) for _ in range(3))
    ca = _certificate("scms test ca", ca_key)
    client = _certificate("ra", client_key, ca.subject, ca_key)
    (tmp_path / "ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "ra.pem").write_bytes(client.public_bytes(serialization.Encoding.PEM))
    _write_key(tmp_path / "ra.key", client_key)
    _write_key(tmp_path / "other.key", other_key)
    good = TlsSettings(ca_file=tmp_path / "ca.pem", cert_file=tmp_path / "ra.pem", key_file=tmp_path / "ra.key")
    async with PeerClient(PeerSettings(name="aca", base_url="https://aca.internal", tls=good)):
        pass
    wrong = TlsSettings(ca_file=tmp_path / "ca.pem", cert_file=tmp_path / "ra.pem", key_file=tmp_path / "other.key")
    with pytest.raises(ssl.SSLError):
        PeerClient(PeerSettings(name="aca", base_url="https://aca.internal", tls=wrong))
    with pytest.raises(FileNotFoundError):
        PeerClient(PeerSettings(name="aca", base_url="https://aca.internal", tls=TlsSettings(tmp_path / "none.pem")))
