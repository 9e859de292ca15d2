# Generated from spec/core-terminal.yaml by `skyport codegen` (template python_client/endpoint.py.jinja).
# Spec sha256: 0dffc4b1faa7ddfc82a239e7feb8b44243f69c45c4f184b8608bfaa949eff517
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""``POST /user/ui/code``: Create a one-time login code of the web dashboard (with your user certificate only)

A code that logs one browser in to the dashboard (`skyport ui`) as the user whose
certificate makes the request: opening `path` on the daemon within 60 seconds exchanges it,
once, for a session cookie (HttpOnly, Secure, SameSite=Strict, 12 hours from the login,
not extended by use). The daemon keeps codes and sessions in memory only, by SHA-256; a
restart ends every session. A token, a delegate's certificate or a dashboard session
cannot create codes (403).
"""

from __future__ import annotations

from typing import Any

import httpx

from ...client import Client
from ...errors import error_for
from ...models import LoginCode
from ...types import Response, build_response

_DOCUMENTED_ERRORS: frozenset[int] = frozenset({403})


def _request() -> dict[str, Any]:
    return {
        "method": "POST",
        "url": "/user/ui/code",
    }


def _parse(response: httpx.Response) -> Response[LoginCode]:
    if response.status_code == 201:
        return build_response(response, LoginCode.from_dict(response.json()))
    raise error_for(response, documented=_DOCUMENTED_ERRORS, has_default=True)


def sync_detailed(*, client: Client) -> Response[LoginCode]:
    """Create a one-time login code of the web dashboard (with your user certificate only)

    A code that logs one browser in to the dashboard (`skyport ui`) as the user whose
    certificate makes the request: opening `path` on the daemon within 60 seconds exchanges it,
    once, for a session cookie (HttpOnly, Secure, SameSite=Strict, 12 hours from the login,
    not extended by use). The daemon keeps codes and sessions in memory only, by SHA-256; a
    restart ends every session. A token, a delegate's certificate or a dashboard session
    cannot create codes (403).

    Returns:
        The whole response; ``parsed`` is the body (201: The code, and the path on the daemon that exchanges it.).

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return _parse(client.get_httpx_client().request(**_request()))


def sync(*, client: Client) -> LoginCode:
    """Create a one-time login code of the web dashboard (with your user certificate only)

    A code that logs one browser in to the dashboard (`skyport ui`) as the user whose
    certificate makes the request: opening `path` on the daemon within 60 seconds exchanges it,
    once, for a session cookie (HttpOnly, Secure, SameSite=Strict, 12 hours from the login,
    not extended by use). The daemon keeps codes and sessions in memory only, by SHA-256; a
    restart ends every session. A token, a delegate's certificate or a dashboard session
    cannot create codes (403).

    Returns:
        201: The code, and the path on the daemon that exchanges it.

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return sync_detailed(client=client).parsed


async def asyncio_detailed(*, client: Client) -> Response[LoginCode]:
    """Create a one-time login code of the web dashboard (with your user certificate only)

    A code that logs one browser in to the dashboard (`skyport ui`) as the user whose
    certificate makes the request: opening `path` on the daemon within 60 seconds exchanges it,
    once, for a session cookie (HttpOnly, Secure, SameSite=Strict, 12 hours from the login,
    not extended by use). The daemon keeps codes and sessions in memory only, by SHA-256; a
    restart ends every session. A token, a delegate's certificate or a dashboard session
    cannot create codes (403).

    Returns:
        The whole response; ``parsed`` is the body (201: The code, and the path on the daemon that exchanges it.).

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return _parse(await client.get_async_httpx_client().request(**_request()))


async def asyncio(*, client: Client) -> LoginCode:
    """Create a one-time login code of the web dashboard (with your user certificate only)

    A code that logs one browser in to the dashboard (`skyport ui`) as the user whose
    certificate makes the request: opening `path` on the daemon within 60 seconds exchanges it,
    once, for a session cookie (HttpOnly, Secure, SameSite=Strict, 12 hours from the login,
    not extended by use). The daemon keeps codes and sessions in memory only, by SHA-256; a
    restart ends every session. A token, a delegate's certificate or a dashboard session
    cannot create codes (403).

    Returns:
        201: The code, and the path on the daemon that exchanges it.

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return (await asyncio_detailed(client=client)).parsed
