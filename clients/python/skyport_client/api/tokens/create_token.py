# Generated from spec/core-terminal.yaml by `skyport codegen` (template python_client/endpoint.py.jinja).
# Spec sha256: 0dffc4b1faa7ddfc82a239e7feb8b44243f69c45c4f184b8608bfaa949eff517
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""``POST /user/token``: Create an API token (with your user certificate only)

A new token of the user whose certificate makes the request. The answer is the only place
the token is ever shown: the daemon keeps only its SHA-256. A token or a delegate's
certificate cannot create tokens (403); a user has at most 100 (409).
"""

from __future__ import annotations

from typing import Any

import httpx

from ...client import Client
from ...errors import error_for
from ...models import NewApiToken, TokenRequest
from ...types import Response, build_response

_DOCUMENTED_ERRORS: frozenset[int] = frozenset({400, 403, 409})


def _request(*, body: TokenRequest) -> dict[str, Any]:
    return {
        "method": "POST",
        "url": "/user/token",
        "json": body.to_dict(),
    }


def _parse(response: httpx.Response) -> Response[NewApiToken]:
    if response.status_code == 201:
        return build_response(response, NewApiToken.from_dict(response.json()))
    raise error_for(response, documented=_DOCUMENTED_ERRORS, has_default=True)


def sync_detailed(*, client: Client, body: TokenRequest) -> Response[NewApiToken]:
    """Create an API token (with your user certificate only)

    A new token of the user whose certificate makes the request. The answer is the only place
    the token is ever shown: the daemon keeps only its SHA-256. A token or a delegate's
    certificate cannot create tokens (403); a user has at most 100 (409).

    Args:
        body: Request body.

    Returns:
        The whole response; ``parsed`` is the body (201: The token, shown this once.).

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return _parse(client.get_httpx_client().request(**_request(body=body)))


def sync(*, client: Client, body: TokenRequest) -> NewApiToken:
    """Create an API token (with your user certificate only)

    A new token of the user whose certificate makes the request. The answer is the only place
    the token is ever shown: the daemon keeps only its SHA-256. A token or a delegate's
    certificate cannot create tokens (403); a user has at most 100 (409).

    Args:
        body: Request body.

    Returns:
        201: The token, shown this once.

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return sync_detailed(client=client, body=body).parsed


async def asyncio_detailed(*, client: Client, body: TokenRequest) -> Response[NewApiToken]:
    """Create an API token (with your user certificate only)

    A new token of the user whose certificate makes the request. The answer is the only place
    the token is ever shown: the daemon keeps only its SHA-256. A token or a delegate's
    certificate cannot create tokens (403); a user has at most 100 (409).

    Args:
        body: Request body.

    Returns:
        The whole response; ``parsed`` is the body (201: The token, shown this once.).

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return _parse(await client.get_async_httpx_client().request(**_request(body=body)))


async def asyncio(*, client: Client, body: TokenRequest) -> NewApiToken:
    """Create an API token (with your user certificate only)

    A new token of the user whose certificate makes the request. The answer is the only place
    the token is ever shown: the daemon keeps only its SHA-256. A token or a delegate's
    certificate cannot create tokens (403); a user has at most 100 (409).

    Args:
        body: Request body.

    Returns:
        201: The token, shown this once.

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return (await asyncio_detailed(client=client, body=body)).parsed
