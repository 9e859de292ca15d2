# Generated from spec/core-terminal.yaml by `skyport codegen` (template python_client/endpoint.py.jinja).
# Spec sha256: 0dffc4b1faa7ddfc82a239e7feb8b44243f69c45c4f184b8608bfaa949eff517
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""``DELETE /user/job/{jobId}``: Cancel a job

Cancel a queued, waiting or running job; it ends in state C. A job that already ended is a 409.
Given a job array's ID, cancel all its tasks not yet ended (a 409 when all of them ended).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx

from ...client import Client
from ...errors import error_for
from ...types import Response, build_response

_DOCUMENTED_ERRORS: frozenset[int] = frozenset({400, 404, 409})


def _request(*, job_id: str) -> dict[str, Any]:
    return {
        "method": "DELETE",
        "url": f"/user/job/{quote(str(job_id), safe='')}",
    }


def _parse(response: httpx.Response) -> Response[bytes]:
    if response.status_code == 200:
        return build_response(response, response.content)
    raise error_for(response, documented=_DOCUMENTED_ERRORS, has_default=True)


def sync_detailed(*, client: Client, job_id: str) -> Response[bytes]:
    """Cancel a job

    Cancel a queued, waiting or running job; it ends in state C. A job that already ended is a 409.
    Given a job array's ID, cancel all its tasks not yet ended (a 409 when all of them ended).

    Args:
        job_id: Job ID.

    Returns:
        The whole response; ``parsed`` is the body (200: The job is cancelled; the body says so in words.).

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return _parse(client.get_httpx_client().request(**_request(job_id=job_id)))


def sync(*, client: Client, job_id: str) -> bytes:
    """Cancel a job

    Cancel a queued, waiting or running job; it ends in state C. A job that already ended is a 409.
    Given a job array's ID, cancel all its tasks not yet ended (a 409 when all of them ended).

    Args:
        job_id: Job ID.

    Returns:
        200: The job is cancelled; the body says so in words.

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return sync_detailed(client=client, job_id=job_id).parsed


async def asyncio_detailed(*, client: Client, job_id: str) -> Response[bytes]:
    """Cancel a job

    Cancel a queued, waiting or running job; it ends in state C. A job that already ended is a 409.
    Given a job array's ID, cancel all its tasks not yet ended (a 409 when all of them ended).

    Args:
        job_id: Job ID.

    Returns:
        The whole response; ``parsed`` is the body (200: The job is cancelled; the body says so in words.).

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return _parse(await client.get_async_httpx_client().request(**_request(job_id=job_id)))


async def asyncio(*, client: Client, job_id: str) -> bytes:
    """Cancel a job

    Cancel a queued, waiting or running job; it ends in state C. A job that already ended is a 409.
    Given a job array's ID, cancel all its tasks not yet ended (a 409 when all of them ended).

    Args:
        job_id: Job ID.

    Returns:
        200: The job is cancelled; the body says so in words.

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return (await asyncio_detailed(client=client, job_id=job_id)).parsed
