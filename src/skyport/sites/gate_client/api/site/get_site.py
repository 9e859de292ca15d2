# Generated from spec/core-gate.yaml by `skyport codegen` (template python_client/endpoint.py.jinja).
# Spec sha256: 84facd3c27cd2f18c11ab79d433e2c7938e1f8e1bc6a5d0fe2a6bf0767f51551
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""``GET /site``: Describe the remote site

The kind, name and limits of the remote site this gate serves.
"""

from __future__ import annotations

from typing import Any

import httpx

from ...client import Client
from ...errors import error_for
from ...models import Site
from ...types import Response, build_response

_DOCUMENTED_ERRORS: frozenset[int] = frozenset()


def _request() -> dict[str, Any]:
    return {
        "method": "GET",
        "url": "/site",
    }


def _parse(response: httpx.Response) -> Response[Site]:
    if response.status_code == 200:
        return build_response(response, Site.from_dict(response.json()))
    raise error_for(response, documented=_DOCUMENTED_ERRORS, has_default=True)


def sync_detailed(*, client: Client) -> Response[Site]:
    """Describe the remote site

    The kind, name and limits of the remote site this gate serves.

    Returns:
        The whole response; ``parsed`` is the body (200: The site.).

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return _parse(client.get_httpx_client().request(**_request()))


def sync(*, client: Client) -> Site:
    """Describe the remote site

    The kind, name and limits of the remote site this gate serves.

    Returns:
        200: The site.

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return sync_detailed(client=client).parsed


async def asyncio_detailed(*, client: Client) -> Response[Site]:
    """Describe the remote site

    The kind, name and limits of the remote site this gate serves.

    Returns:
        The whole response; ``parsed`` is the body (200: The site.).

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return _parse(await client.get_async_httpx_client().request(**_request()))


async def asyncio(*, client: Client) -> Site:
    """Describe the remote site

    The kind, name and limits of the remote site this gate serves.

    Returns:
        200: The site.

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return (await asyncio_detailed(client=client)).parsed
