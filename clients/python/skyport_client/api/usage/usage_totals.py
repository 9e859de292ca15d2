# Generated from spec/core-terminal.yaml by `skyport codegen` (template python_client/endpoint.py.jinja).
# Spec sha256: a1c6824062f75365618c1267fbed3b93f8ccc0f6303997739d92ddca1a8148a0
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""``GET /user/usage/totals``: Totals of ended jobs per user, account, site or day"""

from __future__ import annotations

from typing import Any

import httpx

from ...client import Client
from ...errors import error_for
from ...models import UsageTotal, UsageTotalsBy
from ...types import Response, build_response, present

_DOCUMENTED_ERRORS: frozenset[int] = frozenset({400, 403})


def _request(
    *,
    by: UsageTotalsBy,
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
    since: str | None = None,
    until: str | None = None,
    user: list[str] | None = None,
    account: str | None = None,
) -> Response[list[UsageTotal]]:
    """Totals of ended jobs per user, account, site or day

    Args:
        by: What to total by (days in UTC).
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
        client.get_httpx_client().request(**_request(by=by, since=since, until=until, user=user, account=account))
    )


def sync(
    *,
    client: Client,
    by: UsageTotalsBy,
    since: str | None = None,
    until: str | None = None,
    user: list[str] | None = None,
    account: str | None = None,
) -> list[UsageTotal]:
    """Totals of ended jobs per user, account, site or day

    Args:
        by: What to total by (days in UTC).
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
    return sync_detailed(client=client, by=by, since=since, until=until, user=user, account=account).parsed


async def asyncio_detailed(
    *,
    client: Client,
    by: UsageTotalsBy,
    since: str | None = None,
    until: str | None = None,
    user: list[str] | None = None,
    account: str | None = None,
) -> Response[list[UsageTotal]]:
    """Totals of ended jobs per user, account, site or day

    Args:
        by: What to total by (days in UTC).
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
            **_request(by=by, since=since, until=until, user=user, account=account)
        )
    )


async def asyncio(
    *,
    client: Client,
    by: UsageTotalsBy,
    since: str | None = None,
    until: str | None = None,
    user: list[str] | None = None,
    account: str | None = None,
) -> list[UsageTotal]:
    """Totals of ended jobs per user, account, site or day

    Args:
        by: What to total by (days in UTC).
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
    return (await asyncio_detailed(client=client, by=by, since=since, until=until, user=user, account=account)).parsed
