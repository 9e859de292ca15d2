"""``skyport ui``: log a browser in to the daemon's web dashboard."""

from __future__ import annotations

import webbrowser

import click
from skyport_client.api.tokens import create_login_code

from skyport.cli import render
from skyport.cli.context import Context


@click.command()
@click.option("--no-open", is_flag=True, help="Only print the URL; do not start a browser.")
@click.pass_obj
def ui(obj: Context, no_open: bool) -> None:
    """Print (and open in a browser, if there is one) a URL that logs in to the web dashboard as you.

    The URL holds a one-time code: it works once, within 60 seconds, in one browser, which then has a
    session for 12 hours. The browser must trust the daemon's CA (ca.pem in your home) or be told to
    go on despite the warning about the daemon's certificate.
    """
    with obj.client() as client:
        made = create_login_code.sync(client=client)
    url = obj.daemon_url().rstrip("/") + made.path
    if obj.as_json:
        return render.as_json({**made.to_dict(), "url": url})
    click.echo(url)
    click.echo(f"the code works once, until {render.when(made.expires)}", err=True)
    if not no_open:
        webbrowser.open(url)
