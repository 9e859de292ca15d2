# Generated from spec/core-terminal.yaml by `skyport codegen` (template python_client/endpoint.py.jinja).
# Spec sha256: 0dffc4b1faa7ddfc82a239e7feb8b44243f69c45c4f184b8608bfaa949eff517
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""``GET /user/usage/totals``: Totals of ended jobs per user, account, site or day

One total per key of `by`; with `split`, one per key of `by` and key of `split` (the spend
of each site on each day: `by=day&split=site`). A user sees their own jobs; the daemon's
owner everyone's, or those of `user`. At most 10,000 totals: more is a 400 (ask for a
shorter time, or one user or account).
"""

from __future__ import annotations

from typing import Any

import httpx

from ...client import Client
from ...errors import error_for
from ...models import UsageTotal, UsageTotalsBy, UsageTotalsSplit
from ...types import Response, build_response, present

_DOCUMENTED_ERRORS: frozenset[int] = frozenset({400, 403})


def _request(
    *,
    by: UsageTotalsBy,
    split: UsageTotalsSplit | None = None,
    since: str | None = None,
    until: str | None = None,
    user: list[str] | None = None,
    account: str | None = None,
) -> dict[str, Any]:
    return {
        "method": "GET",
        "url": "/user/usage/totals",
        "params": present(
            {
                "by": str(by),
                "split": None if split is None else str(split),
                "since": since,
                "until": until,
                "user": None if user is None else ",".join(item for item in user),
                "account": account,
            }
        ),
    }


def _parse(response: httpx.Response) -> Response[list[UsageTotal]]:
    if response.status_code == 200:
        return build_response(response, [UsageTotal.from_dict(item) for item in response.json()])
    raise error_for(response, documented=_DOCUMENTED_ERRORS, has_default=True)


def sync_detailed(
    *,
    client: Client,
    by: UsageTotalsBy,
    split: UsageTotalsSplit | None = None,
    since: str | None = None,
    until: str | None = None,
    user: list[str] | None = None,
    account: str | None = None,
) -> Response[list[UsageTotal]]:
    """Totals of ended jobs per user, account, site or day

    One total per key of `by`; with `split`, one per key of `by` and key of `split` (the spend
    of each site on each day: `by=day&split=site`). A user sees their own jobs; the daemon's
    owner everyone's, or those of `user`. At most 10,000 totals: more is a 400 (ask for a
    shorter time, or one user or account).

    Args:
        by: What to total by (days in UTC).
        split: Split each total by this too (another key than `by`); each total then names it in `split_key`.
        since: Only jobs that ended at this time or later (default the start of time).
        until: Only jobs that ended before this time (default now).
        user: Only jobs of these users (others than yourself for the daemon's owner only); at most 50, so
        the request line stays within what the daemon reads (16 KiB).

    account: Only jobs charged to this account.

    Returns:
        The whole response; ``parsed`` is the body (200: One total per key, by key.).

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return _parse(
        client.get_httpx_client().request(
            **_request(by=by, split=split, since=since, until=until, user=user, account=account)
        )
    )


def sync(
    *,
    client: Client,
    by: UsageTotalsBy,
    split: UsageTotalsSplit | None = None,
    since: str | None = None,
    until: str | None = None,
    user: list[str] | None = None,
    account: str | None = None,
) -> list[UsageTotal]:
    """Totals of ended jobs per user, account, site or day

    One total per key of `by`; with `split`, one per key of `by` and key of `split` (the spend
    of each site on each day: `by=day&split=site`). A user sees their own jobs; the daemon's
    owner everyone's, or those of `user`. At most 10,000 totals: more is a 400 (ask for a
    shorter time, or one user or account).

    Args:
        by: What to total by (days in UTC).
        split: Split each total by this too (another key than `by`); each total then names it in `split_key`.
        since: Only jobs that ended at this time or later (default the start of time).
        until: Only jobs that ended before this time (default now).
        user: Only jobs of these users (others than yourself for the daemon's owner only); at most 50, so
        the request line stays within what the daemon reads (16 KiB).

    account: Only jobs charged to this account.

    Returns:
        200: One total per key, by key.

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return sync_detailed(client=client, by=by, split=split, since=since, until=until, user=user, account=account).parsed


async def asyncio_detailed(
    *,
    client: Client,
    by: UsageTotalsBy,
    split: UsageTotalsSplit | None = None,
    since: str | None = None,
    until: str | None = None,
    user: list[str] | None = None,
    account: str | None = None,
) -> Response[list[UsageTotal]]:
    """Totals of ended jobs per user, account, site or day

    One total per key of `by`; with `split`, one per key of `by` and key of `split` (the spend
    of each site on each day: `by=day&split=site`). A user sees their own jobs; the daemon's
    owner everyone's, or those of `user`. At most 10,000 totals: more is a 400 (ask for a
    shorter time, or one user or account).

    Args:
        by: What to total by (days in UTC).
        split: Split each total by this too (another key than `by`); each total then names it in `split_key`.
        since: Only jobs that ended at this time or later (default the start of time).
        until: Only jobs that ended before this time (default now).
        user: Only jobs of these users (others than yourself for the daemon's owner only); at most 50, so
        the request line stays within what the daemon reads (16 KiB).

    account: Only jobs charged to this account.

    Returns:
        The whole response; ``parsed`` is the body (200: One total per key, by key.).

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return _parse(
        await client.get_async_httpx_client().request(
            **_request(by=by, split=split, since=since, until=until, user=user, account=account)
        )
    )


async def asyncio(
    *,
    client: Client,
    by: UsageTotalsBy,
    split: UsageTotalsSplit | None = None,
    since: str | None = None,
    until: str | None = None,
    user: list[str] | None = None,
    account: str | None = None,
) -> list[UsageTotal]:
    """Totals of ended jobs per user, account, site or day

    One total per key of `by`; with `split`, one per key of `by` and key of `split` (the spend
    of each site on each day: `by=day&split=site`). A user sees their own jobs; the daemon's
    owner everyone's, or those of `user`. At most 10,000 totals: more is a 400 (ask for a
    shorter time, or one user or account).

    Args:
        by: What to total by (days in UTC).
        split: Split each total by this too (another key than `by`); each total then names it in `split_key`.
        since: Only jobs that ended at this time or later (default the start of time).
        until: Only jobs that ended before this time (default now).
        user: Only jobs of these users (others than yourself for the daemon's owner only); at most 50, so
        the request line stays within what the daemon reads (16 KiB).

    account: Only jobs charged to this account.

    Returns:
        200: One total per key, by key.

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return (
        await asyncio_detailed(client=client, by=by, split=split, since=since, until=until, user=user, account=account)
    ).parsed
