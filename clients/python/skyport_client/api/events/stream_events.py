# Generated from spec/core-terminal.yaml by `skyport codegen` (template python_client/stream.py.jinja).
# Spec sha256: 0dffc4b1faa7ddfc82a239e7feb8b44243f69c45c4f184b8608bfaa949eff517
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""``GET /user/events``: Job events as they happen

The caller's job events as Server-Sent Events (`text/event-stream`): each job's submission and
every change of its state with the reason, where it was placed, what its run cost and which
outputs came back. Each event's `data` is one JobEvent as JSON and its `id` the event's ID;
IDs increase. The stream starts after the event named by `Last-Event-ID` (the header a
browser's EventSource sends when it reconnects) or `after`; without either, with the last
`tail` stored events. The stream begins with `retry:` and an `id:` line naming where it
starts, so a client cut off before any event resumes there. Events are read from the
daemon's store, so a client that reconnects after a daemon restart misses none; the
generated clients reconnect by themselves. A stream that sent everything it was asked for
(`follow=false`) ends with an event of type `end`: do not reconnect then. A stream ends
without it when the daemon stops, and when the certificate, token or dashboard session that
opened it is revoked or expires. An idle stream gets a comment line every 15 seconds
(event_heartbeat), so proxies keep it open. A user may have max_event_streams (8) streams
open at once: one more is a 429.
"""

from __future__ import annotations

import asyncio as _asyncio
import json
import time
from collections.abc import AsyncGenerator, Generator
from typing import Any

import httpx

from ...client import Client
from ...errors import ApiError, error_for
from ...models import JobEvent
from ...types import Reconnection, present

_DOCUMENTED_ERRORS: frozenset[int] = frozenset({400, 403, 404, 429})
RETRIES = 5  # tries in a row to reopen a cut stream before its error is raised


def _request(
    *,
    job: str | None = None,
    all_users: bool | None = None,
    follow: bool | None = None,
    tail: int | None = None,
    after: int | None = None,
    last_event_id: str | None = None,
) -> dict[str, Any]:
    return {
        "method": "GET",
        "url": "/user/events",
        "params": present({"job": job, "all_users": all_users, "follow": follow, "tail": tail, "after": after}),
        "headers": present({"Last-Event-ID": None if last_event_id is None else str(last_event_id)}),
    }


def sync(
    *,
    client: Client,
    job: str | None = None,
    all_users: bool | None = None,
    follow: bool | None = None,
    tail: int | None = None,
    after: int | None = None,
    last_event_id: str | None = None,
    retries: int = RETRIES,
) -> Generator[JobEvent]:
    """Job events as they happen

    The caller's job events as Server-Sent Events (`text/event-stream`): each job's submission and
    every change of its state with the reason, where it was placed, what its run cost and which
    outputs came back. Each event's `data` is one JobEvent as JSON and its `id` the event's ID;
    IDs increase. The stream starts after the event named by `Last-Event-ID` (the header a
    browser's EventSource sends when it reconnects) or `after`; without either, with the last
    `tail` stored events. The stream begins with `retry:` and an `id:` line naming where it
    starts, so a client cut off before any event resumes there. Events are read from the
    daemon's store, so a client that reconnects after a daemon restart misses none; the
    generated clients reconnect by themselves. A stream that sent everything it was asked for
    (`follow=false`) ends with an event of type `end`: do not reconnect then. A stream ends
    without it when the daemon stops, and when the certificate, token or dashboard session that
    opened it is revoked or expires. An idle stream gets a comment line every 15 seconds
    (event_heartbeat), so proxies keep it open. A user may have max_event_streams (8) streams
    open at once: one more is a 429.

    Args:
        job: Only the events of this job (a 404 when it is not one of yours).
        all_users: Everyone's job events (the daemon's owner only; others get a 403).
        follow: Keep the stream open and send events as they happen; false ends it after the stored ones.
        tail: Without Last-Event-ID or `after`, start with the last this many stored events (0 - only new ones).
        after: Start after the event of this ID (0 - with the first stored event); for clients that cannot send Last-
            Event-ID.
        last_event_id: Start after the event of this ID (digits, as the stream's `id:` lines give it); wins over
            `after`.
        retries: Tries in a row to reopen the stream after it was cut (a dropped connection, a server restart), each
            after the last event delivered (Last-Event-ID) and after a longer wait; 0: never.

    Returns:
        200: The events, one Server-Sent Event each.

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came, or the stream was cut and not reopened.
    """
    again = Reconnection(
        _request(job=job, all_users=all_users, follow=follow, tail=tail, after=after, last_event_id=last_event_id),
        retries,
    )
    while True:
        cut: Exception | None = None
        try:
            with client.get_httpx_client().stream(**again.request()) as response:
                if response.status_code != 200:
                    response.read()
                    raise error_for(response, documented=_DOCUMENTED_ERRORS, has_default=True)
                again.opened()
                for line in response.iter_lines():
                    event = again.events.feed(line)
                    if event is not None:
                        if not again.delivered(event):
                            return
                        yield JobEvent.from_dict(json.loads(event.data))
        except (httpx.TransportError, ApiError) as error:
            cut = error
        delay = again.delay(cut)
        if delay is None:
            if cut is not None:
                raise cut
            return
        time.sleep(delay)


async def asyncio(
    *,
    client: Client,
    job: str | None = None,
    all_users: bool | None = None,
    follow: bool | None = None,
    tail: int | None = None,
    after: int | None = None,
    last_event_id: str | None = None,
    retries: int = RETRIES,
) -> AsyncGenerator[JobEvent]:
    """Job events as they happen

    The caller's job events as Server-Sent Events (`text/event-stream`): each job's submission and
    every change of its state with the reason, where it was placed, what its run cost and which
    outputs came back. Each event's `data` is one JobEvent as JSON and its `id` the event's ID;
    IDs increase. The stream starts after the event named by `Last-Event-ID` (the header a
    browser's EventSource sends when it reconnects) or `after`; without either, with the last
    `tail` stored events. The stream begins with `retry:` and an `id:` line naming where it
    starts, so a client cut off before any event resumes there. Events are read from the
    daemon's store, so a client that reconnects after a daemon restart misses none; the
    generated clients reconnect by themselves. A stream that sent everything it was asked for
    (`follow=false`) ends with an event of type `end`: do not reconnect then. A stream ends
    without it when the daemon stops, and when the certificate, token or dashboard session that
    opened it is revoked or expires. An idle stream gets a comment line every 15 seconds
    (event_heartbeat), so proxies keep it open. A user may have max_event_streams (8) streams
    open at once: one more is a 429.

    Args:
        job: Only the events of this job (a 404 when it is not one of yours).
        all_users: Everyone's job events (the daemon's owner only; others get a 403).
        follow: Keep the stream open and send events as they happen; false ends it after the stored ones.
        tail: Without Last-Event-ID or `after`, start with the last this many stored events (0 - only new ones).
        after: Start after the event of this ID (0 - with the first stored event); for clients that cannot send Last-
            Event-ID.
        last_event_id: Start after the event of this ID (digits, as the stream's `id:` lines give it); wins over
            `after`.
        retries: Tries in a row to reopen the stream after it was cut (a dropped connection, a server restart), each
            after the last event delivered (Last-Event-ID) and after a longer wait; 0: never.

    Returns:
        200: The events, one Server-Sent Event each.

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came, or the stream was cut and not reopened.
    """
    again = Reconnection(
        _request(job=job, all_users=all_users, follow=follow, tail=tail, after=after, last_event_id=last_event_id),
        retries,
    )
    while True:
        cut: Exception | None = None
        try:
            async with client.get_async_httpx_client().stream(**again.request()) as response:
                if response.status_code != 200:
                    await response.aread()
                    raise error_for(response, documented=_DOCUMENTED_ERRORS, has_default=True)
                again.opened()
                async for line in response.aiter_lines():
                    event = again.events.feed(line)
                    if event is not None:
                        if not again.delivered(event):
                            return
                        yield JobEvent.from_dict(json.loads(event.data))
        except (httpx.TransportError, ApiError) as error:
            cut = error
        delay = again.delay(cut)
        if delay is None:
            if cut is not None:
                raise cut
            return
        await _asyncio.sleep(delay)
