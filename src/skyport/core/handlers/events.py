"""Handlers for the ``events`` tag."""

from __future__ import annotations

from connexion import request
from skyport_gate_sdk.tls import peer_of

from skyport.core import views
from skyport.core.context import caller, core
from skyport.jobs.events import credentials


async def stream_events(
    *, job: str | None = None, all_users: bool = False, follow: bool = True, tail: int = 0, after: int | None = None
) -> views.EventStream:
    running = core()
    last_seen = request.headers.get("last-event-id")  # connexion checked it is digits
    peer, who = peer_of(request.scope), caller()
    feed = await running.jobs.open_events(
        who.name,
        everyone=all_users,
        job_id=job,
        after=int(last_seen) if last_seen is not None else after,
        tail=tail,
        follow=follow,
        credentials=credentials(who.name, peer.serial if peer is not None else None, who.token, who.session),
        expires=who.expires,
    )
    return views.EventStream(feed, running.settings.event_heartbeat)
