"""IEEE 1609.2.1 messages above `scms.dot2`: pure steps, SPDU bytes in and typed values out (and back); no I/O, no
clock (time is an argument). One module per message family; the most used names are re-exported here.

* Certificate management (1609.2.1 clauses 4.1.6 and 8; docs/api-protocol-cert-management.md):
  `security_mgmt_ssp` (the PSID 35 SSP of each SCMS role), `ctl_contents` / `ctl_signature` / `ctl` / `ctl_trust`
  (the quorum-signed certificate trust list), `lint` (lint before sign), `ccf`, `composite_crl`, `info_status` (CMIS).
* EE-facing messages (clause 6.3; docs/api-protocol-ee.md): `ee_eca` (enrollment), `butterfly_params`,
  `ra_receiver`, `ee_ra_request`, `ee_ra_ack`, `ee_ra_download`, `download_files`, `aca_ee_response`,
  `ee_ra_successor`.
* Between components (docs/api-protocol-internal.md): `la`, `encrypted_plv`, `la_messages` (RA <-> LA),
  `ra_aca_request`, `ra_aca`, `aca_issue`, `aca_ra_response`, `ra_aca_batch`.
"""

from scms.protocol.aca_ee_response import AuthorizationCertificate, read_authorization_response, response_form
from scms.protocol.aca_issue import AcaIssuer, RequestDraws, issue_certificate, issue_pseudonym, randomize_piece
from scms.protocol.aca_ra_response import AcaRaResponse, open_aca_ra_response, sign_aca_ra_response
from scms.protocol.butterfly_params import ButterflyKeys, ButterflyParams, NonButterflyKeys
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
from scms.protocol.download_files import (
    Batch,
    DownloadFile,
    batch_filename,
    build_batch_zip,
    certificate_filename,
    enrollment_filename,
    parse_download_filename,
    read_batch_zip,
)
from scms.protocol.ee_eca import (
    CanonicalIdentity,
    CanonicalKeyLookup,
    EnrollmentRequest,
    EnrollmentResult,
    build_enrollment_request,
    build_enrollment_response,
    parse_enrollment_request,
    read_enrollment_response,
)
from scms.protocol.ee_ra_ack import (
    CertAck,
    CertInfo,
    build_cert_ack,
    build_cert_info,
    build_enrollment_ack,
    read_cert_ack,
    read_cert_info,
    read_enrollment_ack,
)
from scms.protocol.ee_ra_download import (
    AUTHORIZATION_HEADER,
    DownloadRequest,
    build_download_request,
    open_download_request,
)
from scms.protocol.ee_ra_request import (
    AuthorizationRequest,
    RequestKeys,
    RequestSecrets,
    build_authorization_request,
    open_authorization_request,
)
from scms.protocol.ee_ra_successor import SuccessorRequest, build_successor_request, open_successor_request
from scms.protocol.encrypted_plv import EncryptedPlv, decrypt_plv, encrypt_plv
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
from scms.protocol.la import (
    ChainPlvs,
    LinkageChain,
    LinkageSeedRelease,
    encrypted_pre_linkage_values,
    linkage_revocation,
    linkage_seed_release,
)
from scms.protocol.la_messages import PlvChainRequest, PlvRequest, PlvResponse, answer_plv_request
from scms.protocol.ra_aca import butterfly_request
from scms.protocol.ra_aca_batch import AcaRaBatch, RaAcaBatch, answer_ra_aca_batch
from scms.protocol.ra_aca_request import (
    LinkageInfo,
    RaAcaCertRequest,
    VerifiedRaAcaRequest,
    sign_ra_aca_request,
    verify_ra_aca_request,
)
from scms.protocol.ra_receiver import EnrollmentCheck, RaReceiver, seal_for_ra
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
    "AUTHORIZATION_HEADER",
    "SECURITY_MGMT_PSID",
    "AcaIssuer",
    "AcaRaBatch",
    "AcaRaResponse",
    "AuthorizationCertificate",
    "AuthorizationRequest",
    "Batch",
    "ButterflyKeys",
    "ButterflyParams",
    "CanonicalIdentity",
    "CanonicalKeyLookup",
    "Ccf",
    "CertAck",
    "CertInfo",
    "ChainPlvs",
    "CompositeCrl",
    "CrlInfoStatus",
    "Ctl",
    "CtlInfoStatus",
    "CtlSignature",
    "DownloadFile",
    "DownloadRequest",
    "EncryptedPlv",
    "EnrollmentCheck",
    "EnrollmentRequest",
    "EnrollmentResult",
    "InfoStatus",
    "LinkageChain",
    "LinkageInfo",
    "LinkageSeedRelease",
    "MaInfoStatus",
    "NonButterflyKeys",
    "PlvChainRequest",
    "PlvRequest",
    "PlvResponse",
    "RaAcaBatch",
    "RaAcaCertRequest",
    "RaReceiver",
    "RequestDraws",
    "RequestKeys",
    "RequestSecrets",
    "Role",
    "SecurityMgmtSsp",
    "SuccessorRequest",
    "TbsCtl",
    "TrustState",
    "VerifiedCcf",
    "VerifiedCompositeCrl",
    "VerifiedInfoStatus",
    "VerifiedRaAcaRequest",
    "answer_plv_request",
    "answer_ra_aca_batch",
    "assemble_ctl",
    "batch_filename",
    "build_authorization_request",
    "build_batch_zip",
    "build_ccf",
    "build_cert_ack",
    "build_cert_info",
    "build_composite_crl",
    "build_download_request",
    "build_enrollment_ack",
    "build_enrollment_request",
    "build_enrollment_response",
    "build_successor_request",
    "build_tbs_ctl",
    "butterfly_request",
    "ccf_file_name",
    "certificate_filename",
    "certificate_role",
    "certificate_ssp",
    "check_elector_certificate",
    "check_root_ca_certificate",
    "composite_crl_file_name",
    "decrypt_plv",
    "elector_id",
    "encrypt_plv",
    "encrypted_pre_linkage_values",
    "enrollment_filename",
    "follow_ctl",
    "info_status_file_name",
    "issue_certificate",
    "issue_pseudonym",
    "linkage_revocation",
    "linkage_seed_release",
    "open_aca_ra_response",
    "open_authorization_request",
    "open_download_request",
    "open_successor_request",
    "parse_ccf",
    "parse_composite_crl",
    "parse_ctl",
    "parse_ctl_signature",
    "parse_download_filename",
    "parse_enrollment_request",
    "parse_info_status",
    "randomize_piece",
    "read_authorization_response",
    "read_batch_zip",
    "read_cert_ack",
    "read_cert_info",
    "read_enrollment_ack",
    "read_enrollment_response",
    "response_form",
    "role_of",
    "root_ca_id",
    "seal_for_ra",
    "security_mgmt_ssp",
    "sign_aca_ra_response",
    "sign_ctl",
    "sign_info_status",
    "sign_ra_aca_request",
    "tbs_ctl_hash",
    "verify_ccf",
    "verify_composite_crl",
    "verify_ctl_sequence",
    "verify_ctl_signature",
    "verify_first_ctl",
    "verify_info_status",
    "verify_next_ctl",
    "verify_ra_aca_request",
]
