"""`init_deployment(directory, config, now)`: a complete, consistent new deployment (issue 3, `scms init`).

Steps:
1. check the configuration (`scms.deployment.check_config`) and the target: absent, empty, or holding only a
   `scms.toml`; a directory that holds a deployment (its `deployment.json`) or anything else is refused;
2. build, in memory: the hierarchy (`hierarchy.build_hierarchy`), CTL 1 signed by a quorum of electors
   (`trust_list.first_ctl`), the first CRL of every series (`crls.initial_crls`), the CCF (home CTL + CA, RA, MA
   and CRL signer certificates) and the composite CRL (`scms.protocol`), the policy files (`policy_files`);
3. write it all into a temporary directory on the same file system (`publish.write_deployment`, manifest last);
4. move it into place: one rename when `directory` did not exist; otherwise (an existing, maybe mounted, empty
   directory) one rename per top-level entry, `deployment.json` last. A crash before step 4 leaves only a hidden
   `.scms-init-*` directory that the next init removes; the deployment exists once its manifest does.
"""

from __future__ import annotations

import os
import secrets
import shutil
from pathlib import Path

from scms.deployment.config import DeploymentConfig
from scms.deployment.config_file import check_config
from scms.deployment.errors import DeploymentError
from scms.deployment.layout import CONFIG_FILE, MANIFEST_FILE, Layout
from scms.deployment.manifest import Manifest
from scms.deployment.publication import CCF_COMPONENTS
from scms.dot2.time import Time32
from scms.manager.crls import initial_crls
from scms.manager.hierarchy import Hierarchy, build_hierarchy
from scms.manager.policy_files import build_policies
from scms.manager.publish import NewDeployment, write_deployment
from scms.manager.trust_list import first_ctl
from scms.protocol.ccf import build_ccf
from scms.protocol.composite_crl import build_composite_crl

__all__ = ["CCF_COMPONENTS", "build_deployment", "init_deployment"]

_TEMP_PREFIX = ".scms-init-"


def build_deployment(config: DeploymentConfig, now: Time32) -> NewDeployment:
    """Steps 1-2 without touching a disk: every key, certificate and artifact of a new deployment."""
    config = check_config(config)
    hierarchy: Hierarchy = build_hierarchy(config, now)
    ctl = first_ctl(config, hierarchy, now)
    crls = initial_crls(config, hierarchy, now)
    global_policy, device_policies = build_policies(config)
    return NewDeployment(
        config=config,
        now=now,
        hierarchy=hierarchy,
        ctl=ctl,
        ccf=build_ccf(ctl, [hierarchy.certificate(name) for name in CCF_COMPONENTS]),
        crls=crls,
        composite_crl=build_composite_crl([c.secured for c in crls], ctl),
        global_policy=global_policy,
        device_policies=device_policies,
    )


def _check_target(directory: Path) -> bool:
    """Whether `directory` exists; refuses one holding a deployment or anything but scms.toml and leftovers."""
    if not directory.exists():
        return False
    if not directory.is_dir():
        raise DeploymentError(f"{directory}: not a directory")
    if (directory / MANIFEST_FILE).exists():
        raise DeploymentError(f"{directory}: already holds a deployment ({MANIFEST_FILE}); refusing to init over it")
    others = sorted(
        p.name for p in directory.iterdir() if p.name != CONFIG_FILE and not p.name.startswith(_TEMP_PREFIX)
    )
    if others:
        raise DeploymentError(f"{directory}: not empty ({', '.join(others[:5])}); init needs an empty directory")
    for leftover in directory.glob(f"{_TEMP_PREFIX}*"):
        shutil.rmtree(leftover)  # from an init that crashed before its move
    return True


def _move_into(temporary: Path, directory: Path) -> None:
    names = sorted(p.name for p in temporary.iterdir() if p.name != MANIFEST_FILE)
    for name in [*names, MANIFEST_FILE]:
        os.replace(temporary / name, directory / name)  # replaces a lone scms.toml with the rendered one
    temporary.rmdir()


def init_deployment(directory: Path, config: DeploymentConfig, now: Time32) -> Manifest:
    """Create a complete deployment in `directory` (see the module docstring); returns its manifest."""
    directory = Path(directory).absolute()
    exists = _check_target(directory)
    new = build_deployment(config, now)
    parent = directory if exists else directory.parent
    parent.mkdir(parents=True, exist_ok=True)
    temporary = parent / f"{_TEMP_PREFIX}{directory.name}-{secrets.token_hex(4)}"
    temporary.mkdir(mode=0o755)
    try:
        manifest = write_deployment(Layout(temporary), new)
        if exists:
            _move_into(temporary, directory)
        else:
            os.rename(temporary, directory)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
    return manifest
