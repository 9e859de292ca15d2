"""What the generated Python client sends is what a connexion app on the same spec accepts and parses.

The server is a real connexion app built from spec/core-terminal.yaml by ``skyport.apps.build_app``
(request validation on), called in-process through ``httpx.ASGITransport``; its handlers only
record the arguments connexion parsed and answer a canned body.
"""

from __future__ import annotations

import asyncio
import warnings
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

with warnings.catch_warnings():  # connexion's import warns "install httpx2" (a UserWarning); see pyproject
    warnings.simplefilter("ignore")
    import connexion  # noqa: F401

import httpx
from skyport_client import Client
from skyport_client.api.jobs import get_job, list_jobs, modify_job, submit_job
from skyport_client.errors import ApiError, UnexpectedStatus
from skyport_client.models import Job, JobState, ModifyJobModification

from skyport.apps import build_app
from skyport.errors import JobNotFound

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
