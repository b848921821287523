"""Steps 2 and 4 of `verify_deployment`: every certificate on its own, then every chain (1609.2 §5.1.2, §6.4;
1609.2.1 §6.3 `SecurityMgmtSsp`).

`check_certificates`: every certificate the manifest names, current and past, decodes strictly and is canonical COER
(1609.2 §6.1.2); its signature verifies (self-signed: with its own key; otherwise with its issuer, found among the
deployment's certificates by HashedId8); its HashedId8 and issuer are the manifest's; it carries the
`SecurityMgmtSsp` role of its component (an LA its configured laId), and only electors and root CAs are self-signed.

`check_chains`: every current certificate chains to a root CA the latest CTL approves (`scms.dot2.verify_chain`:
permissions within the issuer's, validity and region nested, valid now), and its issuer holds the role that issues
it (the root CA for the ICA and the CRL signer, the ICA for the online components). Past certificates still valid
under an approved root are checked the same way (they stay in the CCF).
"""

from __future__ import annotations

from scms.deployment.config import DeploymentConfig
from scms.deployment.inventory import Held, Inventory
from scms.deployment.layout import Layout
from scms.deployment.manifest import CertificateEntry, Manifest
from scms.deployment.roles import ISSUER_ROLES, expected_role
from scms.deployment.verification.report import Recorder
from scms.dot2.certificate import Certificate
from scms.dot2.chain import verify_chain
from scms.dot2.time import Time32
from scms.protocol.ctl_trust import TrustState
from scms.protocol.security_mgmt_ssp import Role, certificate_ssp

__all__ = ["check_certificates", "check_chains"]


def _decode(layout: Layout, component: str, entry: CertificateEntry, recorder: Recorder) -> Held:
    with recorder.artifact(entry.file):
        try:
            data = (layout.root / entry.file).read_bytes()
        except OSError as error:
            raise recorder.fail(entry.file, f"cannot read ({error.strerror or error})") from None
        certificate = Certificate.from_bytes(data)
        if not certificate.is_canonical:
            raise recorder.fail(entry.file, "not canonical COER (1609.2 §6.1.2: compressed points)")
    return Held(component, entry, certificate)


def _check_role(held: Held, config: DeploymentConfig, recorder: Recorder) -> Role:
    file, component = held.entry.file, held.component
    expected = expected_role(component)
    if expected is None:
        raise recorder.fail(file, f"{component!r} is not a component of an SCMS deployment")
    with recorder.artifact(file):
        ssp = certificate_ssp(held.certificate)
    if ssp is None or ssp.role is not expected:
        found = "no SecurityMgmtSsp" if ssp is None else f"SecurityMgmtSsp {ssp.role.value}"
        raise recorder.fail(file, f"carries {found}; a {component} certificate needs {expected.value}")
    if held.entry.role != expected.value:
        raise recorder.fail(file, f"deployment.json says role {held.entry.role!r}, the certificate {expected.value}")
    if component in ("la1", "la2"):
        la_id = config.la1.la_id if component == "la1" else config.la2.la_id
        if ssp.la_id != la_id:
            raise recorder.fail(file, f"laId {ssp.la_id}, scms.toml gives {component} laId {la_id}")
    if held.certificate.is_self_signed != (expected in (Role.ELECTOR, Role.ROOT)):
        raise recorder.fail(file, "only elector and root CA certificates are self-signed")
    return expected


def _check_one(held: Held, inventory: Inventory, config: DeploymentConfig, recorder: Recorder) -> None:
    certificate, entry = held.certificate, held.entry
    issuer = inventory.issuer(certificate)
    with recorder.artifact(entry.file):
        if certificate.is_self_signed:
            certificate.verify_signature()
        elif issuer is None:
            raise recorder.fail(entry.file, f"its issuer {certificate.issuer} is not a certificate of this deployment")
        else:
            certificate.verify_signature(issuer.certificate)
    if certificate.hashed_id8().hex() != entry.hashed_id8:
        found = certificate.hashed_id8().hex()
        raise recorder.fail(entry.file, f"HashedId8 {found}, deployment.json says {entry.hashed_id8}")
    issuer_name = None if issuer is None else issuer.component
    if entry.issuer != issuer_name:
        raise recorder.fail(entry.file, f"issued by {issuer_name or 'itself'}, deployment.json says {entry.issuer}")
    role = _check_role(held, config, recorder)
    kind = f"{held.component} certificate ({'current' if held.current else 'past'})"
    recorder.ok(entry.file, kind, f"{role.value}; signed by {issuer_name or 'itself'}")


def check_certificates(layout: Layout, config: DeploymentConfig, manifest: Manifest, recorder: Recorder) -> Inventory:
    """Every certificate, current then past (see the module docstring); returns them as an `Inventory`."""
    named = [*manifest.certificates.items(), *((e.component, e) for e in manifest.history)]
    inventory = Inventory(tuple(_decode(layout, component, entry, recorder) for component, entry in named))
    for held in inventory:
        _check_one(held, inventory, config, recorder)
    return inventory


def _check_chain(held: Held, inventory: Inventory, trust: TrustState, now: Time32, recorder: Recorder) -> None:
    file = held.entry.file
    with recorder.artifact(file):
        chain = verify_chain(held.certificate, inventory.certificates, trust.root_certificates, now)
    wanted = ISSUER_ROLES.get(held.component)
    if wanted is not None:
        issuer = chain.certificates[1]
        found = certificate_ssp(issuer)
        if found is None or found.role is not wanted:
            raise recorder.fail(file, f"issued by {issuer}, which is not a {wanted.value} certificate")
    path = " <- ".join(str(c.hashed_id8()) for c in chain.certificates)
    recorder.ok(file, "chain", f"{path} (root approved by CTL {trust.sequence_number})")


def check_chains(inventory: Inventory, trust: TrustState, now: Time32, recorder: Recorder) -> None:
    """Every current certificate's chain, and every past one still valid under an approved root."""
    roots = trust.root_certificates
    for held in inventory:
        role = expected_role(held.component)
        if role is Role.ELECTOR:
            if held.current and not held.certificate.valid_at(now):
                raise recorder.fail(held.entry.file, f"elector certificate not valid at {int(now)}")
            continue
        if held.current:
            if role is Role.ROOT and held.certificate not in roots:
                raise recorder.fail(held.entry.file, f"root CA not approved by CTL {trust.sequence_number}")
            _check_chain(held, inventory, trust, now, recorder)
        elif held.certificate.valid_at(now) and inventory.root_of(held.certificate) in roots:
            _check_chain(held, inventory, trust, now, recorder)
