# Generated from spec/core-terminal.yaml by `skyport codegen` (template python_client/endpoint.py.jinja).
# Spec sha256: 0dffc4b1faa7ddfc82a239e7feb8b44243f69c45c4f184b8608bfaa949eff517
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""``GET /user/token``: List your API tokens

Your tokens, oldest first, with their names and times; never a token itself.
"""

from __future__ import annotations

from typing import Any

import httpx

from ...client import Client
from ...errors import error_for
from ...models import ApiToken
from ...types import Response, build_response

_DOCUMENTED_ERRORS: frozenset[int] = frozenset()


def _request() -> dict[str, Any]:
    return {
        "method": "GET",
        "url": "/user/token",
    }


def _parse(response: httpx.Response) -> Response[list[ApiToken]]:
    if response.status_code == 200:
        return build_response(response, [ApiToken.from_dict(item) for item in response.json()])
    raise error_for(response, documented=_DOCUMENTED_ERRORS, has_default=True)


def sync_detailed(*, client: Client) -> Response[list[ApiToken]]:
    """List your API tokens

    Your tokens, oldest first, with their names and times; never a token itself.

    Returns:
        The whole response; ``parsed`` is the body (200: Your tokens.).

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return _parse(client.get_httpx_client().request(**_request()))


def sync(*, client: Client) -> list[ApiToken]:
    """List your API tokens

    Your tokens, oldest first, with their names and times; never a token itself.

    Returns:
        200: Your tokens.

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return sync_detailed(client=client).parsed


async def asyncio_detailed(*, client: Client) -> Response[list[ApiToken]]:
    """List your API tokens

    Your tokens, oldest first, with their names and times; never a token itself.

    Returns:
        The whole response; ``parsed`` is the body (200: Your tokens.).

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return _parse(await client.get_async_httpx_client().request(**_request()))


async def asyncio(*, client: Client) -> list[ApiToken]:
    """List your API tokens

    Your tokens, oldest first, with their names and times; never a token itself.

    Returns:
        200: Your tokens.

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return (await asyncio_detailed(client=client)).parsed
