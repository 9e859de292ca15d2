# Generated from spec/core-gate.yaml by `skyport codegen` (template python_client/endpoint.py.jinja).
# Spec sha256: 84facd3c27cd2f18c11ab79d433e2c7938e1f8e1bc6a5d0fe2a6bf0767f51551
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""``GET /flavors``: List flavors

The node shapes this site can create partitions of, with prices.
"""

from __future__ import annotations

from typing import Any

import httpx

from ...client import Client
from ...errors import error_for
from ...models import Flavor
from ...types import Response, build_response

_DOCUMENTED_ERRORS: frozenset[int] = frozenset()


def _request() -> dict[str, Any]:
    return {
        "method": "GET",
        "url": "/flavors",
    }


def _parse(response: httpx.Response) -> Response[list[Flavor]]:
    if response.status_code == 200:
        return build_response(response, [Flavor.from_dict(item) for item in response.json()])
    raise error_for(response, documented=_DOCUMENTED_ERRORS, has_default=True)


def sync_detailed(*, client: Client) -> Response[list[Flavor]]:
    """List flavors

    The node shapes this site can create partitions of, with prices.

    Returns:
        The whole response; ``parsed`` is the body (200: The flavors.).

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return _parse(client.get_httpx_client().request(**_request()))


def sync(*, client: Client) -> list[Flavor]:
    """List flavors

    The node shapes this site can create partitions of, with prices.

    Returns:
        200: The flavors.

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return sync_detailed(client=client).parsed


async def asyncio_detailed(*, client: Client) -> Response[list[Flavor]]:
    """List flavors

    The node shapes this site can create partitions of, with prices.

    Returns:
        The whole response; ``parsed`` is the body (200: The flavors.).

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return _parse(await client.get_async_httpx_client().request(**_request()))


async def asyncio(*, client: Client) -> list[Flavor]:
    """List flavors

    The node shapes this site can create partitions of, with prices.

    Returns:
        200: The flavors.

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return (await asyncio_detailed(client=client)).parsed
