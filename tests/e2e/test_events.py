"""The event stream (GET /user/events) of a real daemon over mutual TLS, through the generated client,
raw HTTP and the CLI: order, reconnection across a restart, who sees what, limits."""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
import yaml
from skyport_client import Client
from skyport_client.api.events import stream_events
from skyport_client.api.jobs import cancel_job, get_job, submit_job
from skyport_client.api.tokens import create_token, revoke_token
from skyport_client.errors import ApiError
from skyport_client.models import JobEvent, TokenRequest
from skyport_client.tls import context_for_token

from skyport import pki
from tests.conftest import Daemon, running_daemon
from tests.e2e.test_cli import skyport

ENDED = {"F", "E", "C"}
SCRIPT = b"#!/bin/sh\n#SWM output out.txt\nsleep 1\necho made > out.txt\n"


def take(events: Iterator[JobEvent], until: Callable[[JobEvent], bool] = lambda e: False) -> list[JobEvent]:
    """The events up to the first that ``until`` accepts (or the stream's end), within 60 s; the
    stream is closed after."""
    taken: list[JobEvent] = []
    failed: list[Exception] = []

    def read() -> None:
        try:
            with contextlib.closing(events):
                for event in events:
                    taken.append(event)
                    if until(event):
                        return
        except Exception as exc:
            failed.append(exc)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(60)
    assert not reader.is_alive(), f"the stream did not get there in 60 s: {[(e.kind, e.state) for e in taken]}"
    if failed:
        raise failed[0]
    return taken


def ended(job_id: str) -> Callable[[JobEvent], bool]:
    return lambda event: event.job_id == job_id and event.state in ENDED


def submit(client: Client, script: bytes = SCRIPT) -> str:
    return submit_job.sync(client=client, script_content=script).decode()


def wait_ended(client: Client, job_id: str) -> None:
    deadline = time.monotonic() + 60
    while get_job.sync(client=client, job_id=job_id).state not in ENDED:
        assert time.monotonic() < deadline, f"job {job_id} did not end in 60 s"
        time.sleep(0.1)


def user(daemon: Daemon, name: str) -> Client:
    """A client with the certificate of a user added to the daemon's home."""
    skyport(None, "user", "add", name, home=daemon.home)
    folder = daemon.home / pki.USERS / name
    return Client(daemon.url, ssl_context=daemon.ssl_context(folder / "cert.pem", folder / "key.pem"))


def test_a_job_s_events_come_in_order_from_its_submission_to_f(client: Client) -> None:
    job_id = submit(client)
    events = take(stream_events.sync(client=client, job=job_id, tail=10000), until=ended(job_id))
    assert [e.id for e in events] == sorted({e.id for e in events})
    assert events[0].kind == "submitted" and events[0].state == "Q" and events[0].previous_state is None
    assert [e.state for e in events][-3:] == ["R", "T", "F"]
    assert all(e.kind == "state" and e.previous_state == before.state for before, e in itertools.pairwise(events))
    assert all(e.job_id == job_id and e.owner == "alice" and e.name == "job" for e in events)
    running = next(e for e in events if e.state == "R")
    assert running.site == "local" and running.partition_id and running.reason.startswith("running on local")
    finished = events[-1]
    assert finished.reason == "finished" and finished.outputs == ["out.txt"]
    assert finished.cost is not None and finished.exitcode == 0


def test_a_queued_job_s_reason_for_waiting_is_an_event_once_not_every_pass(client: Client) -> None:
    busy = submit(client, b"#!/bin/sh\n#SWM cpus 2\nsleep 60\n")
    waiting = submit(client, b"#!/bin/sh\n#SWM cpus 2\ntrue\n")
    until_reason = lambda e: e.job_id == waiting and e.kind == "reason"  # noqa: E731
    [*_, told] = take(stream_events.sync(client=client, job=waiting, tail=10000), until=until_reason)
    assert (told.state, told.previous_state) == ("Q", "Q")
    assert told.reason.startswith("waiting for 1 x cpus=2; next free at")
    time.sleep(3)  # three scheduling passes that find the same reason
    stored = take(stream_events.sync(client=client, job=waiting, tail=10000, follow=False))
    assert [e.kind for e in stored] == ["submitted", "reason"]
    cancel_job.sync(client=client, job_id=busy)
    events = take(stream_events.sync(client=client, job=waiting, after=told.id), until=ended(waiting))
    assert [e.state for e in events if e.kind == "state"][-3:] == ["R", "T", "F"]


