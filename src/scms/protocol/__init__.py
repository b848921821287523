"""IEEE 1609.2.1 messages above `scms.dot2`: pure steps, SPDU bytes in and typed values out (and back); no I/O, no
clock (time is an argument). See docs/api-protocol-cert-management.md.

Certificate management (1609.2.1 clauses 4.1.6 and 8): `security_mgmt_ssp` (the PSID 35 SSP of each SCMS role),
`ctl_contents` / `ctl_signature` / `ctl` / `ctl_trust` (the quorum-signed certificate trust list), `lint` (lint
before sign), `ccf` (certificate chain file), `composite_crl`, `info_status` (CMIS).
"""

from scms.protocol.ccf import Ccf, VerifiedCcf, build_ccf, ccf_file_name, parse_ccf, verify_ccf
from scms.protocol.composite_crl import (
    CompositeCrl,
    VerifiedCompositeCrl,
    build_composite_crl,
    composite_crl_file_name,
    parse_composite_crl,
    verify_composite_crl,
)
from scms.protocol.ctl import Ctl, assemble_ctl, build_tbs_ctl, parse_ctl
from scms.protocol.ctl_contents import TbsCtl, elector_id, root_ca_id, tbs_ctl_hash
from scms.protocol.ctl_members import check_elector_certificate, check_root_ca_certificate
from scms.protocol.ctl_signature import CtlSignature, parse_ctl_signature, sign_ctl, verify_ctl_signature
from scms.protocol.ctl_trust import TrustState, follow_ctl, verify_ctl_sequence, verify_first_ctl, verify_next_ctl
from scms.protocol.info_status import (
    CrlInfoStatus,
    CtlInfoStatus,
    InfoStatus,
    MaInfoStatus,
    VerifiedInfoStatus,
    info_status_file_name,
    parse_info_status,
    sign_info_status,
    verify_info_status,
)
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
    "Ccf",
    "CompositeCrl",
    "CrlInfoStatus",
    "Ctl",
    "CtlInfoStatus",
    "CtlSignature",
    "InfoStatus",
    "MaInfoStatus",
    "Role",
    "SecurityMgmtSsp",
    "TbsCtl",
    "TrustState",
    "VerifiedCcf",
    "VerifiedCompositeCrl",
    "VerifiedInfoStatus",
    "assemble_ctl",
    "build_ccf",
    "build_composite_crl",
    "build_tbs_ctl",
    "ccf_file_name",
    "certificate_role",
    "certificate_ssp",
    "check_elector_certificate",
    "check_root_ca_certificate",
    "composite_crl_file_name",
    "elector_id",
    "follow_ctl",
    "info_status_file_name",
    "parse_ccf",
    "parse_composite_crl",
    "parse_ctl",
    "parse_ctl_signature",
    "parse_info_status",
    "role_of",
    "root_ca_id",
    "security_mgmt_ssp",
    "sign_ctl",
    "sign_info_status",
    "tbs_ctl_hash",
    "verify_ccf",
    "verify_composite_crl",
    "verify_ctl_sequence",
    "verify_ctl_signature",
    "verify_first_ctl",
    "verify_info_status",
    "verify_next_ctl",
]
