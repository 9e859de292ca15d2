"""Job events: what the event stream (``GET /user/events``) tells a user, and its fan-out.

An event is one row of the store's ``transitions`` table: a job submitted, or a change of state
with its reason, where the job was placed, what its run cost and which outputs came back, or (a
row from Q to Q) a queued job's new reason for waiting, recorded only when the reason changes. The
row is written first, in the transaction that changes the job; its ``seq`` is the event's ID, so a
client that reconnects with the last ID it saw reads what it missed from the store, across daemon
restarts too.

Open streams do not poll the store: the job service hands each event it has written to
:class:`EventHub`, which puts it in the queue of every stream that wants it (its owner's, and the
daemon owner's streams of everyone's events). A stream that does not keep up is closed rather than
buffered without end; its client reconnects with its last ID and reads the rest from the store.
"""

from __future__ import annotations

import asyncio
import dataclasses
import math
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Collection, Iterator, Mapping, Sequence
from typing import Any

from skyport.errors import TooManyRequests
from skyport.jobs.record import Job
from skyport.jobs.states import TERMINAL, JobState

QUEUE_SIZE = 10000  # events waiting for one stream's client before the stream is closed
Credential = tuple[str, str]  # ("certificate", serial number), ("token", ID), or ("tokens of", user): tokens, sessions


def credentials(user: str, serial: int | None, token: str | None, session: bool = False) -> frozenset[Credential]:
    """What a stream was opened with: the certificate of serial number ``serial``, the token ``token``
    of ``user`` (which dies with its own revocation and with that of ``user``'s certificate), or a
    dashboard ``session`` of ``user`` (which dies with ``user``'s certificate too)."""
    if token is not None:
        return frozenset({("token", token), ("tokens of", user)})
    if session:
        return frozenset({("tokens of", user)})
    return frozenset({("certificate", str(serial))}) if serial is not None else frozenset()


@dataclasses.dataclass(frozen=True)
class JobEvent:
    """One recorded event of a job."""

    id: int  # the transition's seq: increasing, the same after a restart
    job_id: str
    owner: str
    at: float
    source: JobState | None  # None: the job was submitted; the target: its waiting reason changed
    target: JobState
    reason: str
    details: Mapping[str, Any]  # see details()

    @property
    def kind(self) -> str:
        return "submitted" if self.source is None else "reason" if self.source == self.target else "state"


def details(job: Job, outputs: Sequence[str] = ()) -> dict[str, Any]:
    """What an event of ``job`` (as it is once changed) says besides its states: name and array task;
    site, partition, flavor and price once placed; cost, exit status and the ``outputs`` staged back
    once ended."""
    found: dict[str, Any] = {"name": job.name}
    if job.array_id is not None:
        found.update(array_id=job.array_id, array_task_id=job.array_task)
    if job.site is not None and job.state in (JobState.WAITING, JobState.RUNNING):
        found.update(site=job.site, partition_id=job.partition_id, flavor=job.flavor, price=job.price)
    if job.state in TERMINAL:
        found["cost"] = round(job.cost(job.end_time or job.submit_time), 6)
        found.update({k: v for k, v in (("exitcode", job.exitcode), ("signal", job.signal)) if v is not None})
        if outputs:
            found["outputs"] = list(outputs)
    return found


def row(job: Job, source: JobState | None, reason: str, at: float, outputs: Sequence[str] = ()) -> dict[str, Any]:
    """The ``transitions`` row of an event of ``job`` (as it is once changed), coming from ``source``
    (None: its submission)."""
    return {
        "job_id": job.id,
        "owner": job.owner,
        "at": at,
        "source": source.value if source is not None else "",
        "target": job.state.value,
        "reason": reason,
        "details": details(job, outputs),
    }


class Stream:
    """The events one open stream has yet to send; ``closed`` once the hub dropped it."""

    def __init__(self, owner: str | None, job_id: str | None, credentials: frozenset[Credential]) -> None:
        self.owner = owner  # None: everyone's
        self.job_id = job_id
        self.credentials = credentials  # what it was opened with: revoking one of them ends the stream
        self.queue: asyncio.Queue[JobEvent | None] = asyncio.Queue(QUEUE_SIZE)
        self.closed = False

    def wants(self, event: JobEvent) -> bool:
        return self.job_id is None or event.job_id == self.job_id

    def put(self, event: JobEvent | None) -> None:
        """Queue ``event`` (None: the end); a full queue closes the stream."""
        if self.closed:
            return
        try:
            self.queue.put_nowait(event)
        except asyncio.QueueFull:
            self.closed = True
            self.queue.get_nowait()
            self.queue.put_nowait(None)
        else:
            self.closed = event is None


