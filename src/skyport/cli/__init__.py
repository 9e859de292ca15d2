"""The ``skyport`` command: a terminal of the daemon, plus the commands that set one up.

Every command that talks to the daemon goes through the generated client ``skyport_client``;
nothing here imports the core, except ``skyport daemon`` and ``skyport gate``, which start it.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import click

from skyport import __version__, logs
from skyport.cli import conformance, daemon, init, jobs, sites
from skyport.cli.context import Context, fail_cleanly
from skyport.codegen.cli import codegen
from skyport.config import default_home


class _Group(click.Group):
    """A command group whose errors end as one clear line and exit status 1, not a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        with fail_cleanly(ctx):
            return super().invoke(ctx)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option(
    "--home",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="SKYPORT_HOME",
    help="Skyport home directory with certificates and config.  [env SKYPORT_HOME; default ~/.skyport]",
)
@click.option("--url", envvar="SKYPORT_URL", help="Daemon URL.  [env SKYPORT_URL; default from the home's config]")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts instead of tables.")
@click.option("-v", "--verbose", is_flag=True, help="Log what happens, for debugging.")
@click.version_option(__version__, prog_name="skyport")
@click.pass_context
def cli(ctx: click.Context, home: Path | None, url: str | None, as_json: bool, verbose: bool) -> None:
    """Skyport: run jobs on your machine, your cloud account and your cluster from one daemon.

    \b
    First steps:
      skyport init                 create ~/.skyport: a CA, certificates, a config
      skyport daemon &             start the daemon on https://127.0.0.1:8443
      skyport submit job.sh        submit a job script (#SWM directives)
      skyport jobs                 list your jobs
      skyport logs ID              print a job's output
    """
    logs.configure(logging.INFO if verbose else logging.WARNING)
    ctx.obj = Context(home=(home or default_home()).expanduser(), url=url, as_json=as_json)


for command in (
    init.init,
    init.user,
    init.server_cert,
    daemon.daemon,
    daemon.gate,
    jobs.submit,
    jobs.jobs,
    jobs.show,
    jobs.cancel,
    jobs.requeue,
    jobs.logs,
    jobs.fetch,
    jobs.timetable,
    sites.nodes,
    sites.remotes,
    sites.flavors,
    sites.images,
    codegen,
    conformance.conformance,
):
    cli.add_command(command)


def main() -> None:
    """Entry point of the ``skyport`` script."""
    cli(prog_name="skyport")
