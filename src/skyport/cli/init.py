"""``skyport init`` and ``skyport user add``: the home directory and its certificates."""

from __future__ import annotations

import getpass

import click

from skyport import config, pki
from skyport.cli.context import Context


@click.command()
@click.option("--user", "name", default=None, help="User name for your certificate.  [default: your login name]")
@click.pass_obj
def init(obj: Context, name: str | None) -> None:
    """Create the home directory: a CA, the daemon's and your certificates, and a config.

    Safe to run again: what exists is kept.
    """
    home = obj.home
    created = pki.init_authority(home, name or getpass.getuser())
    config_path = config.write_default(home)
    if obj.as_json:
        click.echo(f'{{"home": "{home}", "created": {str(created).lower()}}}')
        return
    if created:
        click.echo(f"Created {home}: CA {pki.CA_CERT}, your certificate {pki.CLIENT_CERT}, config {config_path.name}")
    else:
        click.echo(f"{home} already has a CA; nothing changed")
    click.echo("Next: skyport daemon")


@click.command("server-cert")
@click.argument("names", nargs=-1, required=True)
@click.pass_obj
def server_cert(obj: Context, names: tuple[str, ...]) -> None:
    """Issue the home's server certificate anew, for this machine and the host NAMES (or IPs).

    For a gate on another host: run this with that host's name, copy the home there, and start
    `skyport gate KIND --config FILE --host 0.0.0.0` on it; the daemon then reaches it by that
    name. Restart a running daemon to serve the new certificate.
    """
    held = pki.issue_server(obj.home, names)
    click.echo(f"Issued {obj.home / pki.SERVER_CERT} for {', '.join(held)}")


@click.group()
def user() -> None:
    """Manage the users who may talk to the daemon."""


@user.command("add")
@click.argument("name")
@click.pass_obj
def add(obj: Context, name: str) -> None:
    """Issue a client certificate for NAME, signed by the home's CA.

    Give NAME the folder printed: its cert.pem and key.pem, and the home's ca.pem. With them
    NAME sees and changes only their own jobs.
    """
    folder = pki.issue_user(obj.home, name)
    click.echo(f"Issued a certificate for {name} in {folder} (cert.pem, key.pem); CA: {obj.home / pki.CA_CERT}")
