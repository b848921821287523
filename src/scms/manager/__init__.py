"""The SCMS manager: trust anchors and their operations (issue 3): electors, root CA, ICA, CRL signer, component
certificates, the quorum-signed CTL, the CCF, CRLs, policy files; `scms init` creates them all.

* `profiles`: what each certificate says (roles, permissions, validity, region); `hierarchy`: keys and issuance;
* `trust_list`: the CTL signed by a quorum of electors; `crls`: the CRLs of the root CRACA;
* `policy_files`: the policy files from the configuration; `publish`: writing a new deployment;
* `init`: `init_deployment(directory, config, now)`;
* operations on an existing deployment, each through an `update.Update` (new files beside the old ones, then the
  manifest): `ctl_changes` (add / remove an elector or a root CA: the next quorum-signed CTL), `rotation` (a
  successor key and certificate for a CA or component), `crl_issue` (the next CRL of a series).
Loading an existing deployment is `scms.deployment.load_deployment` (services use it too). Reference: docs/trust.md.
"""

from scms.deployment.deployment import Deployment, load_deployment
from scms.manager.crl_issue import issue_crl, linkage_revocation
from scms.manager.crls import IssuedCrl, crl_header, initial_crls, sign_series_crl
from scms.manager.ctl_changes import add_elector, add_root, choose_signers, remove_elector, remove_root
from scms.manager.hierarchy import Hierarchy, Holder, build_hierarchy, issue_certificate
from scms.manager.init import build_deployment, init_deployment
from scms.manager.policy_files import build_policies
from scms.manager.publish import NewDeployment, write_deployment
from scms.manager.rotation import ROTATABLE, rotate
from scms.manager.trust_list import first_ctl, sign_by_electors
from scms.manager.update import Applied, Update

__all__ = [
    "ROTATABLE",
    "Applied",
    "Deployment",
    "Hierarchy",
    "Holder",
    "IssuedCrl",
    "NewDeployment",
    "Update",
    "add_elector",
    "add_root",
    "build_deployment",
    "build_hierarchy",
    "build_policies",
    "choose_signers",
    "crl_header",
    "first_ctl",
    "init_deployment",
    "initial_crls",
    "issue_certificate",
    "issue_crl",
    "linkage_revocation",
    "load_deployment",
    "remove_elector",
    "remove_root",
    "rotate",
    "sign_by_electors",
    "sign_series_crl",
    "write_deployment",
]
