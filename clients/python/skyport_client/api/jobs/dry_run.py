# Generated from spec/core-terminal.yaml by `skyport codegen` (template python_client/endpoint.py.jinja).
# Spec sha256: 0dffc4b1faa7ddfc82a239e7feb8b44243f69c45c4f184b8608bfaa949eff517
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""``POST /user/dry-run``: What the scheduler would do with a job script now, storing nothing

The same request as submitting a job (the same checks and refusals), but nothing is stored
and nothing starts: the answer says where and when the job would start, its worst-case
cost, the budgets it would draw on, and the flavors that could run it, cheapest first.
"""

from __future__ import annotations

from typing import Any

import httpx

from ...client import Client
from ...errors import error_for
from ...models import DryRun
from ...types import Response, build_response, many_files, one_file

_DOCUMENTED_ERRORS: frozenset[int] = frozenset({400, 403, 413})


def _request(
    *, script_content: bytes | None = None, input_files: list[tuple[str, bytes]] | None = None
) -> dict[str, Any]:
    return {
        "method": "POST",
        "url": "/user/dry-run",
        "files": [*one_file("script_content", script_content), *many_files("input_files", input_files)],
    }


def _parse(response: httpx.Response) -> Response[DryRun]:
    if response.status_code == 200:
        return build_response(response, DryRun.from_dict(response.json()))
    raise error_for(response, documented=_DOCUMENTED_ERRORS, has_default=True)


def sync_detailed(
    *, client: Client, script_content: bytes | None = None, input_files: list[tuple[str, bytes]] | None = None
) -> Response[DryRun]:
    """What the scheduler would do with a job script now, storing nothing

    The same request as submitting a job (the same checks and refusals), but nothing is stored
    and nothing starts: the answer says where and when the job would start, its worst-case
    cost, the budgets it would draw on, and the flavors that could run it, cheapest first.

    Args:
        script_content: The job script.
        input_files: Input files, checked as at submit.

    Returns:
        The whole response; ``parsed`` is the body (200: The plan for the job.).

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return _parse(client.get_httpx_client().request(**_request(script_content=script_content, input_files=input_files)))


def sync(
    *, client: Client, script_content: bytes | None = None, input_files: list[tuple[str, bytes]] | None = None
) -> DryRun:
    """What the scheduler would do with a job script now, storing nothing

    The same request as submitting a job (the same checks and refusals), but nothing is stored
    and nothing starts: the answer says where and when the job would start, its worst-case
    cost, the budgets it would draw on, and the flavors that could run it, cheapest first.

    Args:
        script_content: The job script.
        input_files: Input files, checked as at submit.

    Returns:
        200: The plan for the job.

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return sync_detailed(client=client, script_content=script_content, input_files=input_files).parsed


async def asyncio_detailed(
    *, client: Client, script_content: bytes | None = None, input_files: list[tuple[str, bytes]] | None = None
) -> Response[DryRun]:
    """What the scheduler would do with a job script now, storing nothing

    The same request as submitting a job (the same checks and refusals), but nothing is stored
    and nothing starts: the answer says where and when the job would start, its worst-case
    cost, the budgets it would draw on, and the flavors that could run it, cheapest first.

    Args:
        script_content: The job script.
        input_files: Input files, checked as at submit.

    Returns:
        The whole response; ``parsed`` is the body (200: The plan for the job.).

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return _parse(
        await client.get_async_httpx_client().request(
            **_request(script_content=script_content, input_files=input_files)
        )
    )


async def asyncio(
    *, client: Client, script_content: bytes | None = None, input_files: list[tuple[str, bytes]] | None = None
) -> DryRun:
    """What the scheduler would do with a job script now, storing nothing

    The same request as submitting a job (the same checks and refusals), but nothing is stored
    and nothing starts: the answer says where and when the job would start, its worst-case
    cost, the budgets it would draw on, and the flavors that could run it, cheapest first.

    Args:
        script_content: The job script.
        input_files: Input files, checked as at submit.

    Returns:
        200: The plan for the job.

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return (await asyncio_detailed(client=client, script_content=script_content, input_files=input_files)).parsed
