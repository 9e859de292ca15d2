"""``skyport conformance gate URL``: prove that a served gate speaks the gate API."""

from __future__ import annotations

import click
import httpx

from skyport import pki
from skyport.cli import render
from skyport.cli.context import Context
from skyport.conformance import gate as checks


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
    core certificate, as the daemon reaches it. Exits 1 when a check fails.
    """
    verify = pki.core_context(obj.home) if url.startswith("https:") else True
    with httpx.Client(base_url=url, verify=verify, timeout=30) as client:
        under_test = checks.GateUnderTest(client, flavor=flavor, image=image, timeout=timeout)
        outcomes = []
        for outcome in checks.run(under_test):
            outcomes.append(outcome)
            if not obj.as_json:
                verdict = "ok  " if not outcome.problem else "FAIL"
                click.echo(f"{verdict} {outcome.name} ({outcome.seconds:.1f} s)")
                if outcome.problem:
                    click.echo(f"     {outcome.problem}")
        under_test.clean_up()
    failed = [o for o in outcomes if o.problem]
    if obj.as_json:
        render.as_json([{"check": o.name, "passed": not o.problem, "problem": o.problem} for o in outcomes])
    else:
        click.echo(f"{len(outcomes) - len(failed)} of {len(outcomes)} checks passed")
    if failed:
        raise SystemExit(1)