def test_a_client_reconnecting_after_a_restart_gets_what_it_missed_exactly_once(daemon: Daemon) -> None:
    client = Client(daemon.url, ssl_context=daemon.ssl_context())
    job_id = submit(client)
    seen = take(stream_events.sync(client=client, job=job_id, tail=10000), until=lambda e: e.kind == "submitted")
    wait_ended(client, job_id)
    client.close()  # the daemon waits for its clients' connections to close, up to the TLS shutdown timeout
    assert daemon.process is not None
    daemon.process.send_signal(signal.SIGTERM)
    assert daemon.process.wait(timeout=15) == 0

    daemon.start()
    with Client(daemon.url, ssl_context=daemon.ssl_context()) as again:
        missed = take(stream_events.sync(client=again, last_event_id=str(seen[-1].id), follow=False))
        stored = take(stream_events.sync(client=again, job=job_id, tail=10000, follow=False))
        by_query = take(stream_events.sync(client=again, after=seen[-1].id, follow=False))
    assert [e.id for e in missed] == [e.id for e in stored if e.id > seen[-1].id] == [e.id for e in by_query]
    assert [e.state for e in missed][-3:] == ["R", "T", "F"]


def test_the_generated_iterator_follows_on_by_itself_across_a_restart_missing_and_repeating_nothing(
    daemon: Daemon,
) -> None:
    """The stream is cut by the daemon stopping; while the iterator waits to reconnect, the restarted
    daemon takes a job whose events it must then get from the store, each once."""
    held: list[JobEvent] = []
    second: list[str] = []
    with Client(daemon.url, ssl_context=daemon.ssl_context()) as follower:
        following = stream_events.sync(client=follower, tail=0)  # only new events; reconnects by itself
        holder = threading.Thread(
            target=lambda: held.extend(take(following, until=lambda e: bool(second) and ended(second[0])(e))),
            daemon=True,
        )
        holder.start()
        time.sleep(1)  # connected
        with Client(daemon.url, ssl_context=daemon.ssl_context()) as client:
            first = submit(client)
            wait_ended(client, first)
        assert daemon.process is not None
        daemon.process.send_signal(signal.SIGTERM)
        assert daemon.process.wait(timeout=15) == 0
        daemon.start()
        with Client(daemon.url, ssl_context=daemon.ssl_context()) as client:
            second.append(submit(client, b"#!/bin/sh\ntrue\n"))  # before the iterator is back (2 s)
            holder.join(60)
            assert not holder.is_alive(), f"the iterator did not follow on: {[(e.job_id, e.state) for e in held]}"
            stored = take(stream_events.sync(client=client, after=0, follow=False))
    assert [e.id for e in held] == [e.id for e in stored]  # in order, each once, none missed
    assert {e.job_id for e in held} == {first, second[0]}
    assert held[-1].job_id == second[0] and held[-1].state == "F"


def test_bob_never_sees_alice_s_jobs_the_owner_sees_everyone_s_and_revoking_bob_ends_his_stream(
    daemon: Daemon, client: Client
) -> None:
    with user(daemon, "bob") as bob:
        bobs = stream_events.sync(client=bob, after=0)  # opened first: alice's events pass it by
        alices_job = submit(client, b"#!/bin/sh\ntrue\n")
        wait_ended(client, alices_job)
        bobs_job = submit(bob, b"#!/bin/sh\ntrue\n")
        seen = take(bobs, until=ended(bobs_job))
        assert {e.job_id for e in seen} == {bobs_job} and {e.owner for e in seen} == {"bob"}

        everyone = take(stream_events.sync(client=client, all_users=True, after=0, follow=False))
        assert {e.job_id: e.owner for e in everyone} == {alices_job: "alice", bobs_job: "bob"}
        own = take(stream_events.sync(client=client, after=0, follow=False))
        assert {e.job_id for e in own} == {alices_job}

        with pytest.raises(ApiError) as refused:
            take(stream_events.sync(client=bob, all_users=True))
        assert refused.value.status_code == 403 and "owner (alice)" in (refused.value.detail or "")
        with pytest.raises(ApiError) as hidden:
            take(stream_events.sync(client=bob, job=alices_job))
        assert hidden.value.status_code == 404

        following = stream_events.sync(client=bob, after=seen[-1].id)
        reader, refusals = held_open(following)
        skyport(None, "user", "revoke", "bob", home=daemon.home)
        reader.join(10)
        assert not reader.is_alive(), "a revoked certificate's open stream went on"
        assert refusals and "revoked" in str(refusals[0])  # its reconnection, refused


def held_open(stream: Iterator[JobEvent]) -> tuple[threading.Thread, list[Exception]]:
    """A thread reading ``stream`` until it ends, started and connected, and the error it ended with."""
    failed: list[Exception] = []

    def read() -> None:
        try:
            for _ in stream:
                pass
        except (ApiError, httpx.HTTPError) as exc:
            failed.append(exc)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    time.sleep(1)  # connected, waiting for events
    return reader, failed


def test_a_stream_without_credentials_gets_a_401_and_a_certificate_of_another_role_a_403(daemon: Daemon) -> None:
    with httpx.Client(base_url=daemon.url, verify=context_for_token(daemon.home), timeout=10) as anonymous:
        with anonymous.stream("GET", "/user/events", params={"after": 0}) as answer:
            assert answer.status_code == 401
            assert "data:" not in answer.read().decode()
    core = daemon.ssl_context(daemon.home / pki.CORE_CERT, daemon.home / pki.CORE_KEY)
    with httpx.Client(base_url=daemon.url, verify=core, timeout=10) as gate_role:
        answer = gate_role.get("/user/events", params={"after": 0, "follow": "false"})
    assert answer.status_code == 403 and "data:" not in answer.text


