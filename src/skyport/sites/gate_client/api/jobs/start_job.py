# Generated from spec/core-gate.yaml by `skyport codegen` (template python_client/endpoint.py.jinja).
# Spec sha256: 84facd3c27cd2f18c11ab79d433e2c7938e1f8e1bc6a5d0fe2a6bf0767f51551
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""``POST /jobs``: Start a job on a partition

Run the job's script on nodes of a ready partition, in a work directory holding the
job's uploaded inputs. Repeating the call with the same ID returns the existing job
with 200 and starts nothing.
"""

from __future__ import annotations

from typing import Any

import httpx

from ...client import Client
from ...errors import error_for
from ...models import GateJob, JobStart
from ...types import Response, build_response

_DOCUMENTED_ERRORS: frozenset[int] = frozenset({400, 404, 409})


def _request(*, body: JobStart) -> dict[str, Any]:
    return {
        "method": "POST",
        "url": "/jobs",
        "json": body.to_dict(),
    }


def _parse(response: httpx.Response) -> Response[GateJob]:
    if response.status_code == 201:
        return build_response(response, GateJob.from_dict(response.json()))
    if response.status_code == 200:
        return build_response(response, GateJob.from_dict(response.json()))
    raise error_for(response, documented=_DOCUMENTED_ERRORS, has_default=True)


def sync_detailed(*, client: Client, body: JobStart) -> Response[GateJob]:
    """Start a job on a partition

    Run the job's script on nodes of a ready partition, in a work directory holding the
    job's uploaded inputs. Repeating the call with the same ID returns the existing job
    with 200 and starts nothing.

    Args:
        body: Request body.

    Returns:
        The whole response; ``parsed`` is the body (201: The job was started.; 200: A job with this ID already exists.).

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return _parse(client.get_httpx_client().request(**_request(body=body)))


def sync(*, client: Client, body: JobStart) -> GateJob:
    """Start a job on a partition

    Run the job's script on nodes of a ready partition, in a work directory holding the
    job's uploaded inputs. Repeating the call with the same ID returns the existing job
    with 200 and starts nothing.

    Args:
        body: Request body.

    Returns:
        201: The job was started.; 200: A job with this ID already exists.

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return sync_detailed(client=client, body=body).parsed


async def asyncio_detailed(*, client: Client, body: JobStart) -> Response[GateJob]:
    """Start a job on a partition

    Run the job's script on nodes of a ready partition, in a work directory holding the
    job's uploaded inputs. Repeating the call with the same ID returns the existing job
    with 200 and starts nothing.

    Args:
        body: Request body.

    Returns:
        The whole response; ``parsed`` is the body (201: The job was started.; 200: A job with this ID already exists.).

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return _parse(await client.get_async_httpx_client().request(**_request(body=body)))


async def asyncio(*, client: Client, body: JobStart) -> GateJob:
    """Start a job on a partition

    Run the job's script on nodes of a ready partition, in a work directory holding the
    job's uploaded inputs. Repeating the call with the same ID returns the existing job
    with 200 and starts nothing.

    Args:
        body: Request body.

    Returns:
        201: The job was started.; 200: A job with this ID already exists.

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return (await asyncio_detailed(client=client, body=body)).parsed
