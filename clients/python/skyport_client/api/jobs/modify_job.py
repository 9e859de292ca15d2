# Generated from spec/core-terminal.yaml by `skyport codegen` (template python_client/endpoint.py.jinja).
# Spec sha256: 0dffc4b1faa7ddfc82a239e7feb8b44243f69c45c4f184b8608bfaa949eff517
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""``PATCH /user/job/{jobId}``: Update a job

Change a job. The only modification is `requeue`: a job that ended (F, E or C) goes back
to Q with its script and input files, and its earlier outputs are dropped.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx

from ...client import Client
from ...errors import error_for
from ...models import ModifyJobModification
from ...types import Response, build_response, present

_DOCUMENTED_ERRORS: frozenset[int] = frozenset({400, 404, 409})


def _request(*, job_id: str, modification: ModifyJobModification) -> dict[str, Any]:
    return {
        "method": "PATCH",
        "url": f"/user/job/{quote(str(job_id), safe='')}",
        "headers": present({"modification": str(modification)}),
    }


def _parse(response: httpx.Response) -> Response[bytes]:
    if response.status_code == 200:
        return build_response(response, response.content)
    raise error_for(response, documented=_DOCUMENTED_ERRORS, has_default=True)


def sync_detailed(*, client: Client, job_id: str, modification: ModifyJobModification) -> Response[bytes]:
    """Update a job

    Change a job. The only modification is `requeue`: a job that ended (F, E or C) goes back
    to Q with its script and input files, and its earlier outputs are dropped.

    Args:
        job_id: Job ID.
        modification: What to change; `requeue`.

    Returns:
        The whole response; ``parsed`` is the body (200: Done; the body says what changed.).

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return _parse(client.get_httpx_client().request(**_request(job_id=job_id, modification=modification)))


def sync(*, client: Client, job_id: str, modification: ModifyJobModification) -> bytes:
    """Update a job

    Change a job. The only modification is `requeue`: a job that ended (F, E or C) goes back
    to Q with its script and input files, and its earlier outputs are dropped.

    Args:
        job_id: Job ID.
        modification: What to change; `requeue`.

    Returns:
        200: Done; the body says what changed.

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return sync_detailed(client=client, job_id=job_id, modification=modification).parsed


async def asyncio_detailed(*, client: Client, job_id: str, modification: ModifyJobModification) -> Response[bytes]:
    """Update a job

    Change a job. The only modification is `requeue`: a job that ended (F, E or C) goes back
    to Q with its script and input files, and its earlier outputs are dropped.

    Args:
        job_id: Job ID.
        modification: What to change; `requeue`.

    Returns:
        The whole response; ``parsed`` is the body (200: Done; the body says what changed.).

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return _parse(await client.get_async_httpx_client().request(**_request(job_id=job_id, modification=modification)))


async def asyncio(*, client: Client, job_id: str, modification: ModifyJobModification) -> bytes:
    """Update a job

    Change a job. The only modification is `requeue`: a job that ended (F, E or C) goes back
    to Q with its script and input files, and its earlier outputs are dropped.

    Args:
        job_id: Job ID.
        modification: What to change; `requeue`.

    Returns:
        200: Done; the body says what changed.

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return (await asyncio_detailed(client=client, job_id=job_id, modification=modification)).parsed
