# Generated from spec/core-terminal.yaml by `skyport codegen` (template python_client/endpoint.py.jinja).
# Spec sha256: 0dffc4b1faa7ddfc82a239e7feb8b44243f69c45c4f184b8608bfaa949eff517
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""``GET /user/job``: List all jobs

The user's jobs, newest first, a page at a time: at most `limit` jobs (100 when not given).
When more jobs follow, the answer carries a `Link` header with `rel="next"`, the URL of the
next page (the same query with `before` set to the last job of this page).
"""

from __future__ import annotations

from typing import Any

import httpx

from ...client import Client
from ...errors import error_for
from ...models import Job, JobState
from ...types import Response, build_response, present

_DOCUMENTED_ERRORS: frozenset[int] = frozenset({400})


def _request(
    *,
    state: list[JobState] | None = None,
    limit: int | None = None,
    before: str | None = None,
    name: str | None = None,
    since: str | None = None,
    array: str | None = None,
    task: int | None = None,
) -> dict[str, Any]:
    return {
        "method": "GET",
        "url": "/user/job",
        "params": present(
            {
                "state": None if state is None else ",".join(str(item) for item in state),
                "limit": limit,
                "before": before,
                "name": name,
                "since": since,
                "array": array,
                "task": task,
            }
        ),
    }


def _parse(response: httpx.Response) -> Response[list[Job]]:
    if response.status_code == 200:
        return build_response(response, [Job.from_dict(item) for item in response.json()])
    raise error_for(response, documented=_DOCUMENTED_ERRORS, has_default=True)


def sync_detailed(
    *,
    client: Client,
    state: list[JobState] | None = None,
    limit: int | None = None,
    before: str | None = None,
    name: str | None = None,
    since: str | None = None,
    array: str | None = None,
    task: int | None = None,
) -> Response[list[Job]]:
    """List all jobs

    The user's jobs, newest first, a page at a time: at most `limit` jobs (100 when not given).
    When more jobs follow, the answer carries a `Link` header with `rel="next"`, the URL of the
    next page (the same query with `before` set to the last job of this page).

    Args:
        state: Only jobs in these states (letters, e.g. `Q,R`).
        limit: At most this many jobs.
        before: Only jobs listed after this one (the ID of the last job of the previous page).
        name: Only jobs of this name.
        since: Only jobs not ended, or ended at or after this date-time with its time zone (`2026-11-30T12:00:00Z`).
        array: Only the tasks of this job array (the ID its submission answered).
        task: With `array`, only the task of this task ID.

    Returns:
        The whole response; ``parsed`` is the body (200: The jobs.).

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return _parse(
        client.get_httpx_client().request(
            **_request(state=state, limit=limit, before=before, name=name, since=since, array=array, task=task)
        )
    )


def sync(
    *,
    client: Client,
    state: list[JobState] | None = None,
    limit: int | None = None,
    before: str | None = None,
    name: str | None = None,
    since: str | None = None,
    array: str | None = None,
    task: int | None = None,
) -> list[Job]:
    """List all jobs

    The user's jobs, newest first, a page at a time: at most `limit` jobs (100 when not given).
    When more jobs follow, the answer carries a `Link` header with `rel="next"`, the URL of the
    next page (the same query with `before` set to the last job of this page).

    Args:
        state: Only jobs in these states (letters, e.g. `Q,R`).
        limit: At most this many jobs.
        before: Only jobs listed after this one (the ID of the last job of the previous page).
        name: Only jobs of this name.
        since: Only jobs not ended, or ended at or after this date-time with its time zone (`2026-11-30T12:00:00Z`).
        array: Only the tasks of this job array (the ID its submission answered).
        task: With `array`, only the task of this task ID.

    Returns:
        200: The jobs.

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return sync_detailed(
        client=client, state=state, limit=limit, before=before, name=name, since=since, array=array, task=task
    ).parsed


async def asyncio_detailed(
    *,
    client: Client,
    state: list[JobState] | None = None,
    limit: int | None = None,
    before: str | None = None,
    name: str | None = None,
    since: str | None = None,
    array: str | None = None,
    task: int | None = None,
) -> Response[list[Job]]:
    """List all jobs

    The user's jobs, newest first, a page at a time: at most `limit` jobs (100 when not given).
    When more jobs follow, the answer carries a `Link` header with `rel="next"`, the URL of the
    next page (the same query with `before` set to the last job of this page).

    Args:
        state: Only jobs in these states (letters, e.g. `Q,R`).
        limit: At most this many jobs.
        before: Only jobs listed after this one (the ID of the last job of the previous page).
        name: Only jobs of this name.
        since: Only jobs not ended, or ended at or after this date-time with its time zone (`2026-11-30T12:00:00Z`).
        array: Only the tasks of this job array (the ID its submission answered).
        task: With `array`, only the task of this task ID.

    Returns:
        The whole response; ``parsed`` is the body (200: The jobs.).

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return _parse(
        await client.get_async_httpx_client().request(
            **_request(state=state, limit=limit, before=before, name=name, since=since, array=array, task=task)
        )
    )


async def asyncio(
    *,
    client: Client,
    state: list[JobState] | None = None,
    limit: int | None = None,
    before: str | None = None,
    name: str | None = None,
    since: str | None = None,
    array: str | None = None,
    task: int | None = None,
) -> list[Job]:
    """List all jobs

    The user's jobs, newest first, a page at a time: at most `limit` jobs (100 when not given).
    When more jobs follow, the answer carries a `Link` header with `rel="next"`, the URL of the
    next page (the same query with `before` set to the last job of this page).

    Args:
        state: Only jobs in these states (letters, e.g. `Q,R`).
        limit: At most this many jobs.
        before: Only jobs listed after this one (the ID of the last job of the previous page).
        name: Only jobs of this name.
        since: Only jobs not ended, or ended at or after this date-time with its time zone (`2026-11-30T12:00:00Z`).
        array: Only the tasks of this job array (the ID its submission answered).
        task: With `array`, only the task of this task ID.

    Returns:
        200: The jobs.

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return (
        await asyncio_detailed(
            client=client, state=state, limit=limit, before=before, name=name, since=since, array=array, task=task
        )
    ).parsed
