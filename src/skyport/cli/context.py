"""What every command shares: where the home is, how to reach the daemon, how errors end."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import ssl
from collections.abc import Iterator
from pathlib import Path

import click
from skyport_gate_sdk.imports import imported_without

from skyport.config import CONFIG_FILE, DEFAULT_PORT, URL_FILE, read_mapping
from skyport.errors import SkyportError

# httpx imports its own command line when click, rich and pygments are installed, as they are
# here: about a third of `skyport jobs`' start. The terminal never runs httpx's command line.
with imported_without("httpx._main"):
    import httpx
    from skyport_client import Client
    from skyport_client.errors import ApiError
    from skyport_client.tls import context_for_token, context_from_home

TOKEN_ENV = "SKYPORT_TOKEN"  # an API token the commands use instead of the home's certificate


@dataclasses.dataclass
class Context:
    home: Path
    url: str | None
    as_json: bool

    def daemon_url(self) -> str:
        """``--url``, else the URL a running daemon wrote, else the listen address of the home's config."""
        if self.url:
            return checked_url(self.url)
        written = self.home / URL_FILE
        if written.exists():
            return written.read_text(encoding="utf-8").strip()
        listen: dict[str, object] = {}
        config = self.home / CONFIG_FILE
        if config.exists():
            listen = read_mapping(config).get("listen") or {}
        return f"https://{listen.get('host', '127.0.0.1')}:{listen.get('port', DEFAULT_PORT)}"

    def client(self) -> Client:
        """A client of the daemon with the API token in SKYPORT_TOKEN, else with this home's certificate."""
        token = os.environ.get(TOKEN_ENV) or None
        try:
            tls: ssl.SSLContext = context_for_token(self.home) if token else context_from_home(self.home)
        except (FileNotFoundError, ssl.SSLError) as exc:
            if token:
                fix = f"copy the daemon's ca.pem there ({TOKEN_ENV} needs only it) or pass --home"
            else:
                fix = "run `skyport init` or pass --home"
            raise click.ClickException(f"no usable certificates in {self.home} ({exc}); {fix}") from None
        return Client(self.daemon_url(), ssl_context=tls, token=token)


def checked_url(url: str) -> str:
    """``url`` as the client needs it: ``host:port`` means ``https://host:port``; the daemon speaks only HTTPS."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return f"https://{url}"
    if scheme.lower() == "http":
        raise click.ClickException(f"the daemon speaks only HTTPS (mutual TLS): use https://{rest}")
    if scheme.lower() != "https" or not rest:
        raise click.ClickException(f"{url!r} is not a daemon URL: give https://HOST:PORT or HOST:PORT")
    return url


@contextlib.contextmanager
def fail_cleanly(ctx: click.Context) -> Iterator[None]:
    """Turn the errors a user can act on into one line on stderr and exit status 1."""
    try:
        yield
    except ApiError as exc:
        raise click.ClickException(exc.detail or exc.title or f"HTTP {exc.status_code}") from None
    except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
        url = ctx.obj.daemon_url() if isinstance(ctx.obj, Context) else "the daemon"
        raise click.ClickException(
            f"cannot reach the daemon at {url} ({exc}); is it running? Start it with `skyport daemon`"
        ) from None
    except (httpx.RemoteProtocolError, httpx.ReadError) as exc:
        raise click.ClickException(
            f"the daemon closed the connection ({exc}); is your certificate issued by its CA? (--home)"
        ) from None
    except SkyportError as exc:
        raise click.ClickException(exc.detail) from None
    except FileNotFoundError as exc:
        raise click.ClickException(f"{exc.filename}: no such file") from None
