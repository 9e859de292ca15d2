"""The ``skyport`` command: a terminal of the daemon, plus the commands that set one up.

Every command that talks to the daemon goes through the generated client ``skyport_client``;
nothing here imports the core, except ``skyport daemon`` and ``skyport gate``, which start it.
"""

from __future__ import annotations

import importlib
import logging
from pathlib import Path
from typing import Any

import click

from skyport import __version__, logs

# Every command's module, imported only when that command runs (or --help lists them all), so a
# terminal command loads neither the core (asyncio, connexion), the PKI (cryptography), the
# job-script parser nor codegen: `skyport --version` and `skyport jobs` start in a fraction of the time.
_COMMANDS = {
    "init": "skyport.cli.init:init",
    "user": "skyport.cli.init:user",
    "server-cert": "skyport.cli.init:server_cert",
    "daemon": "skyport.cli.daemon:daemon",
    "gate": "skyport.cli.daemon:gate",
    "submit": "skyport.cli.jobs:submit",
    "jobs": "skyport.cli.jobs:jobs",
    "show": "skyport.cli.jobs:show",
    "cancel": "skyport.cli.jobs:cancel",
    "requeue": "skyport.cli.jobs:requeue",
    "logs": "skyport.cli.jobs:logs",
    "fetch": "skyport.cli.jobs:fetch",
    "timetable": "skyport.cli.jobs:timetable",
    "events": "skyport.cli.jobs:events",
    "nodes": "skyport.cli.sites:nodes",
    "remotes": "skyport.cli.sites:remotes",
    "flavors": "skyport.cli.sites:flavors",
    "images": "skyport.cli.sites:images",
    "account": "skyport.cli.accounts:account",
    "budget": "skyport.cli.accounts:budget",
    "usage": "skyport.cli.accounts:usage",
    "token": "skyport.cli.tokens:token",
    "ui": "skyport.cli.ui:ui",
    "codegen": "skyport.codegen.cli:codegen",
    "conformance": "skyport.cli.conformance:conformance",
}


class _Group(click.Group):
    """A command group whose errors end as one clear line and exit status 1, not a traceback,
    and whose commands are imported when first asked for (``_COMMANDS``)."""

    def invoke(self, ctx: click.Context) -> Any:
        from skyport.cli.context import fail_cleanly

        with fail_cleanly(ctx):
            return super().invoke(ctx)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(_COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in _COMMANDS and cmd_name not in self.commands:
            module, _, name = _COMMANDS[cmd_name].partition(":")
            command: click.Command = getattr(importlib.import_module(module), name)
            _global_options(command)
            self.add_command(command, cmd_name)
        return super().get_command(ctx, cmd_name)


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
    from skyport.cli.context import Context
    from skyport.config import default_home

    ctx.obj = Context(home=(home or default_home()).expanduser(), url=url, as_json=as_json)


def _set_later(ctx: click.Context, param: click.Parameter, value: Any) -> None:
    """A global option given after the subcommand: it wins over the one given before."""
    if value is None or value is False:
        return
    from skyport.cli.context import Context

    obj: Context = ctx.find_object(Context)  # type: ignore[assignment]
    if param.name == "home":
        obj.home = Path(value).expanduser()
    elif param.name == "url":
        obj.url = value
    elif param.name == "as_json":
        obj.as_json = True
    else:
        logs.configure(logging.INFO)


def _global_options(command: click.Command) -> None:
    """Give ``command`` (and its subcommands) the group's --home, --url, --json and --verbose too,
    so they work before or after the subcommand's name."""
    taken = {word for param in command.params for word in (param.name, *param.opts)}
    for option in cli.params:
        if isinstance(option, click.Option) and option.name != "version" and not taken & {option.name, *option.opts}:
            command.params.append(
                click.Option(
                    [*option.opts, option.name or ""],
                    is_flag=option.is_flag,
                    type=None if option.is_flag else option.type,
                    expose_value=False,
                    callback=_set_later,
                    help=option.help,
                )
            )
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            _global_options(sub)


def main() -> None:
    """Entry point of the ``skyport`` script."""
    cli(prog_name="skyport")
