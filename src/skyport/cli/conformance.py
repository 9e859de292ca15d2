"""``skyport conformance gate URL`` and ``skyport conformance terminal -- COMMAND``: prove that a
gate, or a terminal, speaks Skyport's API."""

from __future__ import annotations

import importlib.util
import tempfile
from pathlib import Path

import click
from skyport_gate_sdk.conformance import check_gate

from skyport.cli import render
from skyport.cli.context import Context


@click.group()
def conformance() -> None:
    """Check that a gate or a terminal speaks Skyport's API."""


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


@conformance.command("terminal", context_settings={"ignore_unknown_options": True})
@click.argument("command", nargs=-1, required=True, type=click.UNPROCESSED)
@click.option(
    "--scenario",
    type=click.Choice(["jobs", "errors"]),
    default="jobs",
    show_default=True,
    help="jobs: a job in every state, stdout, files, sites, accounts; errors: every operation answers an error.",
)
@click.option(
    "--timeout", type=click.FloatRange(min=1), default=60.0, show_default=True, help="Seconds COMMAND may run."
)
@click.option(
    "--port", type=click.IntRange(0, 65535), default=0, help="Port of the core on 127.0.0.1.  [default: a free one]"
)
@click.option(
    "--token",
    "give_token",
    is_flag=True,
    help="Also give COMMAND an API token in SKYPORT_TOKEN, for a terminal that sends a token instead of a "
    "certificate (Authorization: Bearer, or basic auth's password).",
)
@click.option(
    "--sky-port",
    is_flag=True,
    help="Also put the certificates where Sky Port's terminals look (HOME/.swm, and its CA file) and name this "
    "host's FQDN in the server certificate; swmconsole also needs --port 8443.",
)
@click.pass_obj
def terminal(
    obj: Context,
    *,
    command: tuple[str, ...],
    scenario: str,
    timeout: float,
    port: int,
    give_token: bool,
    sky_port: bool,
) -> None:
    """Run COMMAND, a terminal, against a conformance core, and report what it did with the terminal API.

    \b
      skyport conformance terminal -- skyport jobs
      skyport conformance terminal --scenario errors --json -- python my_client.py

    The core serves spec/core-terminal.yaml over HTTPS with mutual TLS on 127.0.0.1 from a home of
    its own, checks every request against the spec (openapi-core) and answers from the scenario.
    COMMAND runs with SKYPORT_URL and SKYPORT_HOME set to the core's (and SKYPORT_TOKEN with
    --token); a request proves itself with the home's user certificate or the token, as to a
    daemon. The report lists each operation, called or not, every invalid request with the
    validator's message, and for each error answer the command's exit code and whether it showed
    the problem; its last line says PASSED or FAILED. Exits 1 when a request was invalid (or came
    with neither certificate nor token), or when COMMAND made no request.
    """
    if importlib.util.find_spec("openapi_core") is None:
        raise click.ClickException(
            "the conformance core checks requests with openapi-core: pip install 'skyport-hpc[conformance]'"
        )
    from skyport.conformance.terminal import Report, TerminalCore, operation_ids

    with tempfile.TemporaryDirectory(prefix="skyport-conformance-") as folder:
        with TerminalCore(Path(folder), scenario, port=port, sky_port=sky_port, token=give_token) as core:
            run = core.run(command, timeout=timeout)
    report = Report(scenario, (run,), operation_ids())
    if obj.as_json:
        render.as_json(report.as_dict())
    else:
        click.echo("\n".join(report.lines()))
    if not report.passed:
        raise SystemExit(1)