def test_a_token_opens_a_stream_of_its_user_s_events_and_revoking_it_ends_the_stream(
    daemon: Daemon, client: Client
) -> None:
    secret = create_token.sync(client=client, body=TokenRequest(name="ci", expires_in=3600)).token
    job_id = submit(client, b"#!/bin/sh\ntrue\n")
    with Client(daemon.url, ssl_context=context_for_token(daemon.home), token=secret) as by_token:
        seen = take(stream_events.sync(client=by_token, after=0), until=ended(job_id))
        assert {e.job_id for e in seen} == {job_id} and seen[-1].state == "F"
        reader, refusals = held_open(stream_events.sync(client=by_token, after=0))
        revoke_token.sync(client=client, token="ci")
        reader.join(10)
        assert not reader.is_alive(), "a revoked token's open stream went on"
        assert refusals and isinstance(refusals[0], ApiError) and refusals[0].status_code == 401


@pytest.fixture
def limited(home: Path, tmp_path: Path) -> Iterator[Daemon]:
    """A daemon allowing two open streams per user, with a heartbeat every 0.2 s."""
    config = yaml.safe_load((home / "config.yaml").read_text())
    (home / "config.yaml").write_text(yaml.safe_dump({**config, "max_event_streams": 2, "event_heartbeat": 0.2}))
    with running_daemon(home, tmp_path / "daemon.log") as daemon:
        yield daemon


def test_streams_get_heartbeats_and_a_user_may_hold_only_so_many_open(limited: Daemon) -> None:
    with contextlib.ExitStack() as open_streams:
        http = open_streams.enter_context(httpx.Client(base_url=limited.url, verify=limited.ssl_context(), timeout=10))
        first = open_streams.enter_context(http.stream("GET", "/user/events"))
        assert first.headers["content-type"].startswith("text/event-stream")
        lines = first.iter_lines()
        assert next(lines) == "retry: 2000"
        assert next(lines).startswith("id: ")  # where it starts: a client cut off before any event resumes there
        assert [next(lines) for _ in range(4)] == ["", ": keep-alive", "", ": keep-alive"]
        with http.stream("GET", "/user/events") as second:
            assert second.status_code == 200
            third = http.get("/user/events")
            assert third.status_code == 429
            assert "max_event_streams" in third.json()["detail"]
        deadline = time.monotonic() + 10
        while (answer := http.get("/user/events", params={"follow": "false"})).status_code == 429:
            assert time.monotonic() < deadline, "a closed stream still counts after 10 s"
            time.sleep(0.1)
        assert answer.status_code == 200


def test_skyport_events_prints_a_job_s_events_and_follows_new_ones(daemon: Daemon, client: Client) -> None:
    earlier = submit(client, b"#!/bin/sh\ntrue\n")
    wait_ended(client, earlier)
    env = {**os.environ, "SKYPORT_HOME": str(daemon.home), "SKYPORT_URL": daemon.url}
    command = [sys.executable, "-m", "skyport", "--json", "events", "--follow", "--last", "1"]
    with subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True) as following:
        assert following.stdout is not None
        last = json.loads(following.stdout.readline())  # the latest stored event: the command has connected
        assert (last["job_id"], last["state"]) == (earlier, "F")
        job_id = submit(client)
        followed = []
        while not followed or followed[-1]["state"] not in ENDED:
            followed.append(json.loads(following.stdout.readline()))
        following.terminate()
    assert (followed[0]["job_id"], followed[0]["kind"]) == (job_id, "submitted")
    assert [r["state"] for r in followed][-3:] == ["R", "T", "F"]

    lines = skyport(daemon, "events", "--job", job_id[:8]).stdout.splitlines()
    assert lines[0].split()[1:3] == [job_id[:8], "job"] and "queued" in lines[0]
    assert lines[-3].endswith("  running on local (local)") and lines[-2].endswith(
        "  transferring: copying results back from local"
    )
    assert "  finished  cost $" in lines[-1] and lines[-1].endswith("  outputs out.txt")
    records = [json.loads(line) for line in skyport(daemon, "events", "--json", "-n", "2").stdout.splitlines()]
    assert [(r["job_id"], r["state"]) for r in records] == [(job_id, "T"), (job_id, "F")]
    refused = skyport(daemon, "events", "--job", "nosuchjob", check=False)
    assert refused.returncode == 1 and "no job or array of yours" in refused.stderr


def test_submit_wait_follows_an_array_to_its_end_through_the_stream(daemon: Daemon, tmp_path: Path) -> None:
    script = tmp_path / "array.sh"
    script.write_text("#!/bin/sh\n#SWM array 1-3\necho $SKYPORT_ARRAY_TASK_ID\n")
    result = skyport(daemon, "submit", "--wait", str(script))
    assert result.stdout.splitlines()[-1] == "3 tasks: 3 finished"
