"""``skyport daemon`` and ``skyport gate``: the long-running servers."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import click

from skyport import config
from skyport.cli.context import Context


@click.command()
@click.option("--port", type=click.IntRange(1, 65535), default=None, help="Port to listen on.  [default: 8443]")
@click.option("--host", default=None, help="Address to listen on.  [default: 127.0.0.1]")
@click.pass_obj
def daemon(obj: Context, port: int | None, host: str | None) -> None:
    """Run the core daemon in the foreground until Ctrl-C or SIGTERM.

    It serves the terminal API over HTTPS with mutual TLS, keeps jobs in the home's store,
    schedules them, and runs them on the sites in the home's config.yaml.
    """
    from skyport.core.daemon import serve  # the one command that starts the core

    settings = config.load(obj.home, port=port, host=host)
    if not logging.getLogger().isEnabledFor(logging.INFO):
        logging.getLogger("skyport").setLevel(logging.INFO)
    asyncio.run(serve(settings))


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
    gate accepts only the core certificate of the home's CA (core.pem: the daemon's).
    """
    import uvicorn

    from skyport import pki
    from skyport.core.daemon import check_home, server_config
    from skyport.core.tls import ClientCertProtocol, GateGuard
    from skyport.sites.registry import gate_app

    pki.private_umask()
    check_home(obj.home)
    settings = config.read_mapping(config_file) if config_file else {}
    name = str(settings.pop("name", kind))
    state_dir = obj.home / "gates" / name
    app = gate_app(config.SiteConfig(name=name, kind=kind, settings=settings), str(state_dir))
    click.echo(f"skyport gate {kind} ({name}) on https://{host}:{port}", err=True)
    guarded = GateGuard(app, obj.home)
    uvicorn.Server(server_config(guarded, obj.home, host, port, protocol=ClientCertProtocol)).run()
