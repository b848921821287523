"""What makes a certificate fit to be listed in a CTL as an elector or a root CA (1609.2.1 clauses 4.1.6 and 8;
standards notes §1.5, §9).

Both are explicit, self-signed certificates whose self-signature verifies (trust in them comes from the CTL, not
from an issuer) and whose PSID 35 SSP names their role (`SecurityMgmtSsp` elector / root). An elector also needs a
384-bit key: its CTL id and every `tbsCtlHash` it signs are `HashedId48` (`ctl_contents.elector_id`). One
implementation serves the CTL signer, the assembler and the verifier; every failure is 400-40.
"""

from __future__ import annotations

from scms.crypto import HashedId32, HashedId48
from scms.dot2.certificate import Certificate
from scms.dot2.errors import ErrorCode, Ieee1609Error
from scms.dot2.time import Time32
from scms.protocol.ctl_contents import elector_id, root_ca_id
from scms.protocol.security_mgmt_ssp import Role, certificate_role

__all__ = ["check_elector_certificate", "check_root_ca_certificate"]


def _fail(cert: Certificate, rule: str) -> Ieee1609Error:
    return Ieee1609Error(ErrorCode.FAILED_CHAIN_VERIFICATION, f"{cert}: {rule}")


def _check_self_signed(cert: Certificate, role: Role) -> None:
    held = certificate_role(cert)
    if held is not role:
        raise _fail(cert, f"SecurityMgmtSsp is {held.value if held else 'absent'}, not {role.value}")
    if not (cert.is_explicit and cert.is_self_signed):
        raise _fail(cert, f"a CTL {role.value} certificate must be explicit and self-signed")
    try:
        cert.verify_signature()
    except Ieee1609Error as exc:
        raise _fail(cert, f"self-signature: {exc.detail}") from None


def check_elector_certificate(cert: Certificate, at: Time32 | None = None) -> HashedId48:
    """Check an elector certificate (valid at `at` when given); returns its elector id."""
    _check_self_signed(cert, Role.ELECTOR)
    identity = elector_id(cert)
    if at is not None and not cert.valid_at(at):
        raise _fail(cert, f"elector certificate not valid at {int(at)}")
    return identity


def check_root_ca_certificate(cert: Certificate) -> HashedId32:
    """Check a root CA certificate; returns its CTL id."""
    _check_self_signed(cert, Role.ROOT)
    return root_ca_id(cert)
