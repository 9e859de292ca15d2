# Generated from spec/core-gate.yaml by `skyport codegen` (template python_client/endpoint.py.jinja).
# Spec sha256: 84facd3c27cd2f18c11ab79d433e2c7938e1f8e1bc6a5d0fe2a6bf0767f51551
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""``POST /batch/start-jobs``: Start several jobs (optional)

start_job for each job of the list, in its order, in one call. Optional (`x-optional`):
a gate that serves it lists start_jobs in its site's `batch`; one that does not answers
501. The answer has one entry per job, in the same order, with what start_job would have
answered: the status (201, 200, or the 4xx of a refusal) and the job, or the problem. A
job refused does not stop the others.
"""

from __future__ import annotations

from typing import Any

import httpx

from ...client import Client
from ...errors import error_for
from ...models import JobStart, StartAnswer
from ...types import Response, build_response

_DOCUMENTED_ERRORS: frozenset[int] = frozenset()


def _request(*, body: list[JobStart]) -> dict[str, Any]:
    return {
        "method": "POST",
        "url": "/batch/start-jobs",
        "json": [item.to_dict() for item in body],
    }


def _parse(response: httpx.Response) -> Response[list[StartAnswer]]:
    if response.status_code == 200:
        return build_response(response, [StartAnswer.from_dict(item) for item in response.json()])
    raise error_for(response, documented=_DOCUMENTED_ERRORS, has_default=True)


def sync_detailed(*, client: Client, body: list[JobStart]) -> Response[list[StartAnswer]]:
    """Start several jobs (optional)

    start_job for each job of the list, in its order, in one call. Optional (`x-optional`):
    a gate that serves it lists start_jobs in its site's `batch`; one that does not answers
    501. The answer has one entry per job, in the same order, with what start_job would have
    answered: the status (201, 200, or the 4xx of a refusal) and the job, or the problem. A
    job refused does not stop the others.

    Args:
        body: Request body.

    Returns:
        The whole response; ``parsed`` is the body (200: One answer per job, in the order asked.).

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return _parse(client.get_httpx_client().request(**_request(body=body)))


def sync(*, client: Client, body: list[JobStart]) -> list[StartAnswer]:
    """Start several jobs (optional)

    start_job for each job of the list, in its order, in one call. Optional (`x-optional`):
    a gate that serves it lists start_jobs in its site's `batch`; one that does not answers
    501. The answer has one entry per job, in the same order, with what start_job would have
    answered: the status (201, 200, or the 4xx of a refusal) and the job, or the problem. A
    job refused does not stop the others.

    Args:
        body: Request body.

    Returns:
        200: One answer per job, in the order asked.

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return sync_detailed(client=client, body=body).parsed


async def asyncio_detailed(*, client: Client, body: list[JobStart]) -> Response[list[StartAnswer]]:
    """Start several jobs (optional)

    start_job for each job of the list, in its order, in one call. Optional (`x-optional`):
    a gate that serves it lists start_jobs in its site's `batch`; one that does not answers
    501. The answer has one entry per job, in the same order, with what start_job would have
    answered: the status (201, 200, or the 4xx of a refusal) and the job, or the problem. A
    job refused does not stop the others.

    Args:
        body: Request body.

    Returns:
        The whole response; ``parsed`` is the body (200: One answer per job, in the order asked.).

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return _parse(await client.get_async_httpx_client().request(**_request(body=body)))


async def asyncio(*, client: Client, body: list[JobStart]) -> list[StartAnswer]:
    """Start several jobs (optional)

    start_job for each job of the list, in its order, in one call. Optional (`x-optional`):
    a gate that serves it lists start_jobs in its site's `batch`; one that does not answers
    501. The answer has one entry per job, in the same order, with what start_job would have
    answered: the status (201, 200, or the 4xx of a refusal) and the job, or the problem. A
    job refused does not stop the others.

    Args:
        body: Request body.

    Returns:
        200: One answer per job, in the order asked.

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return (await asyncio_detailed(client=client, body=body)).parsed
