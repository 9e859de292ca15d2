"""What the generated Python client sends is what a connexion app on the same spec accepts and parses.

The server is a real connexion app built from spec/core-terminal.yaml by ``skyport.apps.build_app``
(request validation on), called in-process through ``httpx.ASGITransport``; its handlers only
record the arguments connexion parsed and answer a canned body.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import warnings
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import pytest

with warnings.catch_warnings():  # connexion's import warns "install httpx2" (a UserWarning); see pyproject
    warnings.simplefilter("ignore")
    import connexion  # noqa: F401

import httpx
from skyport_client import Client
from skyport_client.api.events import stream_events
from skyport_client.api.jobs import get_job, list_jobs, modify_job, submit_job
from skyport_client.errors import ApiError, UnexpectedStatus
from skyport_client.models import Job, JobEvent, JobState, ModifyJobModification
from starlette.responses import StreamingResponse

from skyport.apps import build_app
from skyport.errors import Forbidden, JobNotFound

JOB_ID = "8d7d9b0e-5a7e-4a55-9a53-0a3d5c3f1a11"


async def _plain(value: Any) -> Any:
    """An uploaded file as its bytes (closed after reading), a list of them as (name, bytes) pairs."""
    if isinstance(value, list) and value and hasattr(value[0], "read"):
        return [(upload.filename, await _plain(upload)) for upload in value]
    if hasattr(value, "read"):
        data = await value.read()
        await value.close()
        return data
    return value


class Recorder:
    """Answers every operation with ``answer`` and keeps what connexion passed in ``calls``."""

    def __init__(self, answer: Any) -> None:
        self.answer = answer
        self.calls: dict[str, dict[str, Any]] = {}

    def __getattr__(self, operation: str) -> Callable[..., Awaitable[Any]]:
        async def handle(**kwargs: Any) -> Any:
            self.calls[operation] = {key: await _plain(value) for key, value in kwargs.items()}
            if isinstance(self.answer, Exception):
                raise self.answer
            return self.answer

        return handle


def call(recorder: Recorder, operation: Any, **kwargs: Any) -> Any:
    async def run() -> Any:
        app = build_app("core-terminal", recorder)
        async with Client("http://core", async_transport=httpx.ASGITransport(app=app)) as client:
            return await operation.asyncio(client=client, **kwargs)

    return asyncio.run(run())


# connexion parses the multipart form once more for validation and never closes that copy's
# temporary files; the handler's own uploads are closed by _plain.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_multipart_submit_arrives_as_script_and_named_input_files() -> None:
    recorder = Recorder((JOB_ID.encode(), 200))
    answer = call(
        recorder, submit_job, script_content=b"#!/bin/sh\ntrue\n", input_files=[("a.txt", b"A"), ("b.bin", b"\0")]
    )
    assert answer == JOB_ID.encode()
    assert recorder.calls["submit_job"]["script_content"] == b"#!/bin/sh\ntrue\n"
    assert recorder.calls["submit_job"]["input_files"] == [("a.txt", b"A"), ("b.bin", b"\0")]


def test_state_filter_is_sent_as_the_comma_list_the_spec_declares() -> None:
    recorder = Recorder(([{"id": JOB_ID, "state": "R", "unknown_later_field": 1}], 200))
    jobs = call(recorder, list_jobs, state=[JobState.Q, JobState.R], limit=5)
    assert recorder.calls["list_jobs"] == {"state": ["Q", "R"], "limit": 5}
    assert jobs == [Job(id=JOB_ID, state=JobState.R)]


def test_required_header_parameter_is_sent() -> None:
    """connexion refuses the request with 400 when the required ``modification`` header is missing."""
    recorder = Recorder((b"requeued\n", 200))
    assert call(recorder, modify_job, job_id=JOB_ID, modification=ModifyJobModification.REQUEUE) == b"requeued\n"


def test_problem_answer_raises_api_error_with_its_detail() -> None:
    with pytest.raises(ApiError) as raised:
        call(Recorder(JobNotFound(JOB_ID)), get_job, job_id=JOB_ID)
    assert (raised.value.status_code, raised.value.title) == (404, "Not found")
    assert raised.value.detail == f"job {JOB_ID} does not exist (or belongs to another user)"
    assert raised.value.problem["status"] == 404


def test_undocumented_success_status_raises_unexpected_status() -> None:
    with pytest.raises(UnexpectedStatus) as raised:
        call(Recorder(({"id": JOB_ID}, 202)), get_job, job_id=JOB_ID)
    assert raised.value.status_code == 202


def test_to_dict_leaves_out_unset_fields_and_round_trips() -> None:
    job = Job(id=JOB_ID, state=JobState.F, node_names=["n1"])
    assert job.to_dict() == {"id": JOB_ID, "state": "F", "node_names": ["n1"]}
    assert Job.from_dict(job.to_dict()) == job


def test_sync_client_reuses_one_connection() -> None:
    """A WSGI-free check of keep-alive: the same httpx.Client serves consecutive calls."""
    client = Client("http://core", transport=httpx.MockTransport(lambda request: httpx.Response(200, json=[])))
    with client:
        first = client.get_httpx_client()
        assert list_jobs.sync(client=client) == []
        assert client.get_httpx_client() is first


EVENT = {"id": 7, "kind": "state", "job_id": JOB_ID, "owner": "alice", "time": "2026-12-01T00:00:00Z", "state": "R"}
# What a stream may hold: a retry field, heartbeat comments, an event's JSON split over two data lines,
# CRLF line ends, a field the client does not know, an event without data (never dispatched).
STREAM = (
    "retry: 2000\n\n: keep-alive\n\n"
    f'id: 6\r\ndata: {{"id": 6, "kind": "submitted", "job_id": "{JOB_ID}",\r\n'
    'data: "owner": "alice", "time": "2026-12-01T00:00:00Z", "state": "Q", "reason": "queued"}\r\n\r\n'
    "event: ignored-by-the-client\nunknown: field\n\n"
    f"id: 7\ndata: {json.dumps({**EVENT, 'reason': 'running on local'})}\n\n"
    "event: end\ndata: {}\n\n"  # as the daemon ends a stream for good: the iterators do not reconnect
)


def test_events_arrive_through_the_async_iterator_with_the_query_sent() -> None:
    """A connexion app on the spec streams the events; ASGITransport hands the body over whole."""
    recorder = Recorder(StreamingResponse(iter([STREAM]), media_type="text/event-stream"))

    async def run() -> list[JobEvent]:
        app = build_app("core-terminal", recorder)
        async with Client("http://core", async_transport=httpx.ASGITransport(app=app)) as client:
            return [event async for event in stream_events.asyncio(client=client, job=JOB_ID, tail=3, follow=False)]

    events = asyncio.run(run())
    assert recorder.calls["stream_events"] == {"job": JOB_ID, "tail": 3, "follow": False, "all_users": False}
    assert [(e.id, e.kind, e.state, e.reason) for e in events] == [
        (6, "submitted", JobState.Q, "queued"),
        (7, "state", JobState.R, "running on local"),
    ]


def test_the_sync_iterator_reads_events_split_anywhere_across_chunks() -> None:
    """httpx.MockTransport: the chunk boundaries of a real server cannot be chosen (the real daemon's
    stream is read in tests/e2e/test_events.py)."""
    data = STREAM.encode()

    def stream(request: httpx.Request) -> httpx.Response:
        assert request.headers["Last-Event-ID"] == "5"
        return httpx.Response(200, headers={"content-type": "text/event-stream"}, content=_bytes(data))

    with Client("http://core", transport=httpx.MockTransport(stream)) as client:
        events = list(stream_events.sync(client=client, last_event_id="5"))
    assert [e.id for e in events] == [6, 7]
    assert events[1] == JobEvent.from_dict({**EVENT, "reason": "running on local"})


def _bytes(data: bytes) -> Iterator[bytes]:
    """``data`` in pieces of 1 to 5 bytes, so every line end falls between two pieces somewhere."""
    at = 0
    for size in itertools.cycle([1, 2, 3, 5]):
        if at >= len(data):
            return
        yield data[at : at + size]
        at += size


def test_an_error_answer_to_a_stream_raises_api_error_on_the_first_read() -> None:
    recorder = Recorder(Forbidden("only the daemon's owner (alice) may follow everyone's job events"))

    async def run() -> None:
        app = build_app("core-terminal", recorder)
        async with Client("http://core", async_transport=httpx.ASGITransport(app=app)) as client:
            async for _ in stream_events.asyncio(client=client, all_users=True):
                pass

    with pytest.raises(ApiError) as raised:
        asyncio.run(run())
    assert raised.value.status_code == 403 and "owner (alice)" in (raised.value.detail or "")
