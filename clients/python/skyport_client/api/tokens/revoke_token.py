# Generated from spec/core-terminal.yaml by `skyport codegen` (template python_client/endpoint.py.jinja).
# Spec sha256: 0dffc4b1faa7ddfc82a239e7feb8b44243f69c45c4f184b8608bfaa949eff517
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""``DELETE /user/token/{token}``: Revoke one of your API tokens

The token is refused from the next request on.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx

from ...client import Client
from ...errors import error_for
from ...models import ApiToken
from ...types import Response, build_response

_DOCUMENTED_ERRORS: frozenset[int] = frozenset({404})


def _request(*, token: str) -> dict[str, Any]:
    return {
        "method": "DELETE",
        "url": f"/user/token/{quote(str(token), safe='')}",
    }


def _parse(response: httpx.Response) -> Response[ApiToken]:
    if response.status_code == 200:
        return build_response(response, ApiToken.from_dict(response.json()))
    raise error_for(response, documented=_DOCUMENTED_ERRORS, has_default=True)


def sync_detailed(*, client: Client, token: str) -> Response[ApiToken]:
    """Revoke one of your API tokens

    The token is refused from the next request on.

    Args:
        token: The ID or the name of one of your tokens.

    Returns:
        The whole response; ``parsed`` is the body (200: The token that was revoked.).

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return _parse(client.get_httpx_client().request(**_request(token=token)))


def sync(*, client: Client, token: str) -> ApiToken:
    """Revoke one of your API tokens

    The token is refused from the next request on.

    Args:
        token: The ID or the name of one of your tokens.

    Returns:
        200: The token that was revoked.

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return sync_detailed(client=client, token=token).parsed


async def asyncio_detailed(*, client: Client, token: str) -> Response[ApiToken]:
    """Revoke one of your API tokens

    The token is refused from the next request on.

    Args:
        token: The ID or the name of one of your tokens.

    Returns:
        The whole response; ``parsed`` is the body (200: The token that was revoked.).

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return _parse(await client.get_async_httpx_client().request(**_request(token=token)))


async def asyncio(*, client: Client, token: str) -> ApiToken:
    """Revoke one of your API tokens

    The token is refused from the next request on.

    Args:
        token: The ID or the name of one of your tokens.

    Returns:
        200: The token that was revoked.

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return (await asyncio_detailed(client=client, token=token)).parsed
