"""The `scms` command: one Typer app, each layer's commands in a module of its own, imported when used (`_lazy`).

To add a command group: a module with a Typer `app` (or a command function) and one `Lazy` line in `COMMANDS`.
"""

from __future__ import annotations

import typer

from scms.cli._lazy import Lazy, LazyGroup

__all__ = ["COMMANDS", "app"]

COMMANDS: dict[str, Lazy] = {
    "init": Lazy("scms.cli.init_cmd", "init",
                 "Create a complete SCMS deployment: electors, CAs, components, CTL, CCF, CRLs, policy files, keys."),
    "up": Lazy("scms.cli.up_cmd", "up",
               "Run every SCMS component of the deployment on one port, until Ctrl-C or SIGTERM."),
    "asn1": Lazy("scms.cli.asn1_cmd", "app", "Decode and encode IEEE 1609.2 / 1609.2.1 COER."),
    "cert": Lazy("scms.cli.cert_cmd", "app", "Inspect and verify IEEE 1609.2 certificates."),
    "spdu": Lazy("scms.cli.spdu_cmd", "app", "Inspect and verify IEEE 1609.2 secured data (SPDUs)."),
    "trust": Lazy("scms.cli.trust_cmd", "app", "Verify the trust anchors and published artifacts of a deployment."),
    "manager": Lazy("scms.cli.manager_cmd", "app", "Operate a deployment: CTL changes, key rollover, CRLs."),
    "ee": Lazy("scms.cli.ee_cmd", "app", "A reference end entity (OBU or RSU) over a device state directory."),
    "demo": Lazy("scms.cli.demo_cmd", "demo",
                 "Run a demo SCMS: a fresh deployment, `scms up`, 10 OBUs and 2 RSUs through their life cycle, "
                 "a signed BSM."),
}
"""Every command of `scms`, in the order its help lists them."""


class _Scms(LazyGroup):
    lazy = COMMANDS


app = typer.Typer(cls=_Scms, no_args_is_help=True, add_completion=False)


@app.callback()
def scms() -> None:
    """IEEE 1609.2.1 SCMS tools."""
