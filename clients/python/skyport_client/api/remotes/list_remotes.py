# Generated from spec/core-terminal.yaml by `skyport codegen` (template python_client/endpoint.py.jinja).
# Spec sha256: 0dffc4b1faa7ddfc82a239e7feb8b44243f69c45c4f184b8608bfaa949eff517
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""``GET /user/remote``: List all remote sites"""

from __future__ import annotations

from typing import Any

import httpx

from ...client import Client
from ...errors import error_for
from ...models import RemoteSite
from ...types import Response, build_response

_DOCUMENTED_ERRORS: frozenset[int] = frozenset()


def _request() -> dict[str, Any]:
    return {
        "method": "GET",
        "url": "/user/remote",
    }


def _parse(response: httpx.Response) -> Response[list[RemoteSite]]:
    if response.status_code == 200:
        return build_response(response, [RemoteSite.from_dict(item) for item in response.json()])
    raise error_for(response, documented=_DOCUMENTED_ERRORS, has_default=True)


def sync_detailed(*, client: Client) -> Response[list[RemoteSite]]:
    """List all remote sites

    Returns:
        The whole response; ``parsed`` is the body (200: The configured remote sites.).

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return _parse(client.get_httpx_client().request(**_request()))


def sync(*, client: Client) -> list[RemoteSite]:
    """List all remote sites

    Returns:
        200: The configured remote sites.

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return sync_detailed(client=client).parsed


async def asyncio_detailed(*, client: Client) -> Response[list[RemoteSite]]:
    """List all remote sites

    Returns:
        The whole response; ``parsed`` is the body (200: The configured remote sites.).

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return _parse(await client.get_async_httpx_client().request(**_request()))


async def asyncio(*, client: Client) -> list[RemoteSite]:
    """List all remote sites

    Returns:
        200: The configured remote sites.

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return (await asyncio_detailed(client=client)).parsed
