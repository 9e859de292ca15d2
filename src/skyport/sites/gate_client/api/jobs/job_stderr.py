# Generated from spec/core-gate.yaml by `skyport codegen` (template python_client/endpoint.py.jinja).
# Spec sha256: 84facd3c27cd2f18c11ab79d433e2c7938e1f8e1bc6a5d0fe2a6bf0767f51551
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""``GET /jobs/{job_id}/stderr``: Read a job's standard error

The bytes written so far, from `offset` on (at most `length` of them).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx

from ...client import Client
from ...errors import error_for
from ...types import Response, build_response, present

_DOCUMENTED_ERRORS: frozenset[int] = frozenset({404})


def _request(*, job_id: str, offset: int | None = None, length: int | None = None) -> dict[str, Any]:
    return {
        "method": "GET",
        "url": f"/jobs/{quote(str(job_id), safe='')}/stderr",
        "params": present({"offset": offset, "length": length}),
    }


def _parse(response: httpx.Response) -> Response[bytes]:
    if response.status_code == 200:
        return build_response(response, response.content)
    raise error_for(response, documented=_DOCUMENTED_ERRORS, has_default=True)


def sync_detailed(
    *, client: Client, job_id: str, offset: int | None = None, length: int | None = None
) -> Response[bytes]:
    """Read a job's standard error

    The bytes written so far, from `offset` on (at most `length` of them).

    Args:
        job_id: Job ID, chosen by the core.
        offset: Skip this many bytes from the start; an offset at or past the end gives nothing.
        length: Answer at most this many bytes, 1 to 67108864 (64 MiB); everything from `offset` on when
        absent. The core copies an ended job's logs back range by range.

    Returns:
        The whole response; ``parsed`` is the body (200: Standard error.).

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return _parse(client.get_httpx_client().request(**_request(job_id=job_id, offset=offset, length=length)))


def sync(*, client: Client, job_id: str, offset: int | None = None, length: int | None = None) -> bytes:
    """Read a job's standard error

    The bytes written so far, from `offset` on (at most `length` of them).

    Args:
        job_id: Job ID, chosen by the core.
        offset: Skip this many bytes from the start; an offset at or past the end gives nothing.
        length: Answer at most this many bytes, 1 to 67108864 (64 MiB); everything from `offset` on when
        absent. The core copies an ended job's logs back range by range.

    Returns:
        200: Standard error.

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return sync_detailed(client=client, job_id=job_id, offset=offset, length=length).parsed


async def asyncio_detailed(
    *, client: Client, job_id: str, offset: int | None = None, length: int | None = None
) -> Response[bytes]:
    """Read a job's standard error

    The bytes written so far, from `offset` on (at most `length` of them).

    Args:
        job_id: Job ID, chosen by the core.
        offset: Skip this many bytes from the start; an offset at or past the end gives nothing.
        length: Answer at most this many bytes, 1 to 67108864 (64 MiB); everything from `offset` on when
        absent. The core copies an ended job's logs back range by range.

    Returns:
        The whole response; ``parsed`` is the body (200: Standard error.).

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return _parse(
        await client.get_async_httpx_client().request(**_request(job_id=job_id, offset=offset, length=length))
    )


async def asyncio(*, client: Client, job_id: str, offset: int | None = None, length: int | None = None) -> bytes:
    """Read a job's standard error

    The bytes written so far, from `offset` on (at most `length` of them).

    Args:
        job_id: Job ID, chosen by the core.
        offset: Skip this many bytes from the start; an offset at or past the end gives nothing.
        length: Answer at most this many bytes, 1 to 67108864 (64 MiB); everything from `offset` on when
        absent. The core copies an ended job's logs back range by range.

    Returns:
        200: Standard error.

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return (await asyncio_detailed(client=client, job_id=job_id, offset=offset, length=length)).parsed
