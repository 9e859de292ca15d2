"""``skyport init`` and ``skyport user``: the home directory, its certificates and its users."""

from __future__ import annotations

import getpass
from typing import Any

import click

from skyport import config, pki
from skyport.cli import render
from skyport.cli.context import Context


@click.command()
@click.option("--user", "name", default=None, help="User name for your certificate.  [default: your login name]")
@click.pass_obj
def init(obj: Context, name: str | None) -> None:
    """Create the home directory: a CA, the daemon's and your certificates, and a config.

    Safe to run again: what exists is kept.
    """
    home = obj.home
    pki.private_umask()
    created = pki.init_authority(home, name or getpass.getuser())
    reissued = [] if created else pki.reissue_without_roles(home)
    config_path = config.write_default(home)
    pki.make_private(home, keys=True)
    if obj.as_json:
        render.as_json({"home": str(home), "created": created, "reissued": [str(path) for path in reissued]})
        return
    if created:
        click.echo(f"Created {home}: CA {pki.CA_CERT}, your certificate {pki.CLIENT_CERT}, config {config_path.name}")
    elif reissued:
        click.echo(f"{home}: certificates without roles reissued with the same CA (restart a running daemon):")
        for path in reissued:
            click.echo(f"  {path}")
        if any(pki.USERS in path.parts for path in reissued):
            click.echo("Hand each user their new cert.pem and key.pem; their old certificates are refused.")
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
@click.option(
    "--acts-for",
    "acts_for",
    multiple=True,
    metavar="USER",
    help="Make NAME a delegate (a JupyterHub, say) that acts for USER; repeat for each user.",
)
@click.pass_obj
def add(obj: Context, name: str, acts_for: tuple[str, ...]) -> None:
    """Issue a client certificate for NAME, signed by the home's CA.

    Give NAME the folder printed: its cert.pem and key.pem, and the home's ca.pem. With them
    NAME sees and changes only their own jobs. A revoked user gets a new certificate. A
    delegate (--acts-for) names the user of each request in the header X-Skyport-User.
    """
    pki.private_umask()
    folder = pki.add_user(obj.home, name, acts_for)
    click.echo(f"Issued a certificate for {name} in {folder} (cert.pem, key.pem); CA: {obj.home / pki.CA_CERT}")


@user.command("set")
@click.argument("name")
@click.option(
    "--acts-for",
    "acts_for",
    multiple=True,
    required=True,
    metavar="[+|-]USER",
    help="+USER adds USER, -USER removes USER, USER alone replaces the list; repeat for each.",
)
@click.pass_obj
def set_user(obj: Context, name: str, acts_for: tuple[str, ...]) -> None:
    """Change whom the delegate NAME acts for: a new certificate, and the old one revoked.

    Give NAME the new cert.pem and key.pem (a hub that reads them from the folder printed picks
    them up at its next request).
    """
    pki.private_umask()
    folder, names = pki.set_acts_for(obj.home, name, acts_for)
    click.echo(
        f"Issued {name} a certificate acting for {', '.join(names)} in {folder} (cert.pem, key.pem); "
        "the old one is revoked"
    )


@user.command("revoke")
@click.argument("name")
@click.pass_obj
def revoke(obj: Context, name: str) -> None:
    """Revoke NAME's certificate: the daemon and gates refuse it from its next request on.

    The daemon cancels the jobs NAME has queued. `skyport user add NAME` issues a new one.
    """
    entry = pki.revoke(obj.home, name)
    click.echo(f"Revoked the certificate of {name} (serial {entry.serial:x}); their queued jobs will be cancelled")


@user.command("list")
@click.pass_obj
def list_users(obj: Context) -> None:
    """List the certificates the home's CA issued: name, role, expiry, and whether revoked."""
    if not (obj.home / pki.CA_CERT).exists():
        raise click.ClickException(f"no CA in {obj.home}: run `skyport init` first")
    revocations = pki.Revocations(obj.home)
    rows: list[dict[str, Any]] = []
    held = [obj.home / pki.CLIENT_CERT, *sorted((obj.home / pki.USERS).glob(f"*/{pki.CLIENT_CERT}"))]
    for path in [*held, obj.home / pki.CORE_CERT, obj.home / pki.SERVER_CERT]:
        if path.exists():
            peer = pki.identity(path)
            revoked = revocations.of(peer.serial)
            rows.append(
                {
                    "name": peer.name,
                    "role": peer.role or "none (run skyport init)",
                    "acts_for": list(peer.acts_for),
                    "expires": peer.expires.isoformat(),
                    "revoked": revoked.at.isoformat() if revoked else None,
                    "owner": path == obj.home / pki.CLIENT_CERT,
                    "certificate": str(path),
                }
            )
    if obj.as_json:
        render.as_json(rows)
        return
    render.table(
        "Certificates",
        ["NAME", "ROLE", "EXPIRES", "REVOKED", "CERTIFICATE"],
        [
            (
                f"{row['name']} (owner)" if row["owner"] else row["name"],
                f"{row['role']} for {', '.join(row['acts_for'])}" if row["acts_for"] else row["role"],
                row["expires"][:10],
                row["revoked"][:16].replace("T", " ") if row["revoked"] else "",
                row["certificate"],
            )
            for row in rows
        ],
    )
