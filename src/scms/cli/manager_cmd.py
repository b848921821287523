"""`scms manager ...`: operations on an existing deployment (`scms.manager`; docs/trust.md "Rolling keys over").

    scms manager ctl add-elector | remove-elector NAME | add-root | remove-root [HASHEDID8]   [--signer NAME ...]
    scms manager rotate ica|crl-signer|eca|ra|aca|la1|la2|ma
    scms manager crl issue --series N [--revoke-cert FILE ...] [--revoke-linkage LA1:SEED1,LA2:SEED2[@I] ...]

Each writes new files beside the old ones (never overwriting one) and then `deployment.json`, and prints what it
wrote; the clock is read here. A refused operation prints one line and exits 1 (2 for a malformed argument).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from scms.cli._clock import deployment_now
from scms.deployment import DeploymentError, load_config
from scms.deployment.layout import CONFIG_FILE
from scms.dot2.certificate import Certificate
from scms.dot2.crl import LinkageRevocation
from scms.dot2.errors import Ieee1609Error
from scms.dot2.time import Time32
from scms.manager import (
    ROTATABLE,
    Applied,
    add_elector,
    add_root,
    issue_crl,
    linkage_revocation,
    remove_elector,
    remove_root,
    rotate,
)

app = typer.Typer(no_args_is_help=True, help="Operate a deployment: CTL changes, key rollover, CRLs.")
ctl_app = typer.Typer(no_args_is_help=True, help="Publish the next CTL: add or remove an elector or a root CA.")
crl_app = typer.Typer(no_args_is_help=True, help="Publish the next CRL of a series.")
app.add_typer(ctl_app, name="ctl")
app.add_typer(crl_app, name="crl")

__all__ = ["app"]

Dir = Annotated[Path, typer.Option("--dir", help="Deployment directory.")]
Signers = Annotated[
    list[str] | None,
    typer.Option("--signer", help="Elector of the current CTL to sign (repeat; default: the first quorum here)."),
]
Quorum = Annotated[int | None, typer.Option("--quorum", help="Quorum of the new CTL (default: unchanged).")]
DEFAULT_DIR = Path("scms-data")


def _fail(message: str, code: int = 1) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code=code)


def _run(directory: Path, title: str, operation: Callable[[Time32], Applied]) -> None:
    """Read the clock, run the operation, print what it wrote (or one line saying why not)."""
    try:
        applied = operation(deployment_now(directory))
    except (DeploymentError, Ieee1609Error, ValueError) as error:
        _fail(str(error))
    typer.echo(title)
    for file in applied.files:
        typer.echo(f"  wrote {file}")
    typer.echo(f"  updated deployment.json (CTL {max(c.sequence_number for c in applied.manifest.ctls)}, "
               f"CCF {applied.manifest.ccf.version}, composite CRL {applied.manifest.composite_crl.version})")


@ctl_app.command("add-elector")
def add_elector_cmd(directory: Dir = DEFAULT_DIR, signer: Signers = None, quorum: Quorum = None) -> None:
    """Create a new elector (key and self-signed certificate) and the next CTL approving it."""
    _run(directory, "new elector approved", lambda now: add_elector(directory, now, signers=signer, quorum=quorum))


@ctl_app.command("remove-elector")
def remove_elector_cmd(
    name: Annotated[str, typer.Argument(help="The elector, e.g. elector-2.")],
    directory: Dir = DEFAULT_DIR,
    signer: Signers = None,
    quorum: Quorum = None,
) -> None:
    """Publish the next CTL without elector NAME."""
    _run(directory, f"{name} removed", lambda now: remove_elector(directory, name, now, signers=signer, quorum=quorum))


@ctl_app.command("add-root")
def add_root_cmd(directory: Dir = DEFAULT_DIR, signer: Signers = None) -> None:
    """Create a new root CA, approve it in the next CTL and make it the current root (then rotate the ICA)."""
    _run(directory, "new root CA approved", lambda now: add_root(directory, now, signers=signer))


@ctl_app.command("remove-root")
def remove_root_cmd(
    root: Annotated[str | None, typer.Argument(help="HashedId8 (hex) of the root CA; default: the old one.")] = None,
    directory: Dir = DEFAULT_DIR,
    signer: Signers = None,
) -> None:
    """Publish the next CTL without an old root CA (refused while a current certificate chains to it)."""
    _run(directory, "root CA removed", lambda now: remove_root(directory, now, hashed_id8=root, signers=signer))


@app.command("rotate")
def rotate_cmd(
    component: Annotated[str, typer.Argument(help=f"One of: {', '.join(ROTATABLE)}.")], directory: Dir = DEFAULT_DIR
) -> None:
    """Issue a successor key and certificate for COMPONENT; the old one stays valid until it expires."""
    if component not in ROTATABLE:
        _fail(f"{component!r}: rotate one of {', '.join(ROTATABLE)}", 2)
    _run(directory, f"{component} rotated", lambda now: rotate(directory, component, now))


def _certificate(path: Path) -> Certificate:
    try:
        return Certificate.from_bytes(path.read_bytes())
    except OSError as error:
        _fail(f"cannot read {path}: {error.strerror or error}", 2)
    except Ieee1609Error as error:
        _fail(f"{path}: {error}", 2)


def _linkage(directory: Path, spec: str, now: Time32, i_max: int | None, jmax: int | None) -> LinkageRevocation:
    """`LA1ID:SEED1,LA2ID:SEED2[@I]`: the two LAs' ids and 16-byte seeds (hex) at i-period I (default: now's)."""
    pairs, _, period = spec.partition("@")
    try:
        (la1, seed1), (la2, seed2) = (part.split(":") for part in pairs.split(","))
        seeds = (bytes.fromhex(seed1), bytes.fromhex(seed2))
        config = load_config(directory / CONFIG_FILE)
        return linkage_revocation(
            config, now, seeds, la_ids=(int(la1), int(la2)), i=int(period) if period else None, i_max=i_max, jmax=jmax
        )
    except (ValueError, DeploymentError) as error:
        _fail(f"--revoke-linkage {spec!r}: expected LA1ID:SEED1,LA2ID:SEED2[@I] ({error})", 2)


@crl_app.command("issue")
def crl_issue_cmd(
    series: Annotated[int, typer.Option("--series", help="CRL series (the configuration's [manager.crl]).")],
    directory: Dir = DEFAULT_DIR,
    revoke_cert: Annotated[
        list[Path] | None, typer.Option("--revoke-cert", help="Certificate file to revoke (hash series; repeat).")
    ] = None,
    revoke_linkage: Annotated[
        list[str] | None,
        typer.Option("--revoke-linkage", help="LA1ID:SEED1,LA2ID:SEED2[@I]: a pseudonym chain (linkage series)."),
    ] = None,
    i_max: Annotated[int | None, typer.Option("--i-max", help="Last i-period to revoke (linkage).")] = None,
    jmax: Annotated[int | None, typer.Option("--jmax", help="Certificates per i-period to revoke (linkage).")] = None,
) -> None:
    """Sign the next CRL of SERIES with the CRL signer (previous entries kept) and publish the composite CRL."""
    certificates = [_certificate(path) for path in revoke_cert or ()]

    def operation(now: Time32) -> Applied:
        chains = [_linkage(directory, spec, now, i_max, jmax) for spec in revoke_linkage or ()]
        return issue_crl(directory, series, now, certificates=certificates, linkage=chains)

    _run(directory, f"CRL of series {series} issued", operation)
