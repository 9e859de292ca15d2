# Generated from spec/core-terminal.yaml by `skyport codegen` (template python_client/endpoint.py.jinja).
# Spec sha256: 0dffc4b1faa7ddfc82a239e7feb8b44243f69c45c4f184b8608bfaa949eff517
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""``GET /user/job/{jobId}/files/{name}``: Download one of a job's files

An output file when the job produced one of that name, otherwise the input file.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx

from ...client import Client
from ...errors import error_for
from ...types import Response, build_response

_DOCUMENTED_ERRORS: frozenset[int] = frozenset({400, 404})


def _request(*, job_id: str, name: str) -> dict[str, Any]:
    return {
        "method": "GET",
        "url": f"/user/job/{quote(str(job_id), safe='')}/files/{quote(str(name), safe='')}",
    }


def _parse(response: httpx.Response) -> Response[bytes]:
    if response.status_code == 200:
        return build_response(response, response.content)
    raise error_for(response, documented=_DOCUMENTED_ERRORS, has_default=True)


def sync_detailed(*, client: Client, job_id: str, name: str) -> Response[bytes]:
    """Download one of a job's files

    An output file when the job produced one of that name, otherwise the input file.

    Args:
        job_id: Job ID.
        name: File name as listed by list_job_files: 1 to 255 bytes of UTF-8, without "/", "\\" or control characters.

    Returns:
        The whole response; ``parsed`` is the body (200: The file's bytes.).

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return _parse(client.get_httpx_client().request(**_request(job_id=job_id, name=name)))


def sync(*, client: Client, job_id: str, name: str) -> bytes:
    """Download one of a job's files

    An output file when the job produced one of that name, otherwise the input file.

    Args:
        job_id: Job ID.
        name: File name as listed by list_job_files: 1 to 255 bytes of UTF-8, without "/", "\\" or control characters.

    Returns:
        200: The file's bytes.

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return sync_detailed(client=client, job_id=job_id, name=name).parsed


async def asyncio_detailed(*, client: Client, job_id: str, name: str) -> Response[bytes]:
    """Download one of a job's files

    An output file when the job produced one of that name, otherwise the input file.

    Args:
        job_id: Job ID.
        name: File name as listed by list_job_files: 1 to 255 bytes of UTF-8, without "/", "\\" or control characters.

    Returns:
        The whole response; ``parsed`` is the body (200: The file's bytes.).

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return _parse(await client.get_async_httpx_client().request(**_request(job_id=job_id, name=name)))


async def asyncio(*, client: Client, job_id: str, name: str) -> bytes:
    """Download one of a job's files

    An output file when the job produced one of that name, otherwise the input file.

    Args:
        job_id: Job ID.
        name: File name as listed by list_job_files: 1 to 255 bytes of UTF-8, without "/", "\\" or control characters.

    Returns:
        200: The file's bytes.

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return (await asyncio_detailed(client=client, job_id=job_id, name=name)).parsed
