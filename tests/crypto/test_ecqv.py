"""ECQV issuance (CA, two steps) and reconstruction (EE), on every curve."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scms.crypto import (
    Curve,
    EcqvIssuance,
    InvalidKey,
    SoftwareKey,
    _scalar,
    ecqv_begin,
    ecqv_begin_many,
    ecqv_e,
    ecqv_e_from_issuer_hash,
    ecqv_finish,
    ecqv_issuing,
    ecqv_private_key,
    ecqv_public_key,
    sha256,
    sha384,
)

from ._helpers import CURVES

PROPERTY = settings(max_examples=20, deadline=None)
CA_KEYS = {curve: SoftwareKey.generate(curve) for curve in CURVES}
ISSUER_CERTIFICATE = b"\x80\x03\x00 issuer certificate bytes"


@PROPERTY
@given(st.sampled_from(CURVES), st.binary(min_size=1, max_size=100), st.integers(1, 4))
def test_issue_and_reconstruct(curve: Curve, tbs_prefix: bytes, piece: int) -> None:
    # One issuance begun alone, then a piece begun together (`ecqv_begin_many`, one shared inversion): each one
    # finishes into an r its EE turns into the certificate's key.
    ca_key = CA_KEYS[curve]
    request_keys = [SoftwareKey.generate(curve) for _ in range(piece)]
    issuances = [ecqv_begin(request_keys[0].public_point), *ecqv_begin_many([k.public_point for k in request_keys])]
    for request_key, issuance in zip([request_keys[0], *request_keys], issuances, strict=True):
        assert issuance.request_point == request_key.public_point
        _finish_and_reconstruct(issuance, request_key, ca_key, tbs_prefix)


def _finish_and_reconstruct(issuance: EcqvIssuance, request_key: SoftwareKey, ca_key: SoftwareKey, tbs: bytes) -> None:
    curve = ca_key.curve
    # The tbs contains P_U: that is why the CA needs two steps.
    tbs = tbs + issuance.reconstruction_point.encode()
    e = ecqv_e(tbs, ISSUER_CERTIFICATE, curve)
    r = ecqv_finish(issuance, e, ca_key)
    assert len(r) == curve.size and int.from_bytes(r) < curve.n
    public = ecqv_public_key(e, issuance.reconstruction_point, ca_key.public_point)
    key = ecqv_private_key(request_key, e, r, issuance.reconstruction_point, ca_key.public_point)
    assert key.public_point == public
    # Without the issuer key the check is skipped, the key is the same.
    assert ecqv_private_key(request_key, e, r, issuance.reconstruction_point).public_point == public


def test_a_k_that_would_cancel_the_request_point_is_drawn_again(monkeypatch: pytest.MonkeyPatch) -> None:
    # k·G = -R_U (probability about 1/n) would put the point at infinity in the certificate: forced here.
    ca_key, request_key, other = CA_KEYS[Curve.P256], SoftwareKey.generate(), SoftwareKey.generate()
    cancelling = (Curve.P256.n - request_key._key.private_numbers().private_value, -request_key.public_point)
    draws = [cancelling]
    real = _scalar.random_scalar_times_generator
    monkeypatch.setattr(_scalar, "random_scalar_times_generator", lambda c: draws.pop() if draws else real(c))
    issuance, second = ecqv_begin_many([request_key.public_point, other.public_point])
    assert not draws and issuance.reconstruction_point != request_key.public_point
    _finish_and_reconstruct(issuance, request_key, ca_key, b"tbs")
    _finish_and_reconstruct(second, other, ca_key, b"tbs")


def test_e_is_the_full_hash_mod_n() -> None:
    tbs, issuer = b"tbs", b"issuer"
    expected = int.from_bytes(sha256(sha256(tbs) + sha256(issuer))) % Curve.P256.n
    assert ecqv_e(tbs, issuer) == expected
    assert ecqv_e(tbs, issuer, Curve.P384) != expected  # SHA-384 on the 384-bit curves


def test_e_from_the_issuer_hash_is_e() -> None:
    tbs, issuer = b"tbs", b"issuer"
    assert ecqv_e_from_issuer_hash(tbs, sha256(issuer)) == ecqv_e(tbs, issuer)
    assert ecqv_e_from_issuer_hash(tbs, sha384(issuer), Curve.P384) == ecqv_e(tbs, issuer, Curve.P384)
    assert ecqv_e_from_issuer_hash(tbs, sha256(b"another issuer")) != ecqv_e(tbs, issuer)


def test_an_issuance_randomises_with_a_fresh_k_each_time() -> None:
    request = SoftwareKey.generate().public_point
    points = {ecqv_begin(request).reconstruction_point for _ in range(8)}
    assert len(points) == 8 and request not in points


def test_an_issuance_finishes_once() -> None:
    ca_key, request_key = CA_KEYS[Curve.P256], SoftwareKey.generate()
    issuance = ecqv_begin(request_key.public_point)
    ecqv_finish(issuance, 5, ca_key)
    with pytest.raises(ValueError, match="already finished"):
        ecqv_finish(issuance, 6, ca_key)  # two r for two e would reveal k, then d_CA


def test_an_issuance_refuses_a_ca_key_of_another_curve() -> None:
    issuance = ecqv_begin(SoftwareKey.generate().public_point)
    with pytest.raises(ValueError, match="another curve"):
        ecqv_finish(issuance, 5, CA_KEYS[Curve.P384])


def test_a_wrong_r_or_e_fails_the_reconstruction_check() -> None:
    ca_key, request_key = CA_KEYS[Curve.P256], SoftwareKey.generate()
    issuance = ecqv_begin(request_key.public_point)
    e = ecqv_e(issuance.reconstruction_point.encode(), ISSUER_CERTIFICATE)
    r = ecqv_finish(issuance, e, ca_key)
    point, issuer = issuance.reconstruction_point, ca_key.public_point
    bad_r = (int.from_bytes(r) ^ 1).to_bytes(32)
    for args in ((e, bad_r, point, issuer), (e + 1, r, point, issuer), (e, r, -point, issuer), (e, r, point, -issuer)):
        with pytest.raises(InvalidKey, match="does not match"):
            ecqv_private_key(request_key, *args)
    with pytest.raises(InvalidKey):
        ecqv_private_key(request_key, e, r[:31], point, issuer)
    with pytest.raises(InvalidKey):
        ecqv_private_key(request_key, e, Curve.P256.n.to_bytes(32), point, issuer)


def test_issuance_repr_hides_k() -> None:
    issuance = ecqv_begin(SoftwareKey.generate().public_point)
    assert repr(issuance) == f"EcqvIssuance({issuance.reconstruction_point!r}, [secure])"


class _CountingKey:
    """A `cryptography` private key that counts how often its scalar is read out."""

    def __init__(self, key: object) -> None:
        self._key = key
        self.read_outs = 0

    def private_numbers(self) -> object:
        self.read_outs += 1
        return self._key.private_numbers()  # type: ignore[attr-defined]

    def __getattr__(self, name: str) -> object:
        return getattr(self._key, name)


def _finished_piece(ca_key: SoftwareKey, size: int) -> list[tuple[SoftwareKey, int, bytes, EcqvIssuance]]:
    request_keys = [SoftwareKey.generate() for _ in range(size)]
    done = []
    for request_key, issuance in zip(request_keys, ecqv_begin_many([k.public_point for k in request_keys]),
                                     strict=True):
        e = ecqv_e(b"tbs " + issuance.reconstruction_point.encode(), ISSUER_CERTIFICATE)
        done.append((request_key, e, ecqv_finish(issuance, e, ca_key), issuance))
    return done


def test_a_piece_issuing_reads_the_ca_scalar_once_and_forgets_it() -> None:
    real = SoftwareKey.generate()
    counting = _CountingKey(real._key)
    ca_key = SoftwareKey(counting, Curve.P256)  # type: ignore[arg-type]
    with ecqv_issuing(ca_key):
        piece = _finished_piece(ca_key, 5)
        assert counting.read_outs == 1
    assert _scalar._HELD == {}
    for request_key, e, r, issuance in piece:  # every r is right: each EE gets its certificate's key
        ecqv_private_key(request_key, e, r, issuance.reconstruction_point, real.public_point)
    _finished_piece(ca_key, 2)  # outside a piece: read at each finish again
    assert counting.read_outs == 3


def test_nested_pieces_share_the_read_out_and_an_error_drops_it() -> None:
    counting = _CountingKey(SoftwareKey.generate()._key)
    ca_key = SoftwareKey(counting, Curve.P256)  # type: ignore[arg-type]
    other = SoftwareKey.generate()
    with ecqv_issuing(ca_key):
        with ecqv_issuing(ca_key), ecqv_issuing(other):
            assert set(_scalar._HELD) == {id(ca_key), id(other)}
        assert set(_scalar._HELD) == {id(ca_key)}  # the outer piece still holds it
        _finished_piece(ca_key, 2)
    assert counting.read_outs == 1
    with pytest.raises(RuntimeError), ecqv_issuing(ca_key):
        raise RuntimeError("a piece that fails")
    assert _scalar._HELD == {}
