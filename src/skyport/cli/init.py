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
