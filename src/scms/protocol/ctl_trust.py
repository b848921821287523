"""Verify CTLs and keep the trust they establish (1609.2.1 clauses 4.1.6, 8 and 10.2 as given by the ASN.1
comments; standards notes §9). Every function raises `Ieee1609Error`; none returns a bool.

* `verify_first_ctl(ctl, now)`: a CTL received out of band (e.g. at bootstrap). It must be self-consistent: in
  effect at `now`, passing the receipt lint rules, every approved elector and root CA present (in `unsigned`) and
  fit for its role, and signed by at least `quorum` distinct electors that it approves itself (optionally only
  those of `trusted_electors`). `quorum` defaults to the CTL's own.
* `verify_next_ctl(previous, ctl, now)`: the next CTL of the same series. `sequenceNumber` is exactly the previous
  one plus 1 (the standard: "incremented by 1 every time a new FullIeeeTbsCtl is issued"); `effectiveDate` is not
  before the previous one's and not after `now`; it needs the PREVIOUS CTL's quorum of valid signatures from
  distinct electors the PREVIOUS CTL approves. A signature by any other elector does not count (and is not checked);
  two signatures by one elector count once; an invalid signature by an approved elector rejects the CTL (400-43).
  An approved certificate the CTL does not carry may come from the previous state.
* `verify_ctl_sequence(first, later, now)`: a device that holds CTL 1 validates CTL 3 through CTL 2.
* `follow_ctl(trust, ctl, now)`: a CTL met inside a CCF or a composite CRL. The next one of the series is verified
  and taken; the same one again (same tbsCtl hash) or an older one, or one of another series, changes nothing; a
  later one (a gap: fetch the CTLs in between) or a different CTL under the current number is 400-40.

An elector's signature counts when its certificate is valid at the CTL's effective date (a CTL signature carries
no generationTime in 1609.2.1-2022). The result, `TrustState`, is what the device trusts afterwards.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import TypeVar

from scms.crypto import HashAlgorithm, HashedId32, HashedId48
from scms.dot2.certificate import Certificate
from scms.dot2.errors import ErrorCode, Ieee1609Error
from scms.dot2.time import Time32
from scms.protocol.ctl import Ctl, parse_ctl
from scms.protocol.ctl_contents import tbs_ctl_hash
from scms.protocol.ctl_members import check_elector_certificate, check_root_ca_certificate
from scms.protocol.ctl_signature import verify_ctl_signature
from scms.protocol.lint import CTL_RECEIPT_RULES, lint_tbs_ctl

__all__ = ["TrustState", "follow_ctl", "verify_ctl_sequence", "verify_first_ctl", "verify_next_ctl"]


@dataclass(frozen=True)
class TrustState:
    """What a verified CTL establishes: the approved electors and root CAs (id -> certificate, read-only), the
    quorum the next CTL of the series needs, and the series, sequence number and effective date of the CTL it came
    from."""

    series_id: bytes
    sequence_number: int
    effective_date: Time32
    quorum: int
    electors: Mapping[HashedId48, Certificate]
    root_cas: Mapping[HashedId32, Certificate]
    tbs_ctl_hash: HashedId48
    """SHA-384 of that CTL's COER tbsCtl: tells the same CTL met again from a conflicting one."""

    @property
    def root_certificates(self) -> tuple[Certificate, ...]:
        """The trust anchors for certificate chains (`scms.dot2.verify_chain`)."""
        return tuple(self.root_cas.values())

    @property
    def elector_certificates(self) -> tuple[Certificate, ...]:
        return tuple(self.electors.values())


def _fail(detail: str) -> Ieee1609Error:
    return Ieee1609Error(ErrorCode.FAILED_CHAIN_VERIFICATION, detail)


def _receive(ctl: bytes, now: Time32) -> Ctl:
    parsed = parse_ctl(ctl)
    lint_tbs_ctl(parsed.tbs, CTL_RECEIPT_RULES)
    if parsed.effective_date > now:
        raise _fail(f"CTL {parsed.sequence_number} is not in effect before {int(parsed.effective_date)}")
    return parsed


def _signed_by(parsed: Ctl, electors: Mapping[HashedId48, Certificate]) -> set[HashedId48]:
    counted: set[HashedId48] = set()
    for signature in parsed.signatures:
        identity = verify_ctl_signature(signature.raw, parsed.tbs_bytes, parsed.tbs, electors)
        if identity is not None:
            counted.add(identity)
    return counted


