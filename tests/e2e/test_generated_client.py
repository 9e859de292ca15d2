"""The generated Python client (clients/python, `skyport_client`) against a real daemon over mutual TLS.

Every operation of spec/core-terminal.yaml is called here, sync and async, with the SSL context
the client builds itself from a Skyport home. ``test_every_operation_of_the_spec_is_called``
fails when the spec gains an operation this file does not call.
"""

from __future__ import annotations

import asyncio
import re
import time
from pathlib import Path

import httpx
import pytest
from skyport_client import ApiError, Client
from skyport_client.api.accounts import (
    add_account,
    change_account,
    list_accounts,
    list_budgets,
    remove_account,
    set_budget,
)
from skyport_client.api.events import stream_events
from skyport_client.api.flavors import list_flavors
from skyport_client.api.images import list_images
from skyport_client.api.jobs import (
    cancel_job,
    download_job_file,
    dry_run,
    get_job,
    job_stderr,
    job_stdout,
    list_job_files,
    list_jobs,
    modify_job,
    submit_job,
)
from skyport_client.api.metrics import get_metrics
from skyport_client.api.nodes import list_nodes
from skyport_client.api.remotes import list_remotes
from skyport_client.api.timetable import get_timetable
from skyport_client.api.tokens import create_login_code, create_token, list_tokens, revoke_token
from skyport_client.api.usage import list_usage, usage_totals
from skyport_client.models import (
    Account,
    AccountChange,
    BudgetAmount,
    JobState,
    ModifyJobModification,
    Period,
    SetBudgetHolder,
    TokenRequest,
    UsageTotalsBy,
)
from skyport_client.tls import context_for_token, context_from_home

from skyport import specs
from tests.conftest import Daemon

CALLED = {
    list_images,
    list_remotes,
    list_nodes,
    list_flavors,
    get_timetable,
    submit_job,
    list_jobs,
    get_job,
    cancel_job,
    modify_job,
    job_stdout,
    job_stderr,
    list_job_files,
    download_job_file,
    dry_run,
    add_account,
    change_account,
    list_accounts,
    remove_account,
    list_budgets,
    set_budget,
    list_usage,
    usage_totals,
    create_token,
    list_tokens,
    revoke_token,
    create_login_code,
    get_metrics,
    stream_events,
}
WAIT = 60.0


@pytest.fixture
def own_client(daemon: Daemon) -> Client:
    """A client whose TLS context comes from the client package's own helper, not the tests'."""
    return Client(daemon.url, ssl_context=context_from_home(daemon.home))


def ended(client: Client, job_id: str, states: str = "FEC") -> str:
    deadline = time.monotonic() + WAIT
    while (state := get_job.sync(client=client, job_id=job_id).state) not in states:
        assert time.monotonic() < deadline, f"job {job_id} stuck in {state}"
        time.sleep(0.05)
    return str(state)


def test_every_operation_of_the_spec_is_called() -> None:
    paths = specs.load("core-terminal")["paths"].values()
    in_spec = {op["operationId"] for path in paths for op in path.values() if isinstance(op, dict)}
    assert in_spec == {module.__name__.rsplit(".", 1)[-1] for module in CALLED}


def test_a_job_through_every_job_operation(own_client: Client, tmp_path: Path) -> None:
    with own_client as client:
        script = b"#!/bin/sh\n#SWM name gen\n#SWM input in.txt\n#SWM output out.txt\n"
        script += b"tr a-z A-Z < in.txt > out.txt\nprintf 'hello world'\necho warning >&2\n"
        job_id = submit_job.sync(client=client, script_content=script, input_files=[("in.txt", b"abc\n")]).decode()

        assert ended(client, job_id) == "F"
        job = get_job.sync(client=client, job_id=job_id)
        assert (job.name, job.exitcode, job.input_files, job.output_files) == ("gen", 0, ["in.txt"], ["out.txt"])
        assert [j.id for j in list_jobs.sync(client=client, state=[JobState.F], limit=5)] == [job_id]
        assert list_jobs.sync(client=client, state=[JobState.Q, JobState.R]) == []
        assert job_stdout.sync(client=client, job_id=job_id) == b"hello world"
        assert job_stdout.sync(client=client, job_id=job_id, offset=6) == b"world"
        assert job_stderr.sync(client=client, job_id=job_id) == b"warning\n"
        files = {f.name: (f.size, str(f.kind)) for f in list_job_files.sync(client=client, job_id=job_id)}
        assert files == {"in.txt": (4, "input"), "out.txt": (4, "output")}
        assert download_job_file.sync(client=client, job_id=job_id, name="out.txt") == b"ABC\n"

        states = [e.state for e in stream_events.sync(client=client, job=job_id, tail=10000, follow=False)]
        assert states[0] == "Q" and states[-3:] == ["R", "T", "F"]

        assert b"requeued" in modify_job.sync(client=client, job_id=job_id, modification=ModifyJobModification.REQUEUE)
        assert ended(client, job_id) == "F"

    async def events_of_both_runs() -> list[tuple[str, str]]:
        async with Client(own_client.base_url, ssl_context=own_client.ssl_context) as again:
            found = stream_events.asyncio(client=again, job=job_id, tail=10000, follow=False)
            return [(e.kind, e.state) async for e in found]

    both = asyncio.run(events_of_both_runs())
    assert both[0] == ("submitted", "Q") and both.count(("state", "F")) == 2 and ("state", "Q") in both  # requeued

    with own_client as client:
        sleeper = submit_job.sync(client=client, script_content=b"#!/bin/sh\nsleep 300\n").decode()
        assert ended(client, sleeper, "R") == "R"
        assert b"cancelled" in cancel_job.sync(client=client, job_id=sleeper)
        assert ended(client, sleeper) == "C"


