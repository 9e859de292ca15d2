# Generated from spec/core-gate.yaml by `skyport codegen` (template python_client/endpoint.py.jinja).
# Spec sha256: 84facd3c27cd2f18c11ab79d433e2c7938e1f8e1bc6a5d0fe2a6bf0767f51551
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""``POST /batch/delete-job-files``: Forget several jobs (optional)

delete_job_files for each job ID of the list, in one call. Optional, as start_jobs (listed
in the site's `batch` when served). Deleting twice, or an unknown job, is not an error.
"""

from __future__ import annotations

from typing import Any

import httpx

from ...client import Client
from ...errors import error_for
from ...types import Response, build_response

_DOCUMENTED_ERRORS: frozenset[int] = frozenset()


def _request(*, body: list[str]) -> dict[str, Any]:
    return {
        "method": "POST",
        "url": "/batch/delete-job-files",
        "json": list(body),
    }


def _parse(response: httpx.Response) -> Response[None]:
    if response.status_code == 204:
        return build_response(response, None)
    raise error_for(response, documented=_DOCUMENTED_ERRORS, has_default=True)


def sync_detailed(*, client: Client, body: list[str]) -> Response[None]:
    """Forget several jobs (optional)

    delete_job_files for each job ID of the list, in one call. Optional, as start_jobs (listed
    in the site's `batch` when served). Deleting twice, or an unknown job, is not an error.

    Args:
        body: Request body.

    Returns:
        The whole response; ``parsed`` is the body (204: Deleted.).

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return _parse(client.get_httpx_client().request(**_request(body=body)))


def sync(*, client: Client, body: list[str]) -> None:
    """Forget several jobs (optional)

    delete_job_files for each job ID of the list, in one call. Optional, as start_jobs (listed
    in the site's `batch` when served). Deleting twice, or an unknown job, is not an error.

    Args:
        body: Request body.

    Returns:
        204: Deleted.

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return sync_detailed(client=client, body=body).parsed


async def asyncio_detailed(*, client: Client, body: list[str]) -> Response[None]:
    """Forget several jobs (optional)

    delete_job_files for each job ID of the list, in one call. Optional, as start_jobs (listed
    in the site's `batch` when served). Deleting twice, or an unknown job, is not an error.

    Args:
        body: Request body.

    Returns:
        The whole response; ``parsed`` is the body (204: Deleted.).

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return _parse(await client.get_async_httpx_client().request(**_request(body=body)))


async def asyncio(*, client: Client, body: list[str]) -> None:
    """Forget several jobs (optional)

    delete_job_files for each job ID of the list, in one call. Optional, as start_jobs (listed
    in the site's `batch` when served). Deleting twice, or an unknown job, is not an error.

    Args:
        body: Request body.

    Returns:
        204: Deleted.

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return (await asyncio_detailed(client=client, body=body)).parsed
