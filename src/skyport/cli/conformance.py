"""``skyport conformance gate URL``: prove that a served gate speaks the gate API."""

from __future__ import annotations

import click
from skyport_gate_sdk.conformance import check_gate

from skyport.cli.context import Context


@click.group()
def conformance() -> None:
    """Check that a gate (or, later, a terminal) speaks Skyport's API."""


@conformance.command("gate")
@click.argument("url")
@click.option("--flavor", required=True, help="A flavor of the site; each check creates partitions of one node of it.")
@click.option("--image", default=None, help="Image to boot.  [default: the site's default image]")
@click.option(
    "--timeout",
    type=click.FloatRange(min=1),
    default=120.0,
    show_default=True,
    help="Seconds a partition may take to be ready, or a trivial job to end.",
)
@click.pass_obj
def gate(obj: Context, url: str, flavor: str, image: str | None, timeout: float) -> None:
    """Run the gate API checks against the gate served at URL.

    Each check creates partitions and runs short sh jobs on the site, then cleans up what it can;
    on a cloud site that costs a few instance-minutes. An https URL is reached with the home's
    core certificate, as the daemon reaches it. Exits 1 when a check fails. The same checks run
    without Skyport installed: `skyport-gate conformance` of the gate SDK (skyport-hpc-gate).
    """
    if not check_gate(url, flavor=flavor, home=obj.home, image=image, timeout=timeout, as_json=obj.as_json):
        raise SystemExit(1)
