"""``skyport token``: API tokens for programs that cannot present your certificate."""

from __future__ import annotations

import datetime as dt

import click
from skyport_client.api.tokens import create_token, list_tokens, revoke_token
from skyport_client.models import TokenRequest

from skyport.cli import render
from skyport.cli.context import TOKEN_ENV, Context
from skyport.jobs.script import duration


@click.group()
def token() -> None:
    """API tokens for programs that cannot present your certificate (workflow engines, TES clients, scripts).

    A token acts as you, for your jobs only. Send it as `Authorization: Bearer TOKEN`, as the password of
    HTTP basic auth, or to these commands in the environment variable SKYPORT_TOKEN.
    """


@token.command("create")
@click.option("--name", help="A name to tell it by (letters, digits, '.', '_', '-'; at most 64).")
@click.option(
    "--expires", default="90d", show_default=True, metavar="DURATION", help="Lifetime: 30d, 12h, 90m; at most 365d."
)
@click.pass_obj
def create(obj: Context, name: str | None, expires: str) -> None:
    """Create a token (with your certificate) and print it: it is shown only this once."""
    try:
        seconds = duration([expires])
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--expires") from None
    body = TokenRequest(expires_in=seconds) if name is None else TokenRequest(name=name, expires_in=seconds)
    with obj.client() as client:
        made = create_token.sync(client=client, body=body)
    if obj.as_json:
        return render.as_json(made.to_dict())
    click.echo(made.token)
    click.echo(
        f"token {made.name or made.id} expires {render.when(made.expires)}; it is shown only this once: "
        f"keep it secret (e.g. {TOKEN_ENV}=...); `skyport token revoke {made.id}` ends it",
        err=True,
    )


@token.command("list")
@click.pass_obj
def list_(obj: Context) -> None:
    """List your tokens: names, when created, when they expire, when last used (never the tokens)."""
    with obj.client() as client:
        tokens = [t.to_dict() for t in list_tokens.sync(client=client)]
    now = dt.datetime.now(dt.UTC)
    render.listing(
        tokens,
        obj.as_json,
        "Tokens",
        ("ID", "NAME", "CREATED", "EXPIRES", "LAST USED"),
        lambda t: (
            t["id"],
            t["name"],
            render.when(t["created"]),
            render.when(t["expires"]) + (" (expired)" if dt.datetime.fromisoformat(t["expires"]) <= now else ""),
            render.when(t.get("last_used")),
        ),
    )


@token.command("revoke")
@click.argument("token_id", metavar="ID|NAME")
@click.pass_obj
def revoke(obj: Context, token_id: str) -> None:
    """Revoke one of your tokens: the daemon refuses it from the next request on."""
    with obj.client() as client:
        revoked = revoke_token.sync(client=client, token=token_id)
    if obj.as_json:
        return render.as_json(revoked.to_dict())
    click.echo(f"token {revoked.name or revoked.id} revoked")
