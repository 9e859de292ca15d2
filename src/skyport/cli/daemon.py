"""``skyport daemon`` and ``skyport gate``: the long-running servers."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import time
from pathlib import Path

import click

from skyport import config, daemon_lock, logs
from skyport.cli import render
from skyport.cli.context import Context


@click.group(invoke_without_command=True)
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=None,
    envvar="SKYPORT_PORT",
    help="Port to listen on.  [env SKYPORT_PORT; default: listen.port of config.yaml, else 8443]",
)
@click.option("--host", default=None, help="Address to listen on.  [default: 127.0.0.1]")
@click.option(
    "--log-format",
    type=click.Choice(sorted(logs.FORMATS)),
    default=None,
    help="Log lines as text (with times) or as one JSON object a line, for log shippers.  [default: text]",
)
@click.pass_context
def daemon(ctx: click.Context, port: int | None, host: str | None, log_format: str | None) -> None:
    """Run the core daemon in the foreground until Ctrl-C or SIGTERM; or ask about it, or stop it.

    \b
      skyport daemon [--port N] [--host ADDR]   run it on the home (one daemon per home)
      skyport daemon status                     is one running? its PID and URL
      skyport daemon stop                       stop it, and wait until it has stopped

    The daemon serves the terminal API over HTTPS with mutual TLS, keeps jobs in the home's
    store, schedules them, and runs them on the sites in the home's config.yaml. Ctrl-C and
    SIGTERM both stop it cleanly, with exit status 0: the requests in progress finish, then the
    loop, the sites and the store are closed and daemon.url is removed; a second signal cuts
    open requests short. A second daemon on the same home exits at once with status 1.
    """
    if ctx.invoked_subcommand is not None:
        if port is not None or host is not None or log_format is not None:
            raise click.UsageError(
                f"--port, --host and --log-format are for starting the daemon, not for `{ctx.invoked_subcommand}`"
            )
        return
    from skyport.core.daemon import serve  # the one command that starts the core

    obj: Context = ctx.obj
    settings = config.load(obj.home, port=port, host=host)
    if not logging.getLogger().isEnabledFor(logging.INFO):
        for name in ("skyport", "skyport_gate_sdk"):  # the SDK serves it and logs its signals and refusals
            logging.getLogger(name).setLevel(logging.INFO)
    logs.use_format(log_format or "text")
    asyncio.run(serve(settings))


@daemon.command()
@click.pass_context
def status(ctx: click.Context) -> None:
    """Say whether a daemon runs on the home, with its PID and URL.

    Exit status 0 when one runs, 3 when none does (as `systemctl status`).
    """
    obj: Context = ctx.obj
    running = daemon_lock.holder(obj.home)
    if obj.as_json:
        record = {"pid": running.pid, "url": running.url} if running else {"pid": None, "url": None}
        render.as_json({"home": str(obj.home), "running": running is not None, **record})
    elif running:
        click.echo(f"running on {obj.home}: {running}")
    else:
        click.echo(f"not running on {obj.home}")
    if running is None:
        ctx.exit(3)


@daemon.command()
@click.option(
    "--timeout",
    type=click.FloatRange(min=0),
    default=30.0,
    show_default=True,
    help="Seconds to wait for the daemon to stop.",
)
@click.pass_obj
def stop(obj: Context, timeout: float) -> None:
    """Stop the home's daemon with SIGTERM and wait until it has stopped.

    It lets the requests in progress finish and closes its store first. When no daemon runs,
    there is nothing to do (exit status 0).
    """
    running = daemon_lock.holder(obj.home)
    if running is None:
        click.echo(f"no daemon runs on {obj.home}")
        return
    if running.pid is None:
        raise click.ClickException(f"a daemon is starting on {obj.home}; try again in a moment")
    try:
        os.kill(running.pid, signal.SIGTERM)
    except ProcessLookupError:  # it ended meanwhile
        pass
    except PermissionError:
        raise click.ClickException(
            f"the daemon on {obj.home} ({running}) is another user's process: stop it as that user"
        ) from None
    deadline = time.monotonic() + timeout
    while daemon_lock.holder(obj.home) == running:
        if time.monotonic() > deadline:
            raise click.ClickException(
                f"the daemon ({running}) has not stopped within {timeout:g} s, maybe finishing requests: "
                f"`skyport daemon stop` again cuts them short, `kill -KILL {running.pid}` ends it at once"
            )
        time.sleep(0.1)
    click.echo(f"stopped the daemon ({running})")


@click.command()
@click.argument("kind")
@click.option(
    "--config",
    "config_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="YAML file with the site's settings (name, and what the gate kind needs).",
)
@click.option("--port", type=click.IntRange(1, 65535), default=9443, show_default=True, help="Port to listen on.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.pass_obj
def gate(obj: Context, kind: str, config_file: Path | None, port: int, host: str) -> None:
    """Serve a gate of KIND (local, aws, ...) on its own, over HTTPS with mutual TLS.

    A daemon then uses it through a site with `url: https://HOST:PORT` in its config. The
    gate accepts only the core certificate of the home's CA (core.pem: the daemon's). Ctrl-C and
    SIGTERM stop it cleanly, with exit status 0.
    """
    from skyport_gate_sdk.serve import serve_gate

    serve_gate(kind, obj.home, config.read_mapping(config_file) if config_file else {}, host, port)
