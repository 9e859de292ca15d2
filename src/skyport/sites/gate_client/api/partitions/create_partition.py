# Generated from spec/core-gate.yaml by `skyport codegen` (template python_client/endpoint.py.jinja).
# Spec sha256: 84facd3c27cd2f18c11ab79d433e2c7938e1f8e1bc6a5d0fe2a6bf0767f51551
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""``POST /partitions``: Create a partition

Start creating `count` nodes of `flavor` booting `image`. Returns at once with state
`creating` (or `ready` when the site has nothing to wait for); poll `get_partition`.
Repeating the call with the same ID returns the existing partition with 200.
"""

from __future__ import annotations

from typing import Any

import httpx

from ...client import Client
from ...errors import error_for
from ...models import Partition, PartitionRequest
from ...types import Response, build_response

_DOCUMENTED_ERRORS: frozenset[int] = frozenset({400, 409})


def _request(*, body: PartitionRequest) -> dict[str, Any]:
    return {
        "method": "POST",
        "url": "/partitions",
        "json": body.to_dict(),
    }


def _parse(response: httpx.Response) -> Response[Partition]:
    if response.status_code == 201:
        return build_response(response, Partition.from_dict(response.json()))
    if response.status_code == 200:
        return build_response(response, Partition.from_dict(response.json()))
    raise error_for(response, documented=_DOCUMENTED_ERRORS, has_default=True)


def sync_detailed(*, client: Client, body: PartitionRequest) -> Response[Partition]:
    """Create a partition

    Start creating `count` nodes of `flavor` booting `image`. Returns at once with state
    `creating` (or `ready` when the site has nothing to wait for); poll `get_partition`.
    Repeating the call with the same ID returns the existing partition with 200.

    Args:
        body: Request body.

    Returns:
        The whole response; ``parsed`` is the body (201: Creation started.; 200: A partition with this ID already
            exists.).

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return _parse(client.get_httpx_client().request(**_request(body=body)))


def sync(*, client: Client, body: PartitionRequest) -> Partition:
    """Create a partition

    Start creating `count` nodes of `flavor` booting `image`. Returns at once with state
    `creating` (or `ready` when the site has nothing to wait for); poll `get_partition`.
    Repeating the call with the same ID returns the existing partition with 200.

    Args:
        body: Request body.

    Returns:
        201: Creation started.; 200: A partition with this ID already exists.

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return sync_detailed(client=client, body=body).parsed


async def asyncio_detailed(*, client: Client, body: PartitionRequest) -> Response[Partition]:
    """Create a partition

    Start creating `count` nodes of `flavor` booting `image`. Returns at once with state
    `creating` (or `ready` when the site has nothing to wait for); poll `get_partition`.
    Repeating the call with the same ID returns the existing partition with 200.

    Args:
        body: Request body.

    Returns:
        The whole response; ``parsed`` is the body (201: Creation started.; 200: A partition with this ID already
            exists.).

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return _parse(await client.get_async_httpx_client().request(**_request(body=body)))


async def asyncio(*, client: Client, body: PartitionRequest) -> Partition:
    """Create a partition

    Start creating `count` nodes of `flavor` booting `image`. Returns at once with state
    `creating` (or `ready` when the site has nothing to wait for); poll `get_partition`.
    Repeating the call with the same ID returns the existing partition with 200.

    Args:
        body: Request body.

    Returns:
        201: Creation started.; 200: A partition with this ID already exists.

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return (await asyncio_detailed(client=client, body=body)).parsed
