# Generated from spec/core-terminal.yaml by `skyport codegen` (template python_client/endpoint.py.jinja).
# Spec sha256: 0dffc4b1faa7ddfc82a239e7feb8b44243f69c45c4f184b8608bfaa949eff517
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""``GET /user/usage``: Ended jobs with what they used and cost

Jobs that ended in [since, until), the latest ended first, a page at a time (`Link rel="next"`
as in the job listing). A user sees their own jobs; the daemon's owner everyone's, or those of `user`.
"""

from __future__ import annotations

from typing import Any

import httpx

from ...client import Client
from ...errors import error_for
from ...models import UsageRecord
from ...types import Response, build_response, present

_DOCUMENTED_ERRORS: frozenset[int] = frozenset({400, 403})


def _request(
    *,
    since: str | None = None,
    until: str | None = None,
    user: list[str] | None = None,
    account: str | None = None,
    limit: int | None = None,
    before: str | None = None,
) -> dict[str, Any]:
    return {
        "method": "GET",
        "url": "/user/usage",
        "params": present(
            {
                "since": since,
                "until": until,
                "user": None if user is None else ",".join(item for item in user),
                "account": account,
                "limit": limit,
                "before": before,
            }
        ),
    }


def _parse(response: httpx.Response) -> Response[list[UsageRecord]]:
    if response.status_code == 200:
        return build_response(response, [UsageRecord.from_dict(item) for item in response.json()])
    raise error_for(response, documented=_DOCUMENTED_ERRORS, has_default=True)


def sync_detailed(
    *,
    client: Client,
    since: str | None = None,
    until: str | None = None,
    user: list[str] | None = None,
    account: str | None = None,
    limit: int | None = None,
    before: str | None = None,
) -> Response[list[UsageRecord]]:
    """Ended jobs with what they used and cost

    Jobs that ended in [since, until), the latest ended first, a page at a time (`Link rel="next"`
    as in the job listing). A user sees their own jobs; the daemon's owner everyone's, or those of `user`.

    Args:
        since: Only jobs that ended at this time or later (default the start of time).
        until: Only jobs that ended before this time (default now).
        user: Only jobs of these users (others than yourself for the daemon's owner only); at most 50, so
        the request line stays within what the daemon reads (16 KiB).

    account: Only jobs charged to this account.
    limit: At most this many jobs.
    before: Only jobs listed after this one (the ID of the last job of the previous page).

    Returns:
        The whole response; ``parsed`` is the body (200: The ended jobs.).

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return _parse(
        client.get_httpx_client().request(
            **_request(since=since, until=until, user=user, account=account, limit=limit, before=before)
        )
    )


def sync(
    *,
    client: Client,
    since: str | None = None,
    until: str | None = None,
    user: list[str] | None = None,
    account: str | None = None,
    limit: int | None = None,
    before: str | None = None,
) -> list[UsageRecord]:
    """Ended jobs with what they used and cost

    Jobs that ended in [since, until), the latest ended first, a page at a time (`Link rel="next"`
    as in the job listing). A user sees their own jobs; the daemon's owner everyone's, or those of `user`.

    Args:
        since: Only jobs that ended at this time or later (default the start of time).
        until: Only jobs that ended before this time (default now).
        user: Only jobs of these users (others than yourself for the daemon's owner only); at most 50, so
        the request line stays within what the daemon reads (16 KiB).

    account: Only jobs charged to this account.
    limit: At most this many jobs.
    before: Only jobs listed after this one (the ID of the last job of the previous page).

    Returns:
        200: The ended jobs.

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return sync_detailed(
        client=client, since=since, until=until, user=user, account=account, limit=limit, before=before
    ).parsed


async def asyncio_detailed(
    *,
    client: Client,
    since: str | None = None,
    until: str | None = None,
    user: list[str] | None = None,
    account: str | None = None,
    limit: int | None = None,
    before: str | None = None,
) -> Response[list[UsageRecord]]:
    """Ended jobs with what they used and cost

    Jobs that ended in [since, until), the latest ended first, a page at a time (`Link rel="next"`
    as in the job listing). A user sees their own jobs; the daemon's owner everyone's, or those of `user`.

    Args:
        since: Only jobs that ended at this time or later (default the start of time).
        until: Only jobs that ended before this time (default now).
        user: Only jobs of these users (others than yourself for the daemon's owner only); at most 50, so
        the request line stays within what the daemon reads (16 KiB).

    account: Only jobs charged to this account.
    limit: At most this many jobs.
    before: Only jobs listed after this one (the ID of the last job of the previous page).

    Returns:
        The whole response; ``parsed`` is the body (200: The ended jobs.).

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return _parse(
        await client.get_async_httpx_client().request(
            **_request(since=since, until=until, user=user, account=account, limit=limit, before=before)
        )
    )


async def asyncio(
    *,
    client: Client,
    since: str | None = None,
    until: str | None = None,
    user: list[str] | None = None,
    account: str | None = None,
    limit: int | None = None,
    before: str | None = None,
) -> list[UsageRecord]:
    """Ended jobs with what they used and cost

    Jobs that ended in [since, until), the latest ended first, a page at a time (`Link rel="next"`
    as in the job listing). A user sees their own jobs; the daemon's owner everyone's, or those of `user`.

    Args:
        since: Only jobs that ended at this time or later (default the start of time).
        until: Only jobs that ended before this time (default now).
        user: Only jobs of these users (others than yourself for the daemon's owner only); at most 50, so
        the request line stays within what the daemon reads (16 KiB).

    account: Only jobs charged to this account.
    limit: At most this many jobs.
    before: Only jobs listed after this one (the ID of the last job of the previous page).

    Returns:
        200: The ended jobs.

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return (
        await asyncio_detailed(
            client=client, since=since, until=until, user=user, account=account, limit=limit, before=before
        )
    ).parsed
