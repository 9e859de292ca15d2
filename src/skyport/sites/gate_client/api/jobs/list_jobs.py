# Generated from spec/core-gate.yaml by `skyport codegen` (template python_client/endpoint.py.jinja).
# Spec sha256: 84facd3c27cd2f18c11ab79d433e2c7938e1f8e1bc6a5d0fe2a6bf0767f51551
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""``GET /jobs``: List jobs

Every job the gate knows and has not forgotten (see delete_job_files), so the core
learns the state of all its jobs on a site with one call.
"""

from __future__ import annotations

from typing import Any

import httpx

from ...client import Client
from ...errors import error_for
from ...models import GateJob
from ...types import Response, build_response, present

_DOCUMENTED_ERRORS: frozenset[int] = frozenset()


def _request(*, partition_id: str | None = None) -> dict[str, Any]:
    return {
        "method": "GET",
        "url": "/jobs",
        "params": present({"partition_id": partition_id}),
    }


def _parse(response: httpx.Response) -> Response[list[GateJob]]:
    if response.status_code == 200:
        return build_response(response, [GateJob.from_dict(item) for item in response.json()])
    raise error_for(response, documented=_DOCUMENTED_ERRORS, has_default=True)


def sync_detailed(*, client: Client, partition_id: str | None = None) -> Response[list[GateJob]]:
    """List jobs

    Every job the gate knows and has not forgotten (see delete_job_files), so the core
    learns the state of all its jobs on a site with one call.

    Args:
        partition_id: Only jobs on this partition.

    Returns:
        The whole response; ``parsed`` is the body (200: The jobs.).

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return _parse(client.get_httpx_client().request(**_request(partition_id=partition_id)))


def sync(*, client: Client, partition_id: str | None = None) -> list[GateJob]:
    """List jobs

    Every job the gate knows and has not forgotten (see delete_job_files), so the core
    learns the state of all its jobs on a site with one call.

    Args:
        partition_id: Only jobs on this partition.

    Returns:
        200: The jobs.

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return sync_detailed(client=client, partition_id=partition_id).parsed


async def asyncio_detailed(*, client: Client, partition_id: str | None = None) -> Response[list[GateJob]]:
    """List jobs

    Every job the gate knows and has not forgotten (see delete_job_files), so the core
    learns the state of all its jobs on a site with one call.

    Args:
        partition_id: Only jobs on this partition.

    Returns:
        The whole response; ``parsed`` is the body (200: The jobs.).

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return _parse(await client.get_async_httpx_client().request(**_request(partition_id=partition_id)))


async def asyncio(*, client: Client, partition_id: str | None = None) -> list[GateJob]:
    """List jobs

    Every job the gate knows and has not forgotten (see delete_job_files), so the core
    learns the state of all its jobs on a site with one call.

    Args:
        partition_id: Only jobs on this partition.

    Returns:
        200: The jobs.

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return (await asyncio_detailed(client=client, partition_id=partition_id)).parsed
