"""IEEE 1609.2.1 messages above `scms.dot2`: pure steps, SPDU bytes in and typed values out (and back); no I/O, no
clock (time is an argument). See docs/api-protocol-cert-management.md.

Certificate management (1609.2.1 clauses 4.1.6 and 8): `security_mgmt_ssp` (the PSID 35 SSP of each SCMS role),
`ctl_contents` / `ctl_signature` / `ctl` / `ctl_trust` (the quorum-signed certificate trust list), `lint` (lint
before sign).
"""

from scms.protocol.ctl import Ctl, assemble_ctl, build_tbs_ctl, parse_ctl
from scms.protocol.ctl_contents import TbsCtl, elector_id, root_ca_id, tbs_ctl_hash
from scms.protocol.ctl_members import check_elector_certificate, check_root_ca_certificate
from scms.protocol.ctl_signature import CtlSignature, parse_ctl_signature, sign_ctl, verify_ctl_signature
from scms.protocol.ctl_trust import TrustState, verify_ctl_sequence, verify_first_ctl, verify_next_ctl
from scms.protocol.security_mgmt_ssp import (
    SECURITY_MGMT_PSID,
    Role,
    SecurityMgmtSsp,
    certificate_role,
    certificate_ssp,
    role_of,
    security_mgmt_ssp,
)

__all__ = [
    "SECURITY_MGMT_PSID",
    "Ctl",
    "CtlSignature",
    "Role",
    "SecurityMgmtSsp",
    "TbsCtl",
    "TrustState",
    "assemble_ctl",
    "build_tbs_ctl",
    "certificate_role",
    "certificate_ssp",
    "check_elector_certificate",
    "check_root_ca_certificate",
    "elector_id",
    "parse_ctl",
    "parse_ctl_signature",
    "role_of",
    "root_ca_id",
    "security_mgmt_ssp",
    "sign_ctl",
    "tbs_ctl_hash",
    "verify_ctl_sequence",
    "verify_ctl_signature",
    "verify_first_ctl",
    "verify_next_ctl",
]
