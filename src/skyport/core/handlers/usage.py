"""Handlers for the ``usage`` tag."""

from __future__ import annotations

import datetime as dt
import time
import urllib.parse

from skyport.core import context, views
from skyport.core.handlers.jobs import PAGE, Result


def _window(since: str | None, until: str | None) -> tuple[float, float]:
    start = dt.datetime.fromisoformat(since).timestamp() if since else 0.0
    end = dt.datetime.fromisoformat(until).timestamp() if until else time.time() + 1.0
    return start, end


async def list_usage(
    *,
    since: str | None = None,
    until: str | None = None,
    user: list[str] | None = None,
    account: str | None = None,
    limit: int = PAGE,
    before: str | None = None,
) -> Result:
    start, end = _window(since, until)
    # One job more than asked for says whether a next page follows.
    jobs = await context.core().usage.jobs(
        context.user(), since=start, until=end, users=user or (), account=account, limit=limit + 1, before=before
    )
    body = [views.usage(job) for job in jobs[:limit]]
    if len(jobs) <= limit:
        return body, 200
    given = {"since": since, "until": until, "user": ",".join(user or []) or None, "account": account}
    query = {**{k: v for k, v in given.items() if v}, "limit": limit, "before": jobs[limit - 1].id}
    link = f'</user/usage?{urllib.parse.urlencode(query, safe=",:")}>; rel="next"'
    return body, 200, {"Link": link, "Content-Type": "application/json"}


async def usage_totals(
    *,
    by: str,
    split: str | None = None,
    since: str | None = None,
    until: str | None = None,
    user: list[str] | None = None,
    account: str | None = None,
) -> Result:
    start, end = _window(since, until)
    totals = await context.core().usage.totals(
        context.user(), by=by, split=split, since=start, until=end, users=user or (), account=account
    )
    return [views.total(row) for row in totals], 200