def _check_quorum(parsed: Ctl, electors: Mapping[HashedId48, Certificate], quorum: int) -> None:
    counted = _signed_by(parsed, electors)
    if len(counted) < quorum:
        raise _fail(
            f"CTL {parsed.sequence_number}: {len(counted)} valid signatures of approved electors, quorum {quorum}"
        )


K = TypeVar("K", HashedId48, HashedId32)


def _members(
    parsed: Ctl, ids: Sequence[K], known: Mapping[K, Certificate], check: Callable[[Certificate], object], kind: str
) -> dict[K, Certificate]:
    """Each approved id with its certificate (carried in the CTL, else known from before), checked fit."""
    found: dict[K, Certificate] = {}
    for identity in ids:
        cert = parsed.certificate(identity) or known.get(identity)
        if cert is None:
            raise _fail(f"no certificate for approved {kind} {identity.hex()}")
        check(cert)
        found[identity] = cert
    return found


def _state(parsed: Ctl, previous: TrustState | None, quorum: int) -> TrustState:
    tbs = parsed.tbs
    electors = _members(
        parsed, tbs.elector_approve, previous.electors if previous else {}, check_elector_certificate, "elector"
    )
    roots = _members(
        parsed, tbs.root_ca_approve, previous.root_cas if previous else {}, check_root_ca_certificate, "root CA"
    )
    digest = tbs_ctl_hash(parsed.tbs_bytes, HashAlgorithm.SHA384)
    return TrustState(
        parsed.series_id,
        parsed.sequence_number,
        parsed.effective_date,
        quorum,
        MappingProxyType(electors),
        MappingProxyType(roots),
        digest,
    )


def verify_first_ctl(
    ctl: bytes, now: Time32, *, trusted_electors: Sequence[Certificate] = (), quorum: int | None = None
) -> TrustState:
    """Verify a CTL received out of band (see the module docstring); returns the trust it establishes."""
    parsed = _receive(ctl, now)
    needed = parsed.quorum if quorum is None else quorum
    if needed is None or needed < 1:
        raise _fail("the first CTL names no quorum and none was given")
    state = _state(parsed, None, parsed.quorum or needed)
    signers = state.electors
    if trusted_electors:
        pinned = {check_elector_certificate(c) for c in trusted_electors}
        signers = {i: c for i, c in signers.items() if i in pinned}
    _check_quorum(parsed, signers, needed)
    return state


def verify_next_ctl(previous: TrustState, ctl: bytes, now: Time32) -> TrustState:
    """Verify the CTL after `previous` in its series (see the module docstring); returns the new trust."""
    parsed = _receive(ctl, now)
    if parsed.series_id != previous.series_id:
        raise _fail(f"CTL series {parsed.series_id.hex()}, expected {previous.series_id.hex()}")
    if parsed.sequence_number != previous.sequence_number + 1:
        raise _fail(f"CTL {parsed.sequence_number} does not follow CTL {previous.sequence_number}")
    if parsed.effective_date < previous.effective_date:
        raise _fail(f"CTL {parsed.sequence_number} takes effect before the CTL it follows")
    _check_quorum(parsed, previous.electors, previous.quorum)
    return _state(parsed, previous, previous.quorum if parsed.quorum is None else parsed.quorum)


def verify_ctl_sequence(
    first: bytes,
    later: Sequence[bytes],
    now: Time32,
    *,
    trusted_electors: Sequence[Certificate] = (),
    quorum: int | None = None,
) -> TrustState:
    """Verify `first` out of band, then each of `later` in order as the next CTL; returns the last trust."""
    state = verify_first_ctl(first, now, trusted_electors=trusted_electors, quorum=quorum)
    for ctl in later:
        state = verify_next_ctl(state, ctl, now)
    return state


def follow_ctl(trust: TrustState, ctl: bytes, now: Time32) -> TrustState:
    """The trust after meeting `ctl` in a CCF or composite CRL (see the module docstring)."""
    parsed = parse_ctl(ctl)
    if parsed.series_id != trust.series_id or parsed.sequence_number < trust.sequence_number:
        return trust
    if parsed.sequence_number == trust.sequence_number:
        if tbs_ctl_hash(parsed.tbs_bytes, HashAlgorithm.SHA384) != trust.tbs_ctl_hash:
            raise _fail(f"CTL {parsed.sequence_number} differs from the one already verified under that number")
        return trust
    return verify_next_ctl(trust, ctl, now)