class EventHub:
    """The open streams, by the user they are for, and the events handed to them."""

    def __init__(self, max_streams: int) -> None:
        self.max_streams = max_streams  # open streams per user
        self._streams: dict[str | None, set[Stream]] = {}  # by owner; None: everyone's events
        self._opened: dict[str, int] = {}  # open streams by the user who opened them
        self._closed = False

    def open(
        self, user: str, owner: str | None, job_id: str | None = None, credentials: frozenset[Credential] = frozenset()
    ) -> Stream:
        """A new stream that ``user`` opened (with ``credentials``, see :func:`credentials`) for
        ``owner``'s events (None: everyone's), or one job's; TooManyRequests when ``user`` has
        max_streams open already."""
        if self._opened.get(user, 0) >= self.max_streams:
            raise TooManyRequests(
                f"{user} has {self.max_streams} event streams open, the most the daemon allows "
                "(max_event_streams in its config.yaml); close one first"
            )
        stream = Stream(owner, job_id, credentials)
        if self._closed:
            stream.put(None)
        self._streams.setdefault(owner, set()).add(stream)
        self._opened[user] = self._opened.get(user, 0) + 1
        return stream

    def close(self, user: str, stream: Stream) -> None:
        """Forget a stream ``user`` opened, once its response has ended."""
        streams = self._streams.get(stream.owner, set())
        streams.discard(stream)
        if not streams:
            self._streams.pop(stream.owner, None)
        self._opened[user] -= 1
        if not self._opened[user]:
            del self._opened[user]

    def publish(self, events: Sequence[JobEvent]) -> None:
        """Hand events just written to the store to the streams that want them."""
        if not self._streams:
            return
        everyone = self._streams.get(None, ())
        for event in events:
            for stream in (*self._streams.get(event.owner, ()), *everyone):
                if stream.wants(event):
                    stream.put(event)

    def end(self) -> None:
        """End every stream, now and from now on (the daemon is stopping)."""
        self._closed = True
        for stream in self.streams():
            stream.put(None)

    def end_revoked(self, revoked: Collection[Credential]) -> None:
        """End the streams opened with one of these credentials: a stream is one long request, which
        the door saw once."""
        for stream in self.streams():
            if stream.credentials & set(revoked):
                stream.put(None)

    def streams(self) -> Iterator[Stream]:
        for streams in self._streams.values():
            yield from streams


class Feed:
    """What one open stream sends: the stored events after its start, then those the hub hands it,
    each once, in order of ID; None when nothing came for ``heartbeat`` seconds. It ends at
    ``expires``, when what the stream was opened with (a session, a token, a certificate) expires:
    a stream is one long request, which the door saw once."""

    PAGE = 1000  # events read from the store at a time

    def __init__(
        self,
        hub: EventHub,
        *,
        user: str,
        stream: Stream,
        stored: Callable[[int], Awaitable[list[JobEvent]]],
        start: int,
        follow: bool,
        expires: float = math.inf,
    ) -> None:
        self.hub = hub
        self.user = user
        self.stream = stream  # opened before the store is read: nothing written in between is missed
        self.stored = stored  # the first PAGE stored events after an ID
        self.start = start
        self.follow = follow
        self.expires = expires
        self.finished = False  # sent all it was asked for (without ``follow``): not to be reopened
        self._open = True

    async def events(self, heartbeat: float) -> AsyncIterator[JobEvent | None]:
        last = self.start
        while True:
            page = await self.stored(last)
            for stored in page:
                yield stored
                last = stored.id
            if len(page) < self.PAGE:
                break
        self.finished = not self.follow
        while self.follow:
            left = self.expires - time.time()
            if left <= 0:
                return
            try:
                event: JobEvent | None = await asyncio.wait_for(self.stream.queue.get(), min(heartbeat, left))
            except TimeoutError:
                if time.time() < self.expires:
                    yield None
                continue
            if event is None:
                return
            if event.id > last:  # written before the store was read, handed over after: sent already
                yield event
                last = event.id

    def close(self) -> None:
        """Close the stream in the hub (once)."""
        if self._open:
            self._open = False
            self.hub.close(self.user, self.stream)