def test_site_operations_describe_the_local_site(own_client: Client) -> None:
    with own_client as client:
        remotes = list_remotes.sync(client=client)
        assert [(r.name, str(r.kind)) for r in remotes] == [("local", "local")]
        flavors = list_flavors.sync(client=client)
        assert [f.name for f in flavors] == ["local"] and flavors[0].cpus == 2
        assert [i.name for i in list_images.sync(client=client)]
        assert list_nodes.sync(client=client) == []  # no partition before the first job
        assert get_timetable.sync(client=client) == []


def test_account_budget_and_usage_operations(own_client: Client) -> None:
    with own_client as client:
        with pytest.raises(ApiError) as caught:  # no such account yet
            submit_job.sync(client=client, script_content=b"#!/bin/sh\n#SWM account physics\ntrue\n")
        assert caught.value.status_code == 403 and "account physics" in caught.value.detail
        added = add_account.sync(client=client, body=Account(name="physics", members=["alice"]))
        assert (added.name, added.members, added.job_ceiling) == ("physics", ["alice"], None)
        changed = change_account.sync(client=client, name="physics", body=AccountChange(add_members=["bob"]))
        assert changed.members == ["alice", "bob"]
        budget = set_budget.sync(
            client=client,
            holder=SetBudgetHolder.ACCOUNT,
            name="physics",
            period=Period.MONTH,
            body=BudgetAmount(amount=10),
        )
        assert (budget.amount, budget.spent, budget.left) == (10, 0, 10) and budget.resets_at
        assert [(b.name, b.period) for b in list_budgets.sync(client=client)] == [("physics", Period.MONTH)]
        assert [a.name for a in list_accounts.sync(client=client)] == ["physics"]
        plan = dry_run.sync(client=client, script_content=b"#!/bin/sh\n#SWM account physics\ntrue\n")
        assert plan.placed and plan.remote_name == "local" and plan.worst_case_cost == 0
        assert [(b.name, b.period, b.left) for b in plan.budgets] == [("account physics", "this month", 10)]
        assert [(o.remote_name, o.flavor_name) for o in plan.alternatives] == [("local", "local")]
        assert list_jobs.sync(client=client) == []  # a dry run stores nothing
        job_id = submit_job.sync(client=client, script_content=b"#!/bin/sh\n#SWM account physics\ntrue\n").decode()
        assert ended(client, job_id) == "F"
        assert [(r.id, r.account) for r in list_usage.sync(client=client)] == [(job_id, "physics")]
        assert [(t.key, t.jobs) for t in usage_totals.sync(client=client, by=UsageTotalsBy.ACCOUNT)] == [("physics", 1)]
        assert remove_account.sync(client=client, name="physics").name == "physics"
        assert list_accounts.sync(client=client) == []


def test_errors_raise_api_error_with_the_problem_detail(own_client: Client) -> None:
    with own_client as client:
        unknown = "00000000-0000-4000-8000-000000000000"
        with pytest.raises(ApiError) as caught:
            get_job.sync(client=client, job_id=unknown)
        assert caught.value.status_code == 404 and unknown in caught.value.detail
        with pytest.raises(ApiError) as caught:
            submit_job.sync(client=client, script_content=b"#SWM cpus lots\ntrue\n")
        assert caught.value.status_code == 400 and re.search(r"line 1", caught.value.detail)


def test_token_operations_and_a_client_with_a_token(own_client: Client, daemon: Daemon) -> None:
    with own_client as client:
        made = create_token.sync(client=client, body=TokenRequest(name="gen", expires_in=600))
        assert [(t.id, t.name) for t in list_tokens.sync(client=client)] == [(made.id, "gen")]

    async def run() -> list[str]:
        async with Client(daemon.url, ssl_context=context_for_token(daemon.home), token=made.token) as robot:
            names = [t.name for t in await list_tokens.asyncio(client=robot)]
            await revoke_token.asyncio(client=robot, token=made.id)  # a token may revoke itself
            with pytest.raises(ApiError) as refused:
                await list_tokens.asyncio(client=robot)
            assert refused.value.status_code == 401
            return names

    assert asyncio.run(run()) == ["gen"]


def test_a_login_code_of_the_dashboard_opens_one_session(own_client: Client, daemon: Daemon) -> None:
    with own_client as client:
        made = create_login_code.sync(client=client)
    with httpx.Client(base_url=daemon.url, verify=context_for_token(daemon.home)) as browser:
        assert browser.get(made.path).status_code == 303
        assert browser.get(made.path).status_code == 401


def test_async_calls_reach_the_same_daemon(own_client: Client) -> None:
    async def run() -> tuple[str, str, bytes, str]:
        async with own_client as client:
            job_id = (await submit_job.asyncio(client=client, script_content=b"#!/bin/sh\necho async\n")).decode()
            deadline = time.monotonic() + WAIT
            while (job := await get_job.asyncio(client=client, job_id=job_id)).state not in "FEC":
                assert time.monotonic() < deadline
                await asyncio.sleep(0.05)
            listed = await list_jobs.asyncio(client=client)
            stdout = await job_stdout.asyncio(client=client, job_id=job_id)
            return str(job.state), listed[0].id, stdout, await get_metrics.asyncio(client=client)

    state, listed, stdout, metrics = asyncio.run(run())
    assert (state, stdout) == ("F", b"async\n")
    assert listed
    assert "skyport_jobs_submitted_total 1.0" in metrics.splitlines()
