"""The web dashboard's part of the listener: the one-time login and the page's files.

``GET /ui/login?code=CODE`` exchanges a code of ``skyport ui`` (``POST /user/ui/code``) for a session
cookie and sends the browser on to ``/ui/``; every other ``/ui/`` path is a file of the page,
package data under ``skyport/ui``, served only to an authenticated caller (the cookie, a
certificate or a token). The page then calls the terminal API with the cookie.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from skyport_gate_sdk.tls import refuse

from skyport.core.auth import COOKIE, Sessions
from skyport.errors import BadRequest, NotFound, SkyportError

Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]

UI_PATH = "/ui/"
LOGIN_PATH = "/ui/login"
STATIC = Path(__file__).resolve().parent.parent / "ui"
_HEADERS = (
    (b"cache-control", b"no-store"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-content-type-options", b"nosniff"),
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    ),
)


async def login(scope: MutableMapping[str, Any], sessions: Sessions, send: Send) -> None:
    """Exchange the code in the query for a session cookie and redirect to the dashboard."""
    codes = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("code", [])
    try:
        if scope["method"] != "GET":
            raise BadRequest(f"{LOGIN_PATH} takes only GET: open the URL `skyport ui` prints in a browser")
        if len(codes) != 1 or not 0 < len(codes[0]) <= 100:
            raise BadRequest("the login URL needs exactly one code: open the URL `skyport ui` prints")
        secret, session = sessions.exchange(codes[0])
    except SkyportError as error:
        await refuse(send, error, _HEADERS)
        return
    lifetime = int(session.expires_at - session.created_at)
    cookie = f"{COOKIE}={secret}; Max-Age={lifetime}; Path=/; Secure; HttpOnly; SameSite=Strict"
    headers = [*_HEADERS, (b"location", UI_PATH.encode()), (b"set-cookie", cookie.encode()), (b"content-length", b"0")]
    await send({"type": "http.response.start", "status": 303, "headers": headers})
    await send({"type": "http.response.body", "body": b""})


async def serve_file(path: str, send: Send) -> None:
    """The page's file at ``path`` (under /ui/), index.html for /ui/ itself."""
    name = path.removeprefix(UI_PATH) or "index.html"
    file = (STATIC / name).resolve()
    if ".." in name.split("/") or not file.is_relative_to(STATIC) or not file.is_file():
        detail = f"the dashboard has no file {name}: open {UI_PATH}"
        if name.startswith("client/"):
            detail = f"the dashboard's client {name} was not built into this install: run scripts/build-ui"
        await refuse(send, NotFound(detail), _HEADERS)
        return
    body = file.read_bytes()
    kind = "text/javascript" if file.suffix == ".js" else mimetypes.guess_type(file.name)[0] or "text/plain"
    headers = [
        *_HEADERS,
        (b"content-type", f"{kind}; charset=utf-8".encode()),
        (b"content-length", str(len(body)).encode()),
    ]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})
