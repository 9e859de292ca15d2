"""Accounts, budgets and usage through the real CLI and daemon, on a priced local site."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import yaml
from skyport_client import Client
from skyport_client.api.jobs import dry_run as plan_of
from skyport_client.api.jobs import submit_job

from skyport import pki
from tests.conftest import PYTHON, TEST_USERS, Daemon, running_daemon
from tests.e2e.test_cli import skyport

PRICE = 36.0  # per node-hour: a job of one second costs a cent
ENDS = ("array_end_time", "array_expected_end_time")


@pytest.fixture
def priced(home: Path, tmp_path: Path) -> Iterator[Daemon]:
    """A daemon whose local site charges PRICE per node-hour, with a second user bob (his home: BOB)."""
    settings = {"cpus": 2, "mem": 2048, "users": TEST_USERS, "read_only": PYTHON, "price": PRICE}
    skyport(None, "user", "add", "bob", home=home)
    bob = tmp_path / "bob"
    bob.mkdir()
    shutil.copy(home / "ca.pem", bob / "ca.pem")
    for name in ("cert.pem", "key.pem"):
        shutil.copy(home / pki.USERS / "bob" / name, bob / name)
    with running_daemon(
        home, tmp_path / "daemon.log", [{"name": "local", "kind": "local", "settings": settings}]
    ) as daemon:
        yield daemon


def as_bob(daemon: Daemon, *args: str, check: bool = True) -> Any:
    """`skyport` run with bob's certificate (a home of his own that trusts the daemon's CA)."""
    return skyport(daemon, *args, home=daemon.home.parent / "bob", check=check)


def script(tmp_path: Path, name: str, body: str, *directives: str) -> str:
    path = tmp_path / name
    path.write_text("#!/bin/sh\n" + "".join(f"#SWM {d}\n" for d in directives) + body + "\n")
    return str(path)


def wait_ended(daemon: Daemon, job_id: str, home: Path | None = None) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job = json.loads(skyport(daemon, "--json", "show", job_id, home=home).stdout)
        job = job[0] if isinstance(job, list) else job
        if job["state"] in "FEC":
            return dict(job)
        time.sleep(0.3)
    raise AssertionError(f"job {job_id} did not end in 60 s")


def test_only_the_owner_manages_accounts_and_only_members_charge_them(priced: Daemon, tmp_path: Path) -> None:
    refused = as_bob(priced, "account", "add", "physics", check=False)
    assert refused.returncode == 1
    assert "only the daemon's owner (alice) may add accounts" in refused.stderr
    skyport(priced, "account", "add", "physics", "--member", "alice", "--budget", "500/month")
    job = script(tmp_path, "job.sh", "true", "account physics")
    not_member = as_bob(priced, "submit", job, check=False)
    assert not_member.returncode == 1
    assert "not a member of account physics" in not_member.stderr
    assert json.loads(as_bob(priced, "--json", "account", "list").stdout) == []

    skyport(priced, "account", "set", "physics", "--member", "bob")
    charged = as_bob(priced, "submit", job).stdout.strip()
    own = as_bob(priced, "submit", "--account", "bob", job).stdout.strip()
    shown = {j["id"]: j["account"] for j in json.loads(as_bob(priced, "--json", "show", charged, own).stdout)}
    assert shown == {charged: "physics", own: "bob"}
    listed = json.loads(as_bob(priced, "--json", "account", "list").stdout)
    assert [(a["name"], a["members"], [b["amount"] for b in a["budgets"]]) for a in listed] == [
        ("physics", ["alice", "bob"], [500.0])
    ]
    skyport(priced, "account", "remove", "physics")
    assert json.loads(skyport(priced, "--json", "account", "list").stdout) == []


def test_usage_by_account_totals_equal_the_sum_of_the_jobs_recorded_costs(priced: Daemon, tmp_path: Path) -> None:
    skyport(priced, "account", "add", "physics", "--member", "alice", "--member", "bob")
    ids = [
        skyport(priced, "submit", script(tmp_path, "a.sh", "sleep 1", "account physics")).stdout.strip(),
        skyport(priced, "submit", script(tmp_path, "b.sh", "sleep 2")).stdout.strip(),
        as_bob(priced, "submit", script(tmp_path, "c.sh", "sleep 1", "account physics")).stdout.strip(),
    ]
    costs = {}
    for job_id in ids:
        job = wait_ended(priced, job_id, None if job_id != ids[2] else priced.home.parent / "bob")
        assert job["state"] == "F", job
        assert job["cost"] > 0
        costs[job_id] = job["cost"]
    records = json.loads(skyport(priced, "--json", "usage").stdout)
    assert {r["id"]: r["cost"] for r in records} == pytest.approx(costs)
    assert {r["id"]: r["account"] for r in records} == {ids[0]: "physics", ids[1]: "alice", ids[2]: "physics"}
    totals = {t["key"]: t for t in json.loads(skyport(priced, "--json", "usage", "--by", "account").stdout)}
    jobs_cost = {key: total["cost"] - total["idle_cost"] for key, total in totals.items()}  # less idle partitions
    assert jobs_cost["physics"] == pytest.approx(costs[ids[0]] + costs[ids[2]])
    assert jobs_cost["alice"] == pytest.approx(costs[ids[1]])
    assert totals["physics"]["jobs"] == 2

    mine = json.loads(as_bob(priced, "--json", "usage").stdout)
    assert [r["id"] for r in mine] == [ids[2]]
    others = as_bob(priced, "usage", "--user", "alice", check=False)
    assert others.returncode == 1
    assert "only the daemon's owner (alice) may see the usage of alice" in others.stderr
    table = skyport(priced, "usage", "--by", "account").stdout
    assert "physics" in table and "TOTAL" in table
    # Each day's spend split by user: the owner sees both users, bob only himself.
    today = dt.datetime.now(dt.UTC).date().isoformat()
    by_day = json.loads(skyport(priced, "--json", "usage", "--by", "day", "--split", "user").stdout)
    assert {(t["key"], t["split_key"], t["jobs"]) for t in by_day} == {(today, "alice", 2), (today, "bob", 1)}
    bobs = json.loads(as_bob(priced, "--json", "usage", "--by", "day", "--split", "user").stdout)
    assert [(t["key"], t["split_key"], t["jobs"]) for t in bobs] == [(today, "bob", 1)]
    assert "SITE" in skyport(priced, "usage", "--by", "day", "--split", "site").stdout
    same = skyport(priced, "usage", "--by", "day", "--split", "day", check=False)
    assert same.returncode == 1 and "split must differ from by" in same.stderr
    csv_lines = skyport(priced, "usage", "--csv").stdout.splitlines()
    assert csv_lines[0].startswith("id,name,user,account,state") and len(csv_lines) == 4


def test_usage_shows_the_largest_memory_a_job_held_as_the_local_gate_measured_it(
    priced: Daemon, tmp_path: Path
) -> None:
    fills = "python3 -c 'import time; block = b\"x\" * (50 * 1024 * 1024); time.sleep(0.2)'"
    job_id = skyport(priced, "submit", script(tmp_path, "fill.sh", fills)).stdout.strip()
    assert wait_ended(priced, job_id)["state"] == "F"
    [record] = json.loads(skyport(priced, "--json", "usage").stdout)
    assert 50 * 2**20 <= record["max_rss"] < 200 * 2**20
    [row] = list(csv.DictReader(io.StringIO(skyport(priced, "usage", "--csv").stdout)))
    assert int(row["max_rss"]) == record["max_rss"]
    shown = f"{record['max_rss'] / 2**20:.1f}M"
    assert shown in skyport(priced, "usage").stdout


def wait_no_partition(daemon: Daemon, seconds: float = 30) -> None:
    """Until the daemon has deleted every partition (``skyport nodes`` lists none)."""
    deadline = time.monotonic() + seconds
    while json.loads(skyport(daemon, "--json", "nodes").stdout):
        assert time.monotonic() < deadline, "a partition was not deleted"
        time.sleep(0.3)


def test_an_idle_partition_is_charged_to_the_account_of_the_job_it_was_created_for(
    priced: Daemon, tmp_path: Path
) -> None:
    """About 8 s: after its job, the local site's partition is kept for the daemon's idle_timeout (5 s)."""
    skyport(priced, "account", "add", "physics", "--member", "alice", "--budget", "100/month")
    job_id = skyport(priced, "submit", script(tmp_path, "a.sh", "sleep 1", "account physics")).stdout.strip()
    job = wait_ended(priced, job_id)
    wait_no_partition(priced)
    totals = {t["key"]: t for t in json.loads(skyport(priced, "--json", "usage", "--by", "account").stdout)}
    idle = totals["physics"]["idle_cost"]
    assert PRICE * 4.5 / 3600 <= idle <= PRICE * 10 / 3600  # ~5 s idle at $36 per node-hour
    assert totals["physics"]["cost"] == pytest.approx(job["cost"] + idle)
    assert list(totals) == ["physics"]
    by_user = json.loads(skyport(priced, "--json", "usage", "--by", "user").stdout)
    assert [(t["key"], t["jobs"], t["idle_cost"]) for t in by_user] == [("alice", 1, idle)]
    [budget] = json.loads(skyport(priced, "--json", "budget", "list").stdout)
    assert budget["spent"] == pytest.approx(job["cost"] + idle, abs=1e-5)
    assert "IDLE PARTITIONS" in skyport(priced, "usage", "--by", "account").stdout


def test_an_idle_partition_its_budget_cannot_pay_for_is_deleted_at_once(priced: Daemon, tmp_path: Path) -> None:
    skyport(priced, "account", "add", "physics", "--member", "alice", "--budget", "0.055/total")
    # Worst case $0.05 (5 s at $36/h) fits; once it ran, what is left cannot pay 5 s of idle time.
    job_id = skyport(priced, "submit", script(tmp_path, "a.sh", "sleep 1", "account physics", "time 5s")).stdout
    job = wait_ended(priced, job_id.strip())
    assert job["state"] == "F"
    wait_no_partition(priced, seconds=4)  # sooner than the idle_timeout of 5 s
    [budget] = json.loads(skyport(priced, "--json", "budget", "list").stdout)
    assert job["cost"] <= budget["spent"] <= 0.055
    [total] = json.loads(skyport(priced, "--json", "usage", "--by", "account").stdout)
    assert total["idle_cost"] < PRICE * 2 / 3600


def test_a_requeued_jobs_cost_is_the_sum_of_its_runs(priced: Daemon, tmp_path: Path) -> None:
    skyport(priced, "budget", "set", "user", "alice", "100/month")
    job_id = skyport(priced, "submit", script(tmp_path, "a.sh", "sleep 1")).stdout.strip()
    first = wait_ended(priced, job_id)
    deadline = time.monotonic() + 30
    while skyport(priced, "requeue", job_id, check=False).returncode:  # until the site has forgotten the run
        assert time.monotonic() < deadline
        time.sleep(0.3)
    second = wait_state(priced, job_id, "FE")
    assert second["state"] == "F" and second["start_time"] > first["end_time"]
    run = dt.datetime.fromisoformat(second["end_time"]) - dt.datetime.fromisoformat(second["start_time"])
    assert second["cost"] == pytest.approx(first["cost"] + PRICE * run.total_seconds() / 3600, abs=1e-5)
    [record] = json.loads(skyport(priced, "--json", "usage").stdout)
    assert record["cost"] == pytest.approx(second["cost"], abs=1e-5)
    assert record["elapsed"] == pytest.approx(run.total_seconds(), abs=1e-3)  # the last run's
    assert record["cpu_time"] > record["elapsed"]  # both runs'
    wait_no_partition(priced)
    [total] = json.loads(skyport(priced, "--json", "usage", "--by", "user").stdout)
    assert total["cost"] - total["idle_cost"] == pytest.approx(second["cost"], abs=1e-5)
    [budget] = json.loads(skyport(priced, "--json", "budget", "list").stdout)
    assert budget["spent"] == pytest.approx(total["cost"], abs=1e-5)


def dry_run(daemon: Daemon, path: str) -> dict[str, Any]:
    plan: dict[str, Any] = json.loads(skyport(daemon, "--json", "submit", "--dry-run", path).stdout)
    return plan


def test_the_dry_run_expects_the_users_typical_run_and_shows_partitions_and_the_array_throttle(
    home: Path, tmp_path: Path
) -> None:
    """Two priced local sites: "local" at PRICE and "cheap" at half of it, per node-hour."""
    base = {"cpus": 2, "mem": 2048, "users": TEST_USERS, "read_only": PYTHON}
    sites = [
        {"name": "local", "kind": "local", "settings": {**base, "price": PRICE}},
        {"name": "cheap", "kind": "local", "settings": {**base, "price": PRICE / 2}},
    ]
    with running_daemon(home, tmp_path / "daemon.log", sites) as daemon:
        minute = script(tmp_path, "minute.sh", "sleep 1", "time 1m")
        fresh = dry_run(daemon, minute)
        assert fresh["expected_cost"] == fresh["worst_case_cost"] == pytest.approx(PRICE / 2 / 60)
        assert fresh["expected_basis"] == "the worst case: none of your jobs has ended yet"
        assert [(o["remote_name"], o["planned"]) for o in fresh["alternatives"]] == [("cheap", True), ("local", False)]

        # A job that ran, and one held, on the dearer site: its partition there has a CPU free, and
        # the cheap site has none.
        ran = skyport(daemon, "submit", script(tmp_path, "ran.sh", "sleep 1", "time 1m", "site local")).stdout
        assert wait_ended(daemon, ran.strip())["state"] == "F"
        held = skyport(daemon, "submit", script(tmp_path, "held.sh", "sleep 60", "site local")).stdout.strip()
        wait_state(daemon, held, "R")
        plan = dry_run(daemon, script(tmp_path, "array.sh", "sleep 1", "time 1m", "array 1-10%2"))
        ratio = plan["expected_cost"] / plan["worst_case_cost"]
        assert 1 / 60 <= ratio <= 10 / 60  # it ran about a second of its minute
        assert plan["expected_basis"].startswith(f"the worst case x {ratio:.2f}: the median run time / time limit")
        assert (plan["array_tasks"], plan["array_throttle"], plan["array_waves"]) == (10, 2, 5)
        assert plan["array_expected_cost"] == pytest.approx(plan["array_worst_case_cost"] * ratio, abs=1e-5)
        options = plan["alternatives"]
        assert [o["price"] for o in options] == sorted(o["price"] for o in options)
        assert [o.get("partition_id") is not None for o in options if o["remote_name"] == "local"] == [False, True]
        assert sum(o["planned"] for o in options) == 1
        # It would run beside the held job; a new partition on the cheap site would cost half.
        assert [(o["remote_name"], "partition_id" in o, o["planned"], o["cheaper"]) for o in options] == [
            ("cheap", False, False, True),
            ("local", False, False, False),
            ("local", True, True, False),
        ]
        worst = plan["worst_case_cost"]
        for option in options:
            assert option["cheaper"] == (option["worst_case_cost"] < worst - 1e-6)
        text = skyport(daemon, "submit", "--dry-run", str(tmp_path / "array.sh")).stdout
        assert "array: 10 tasks, at most 2 at once" in text and "expected cost: $" in text
        assert "Where it could run" in text and "planned" in text
        skyport(daemon, "cancel", held)


def test_an_arrays_dry_run_follows_its_throttle_waves(home: Path, tmp_path: Path) -> None:
    """Six tasks of one CPU for 10 minutes on a site of two CPUs at PRICE per hour, whose partition is up
    (a job of about a second of its minute just ran there; idle partitions are kept 10 minutes): with %2
    they run in 3 waves, with %1 in 6, each task at most its time limit; the expected end and cost follow
    the user's typical run (that job's)."""
    config = yaml.safe_load((home / "config.yaml").read_text())
    (home / "config.yaml").write_text(yaml.safe_dump({**config, "idle_timeout": 600}))
    settings = {"cpus": 2, "mem": 2048, "users": TEST_USERS, "read_only": PYTHON, "price": PRICE}
    sites = [{"name": "local", "kind": "local", "settings": settings}]
    with running_daemon(home, tmp_path / "daemon.log", sites) as daemon:
        waves(daemon, tmp_path)


def waves(priced: Daemon, tmp_path: Path) -> None:
    ran = skyport(priced, "submit", script(tmp_path, "ran.sh", "sleep 1", "time 1m")).stdout.strip()
    assert wait_ended(priced, ran)["state"] == "F"

    def planned(name: str, array: str) -> tuple[dict[str, Any], float, float, float]:
        path = script(tmp_path, f"{name}.sh", "sleep 1", "cpus 1", "time 10m", f"array {array}")
        with Client(priced.url, ssl_context=priced.ssl_context()) as client:  # the CLI's --json, without its start
            plan = plan_of.sync(client=client, script_content=Path(path).read_bytes()).to_dict()
        assert "array_end_time" in plan, plan
        start = dt.datetime.fromisoformat(plan["start_time"]).timestamp()
        end, expected = (dt.datetime.fromisoformat(plan[key]).timestamp() - start for key in ENDS)
        return plan, end, expected, plan["expected_cost"] / plan["worst_case_cost"]

    task = PRICE * 10 / 60  # one task's worst case
    two, end, expected_end, ratio = planned("two", "1-6%2")
    assert 1 / 60 <= ratio <= 10 / 60  # it ran about a second of its minute
    assert (two["array_tasks"], two["array_throttle"], two["array_waves"]) == (6, 2, 3)
    assert two["array_worst_case_cost"] == pytest.approx(6 * task)
    assert two["array_expected_cost"] == pytest.approx(6 * task * ratio, abs=1e-5)
    assert end == pytest.approx(3 * 600, abs=2)
    assert expected_end == pytest.approx(3 * 600 * ratio, abs=2)
    one, end, expected_end, _ = planned("one", "1-6%1")
    assert (one["array_waves"], one["array_worst_case_cost"]) == (6, pytest.approx(6 * task))
    assert (end, expected_end) == (pytest.approx(6 * 600, abs=2), pytest.approx(6 * 600 * ratio, abs=2))
    # No throttle (or one above its tasks): all six placed as the scheduler would, two now and one holding a
    # reservation at the end of their time limit (the others are past the reservation depth of 1): 2 waves.
    for name, array in (("all", "1-6"), ("wide", "1-6%10")):
        wide, end, _, _ = planned(name, array)
        assert (wide["array_waves"], end) == (2, pytest.approx(3 * 600, abs=2)), (name, wide)
    text = skyport(priced, "submit", "--dry-run", str(tmp_path / "two.sh")).stdout
    assert "array: 6 tasks, at most 2 at once in 3 waves; all of them: worst case $36.00" in text, text
    assert "array ends: " in text and " at the latest, " in text, text


def wait_state(daemon: Daemon, job_id: str, states: str, seconds: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = json.loads(skyport(daemon, "--json", "show", job_id).stdout)
        job = job[0] if isinstance(job, list) else job
        if job["state"] in states:
            return dict(job)
        time.sleep(0.3)
    raise AssertionError(f"job {job_id} not in {states} within {seconds} s: {job}")


def test_a_one_dollar_budget_lets_one_job_through_and_the_next_waits_until_it_is_raised(
    priced: Daemon, tmp_path: Path
) -> None:
    skyport(priced, "budget", "set", "user", "alice", "1/month")
    minute = script(tmp_path, "first.sh", "sleep 30", "time 1m")  # worst case: $36/h x 1 node x 1/60 h = $0.60
    first = skyport(priced, "submit", minute).stdout.strip()
    wait_state(priced, first, "R")
    second = skyport(priced, "submit", script(tmp_path, "second.sh", "true", "time 1m")).stdout.strip()
    time.sleep(2)  # a few passes of the loop
    waiting = wait_state(priced, second, "Q")
    assert waiting["state_details"].startswith("user alice has $0.40 left this month; this job may cost up to $0.60; ")
    assert "a new period starts on 1 " in waiting["state_details"]
    assert wait_state(priced, first, "R")["state"] == "R"

    plan = json.loads(skyport(priced, "--json", "submit", "--dry-run", str(tmp_path / "second.sh")).stdout)
    assert not plan["placed"] and plan["reason"] == waiting["state_details"]
    assert [(b["name"], round(b["left"], 2)) for b in plan["budgets"]] == [("user alice", 0.4)]
    # a new partition of the local flavor, or the one the first job runs on (it has a CPU free)
    assert [
        (o["flavor_name"], "partition_id" in o, o["price"], o["worst_case_cost"]) for o in plan["alternatives"]
    ] == [
        ("local", False, PRICE, 0.6),
        ("local", True, PRICE, 0.6),
    ]
    text = skyport(priced, "submit", "--dry-run", str(tmp_path / "second.sh")).stdout
    assert "would wait: user alice has $0.40 left this month" in text and "worst-case cost: $0.6000" in text
    too_long = skyport(priced, "submit", script(tmp_path, "long.sh", "true", "time 2h"), check=False)
    assert too_long.returncode == 1
    assert (
        "may cost up to $72.00" in too_long.stderr and "whole budget of user alice, $1.00 per month" in too_long.stderr
    )

    skyport(priced, "budget", "set", "user", "alice", "2/month")
    assert wait_state(priced, second, "FE", 30)["state"] == "F"
    assert wait_state(priced, first, "R")["state"] == "R"  # the second ran beside the first
    budgets = json.loads(skyport(priced, "--json", "budget", "list").stdout)
    assert [(b["holder"], b["name"], b["amount"]) for b in budgets] == [("user", "alice", 2.0)]
    assert 0 < budgets[0]["spent"] < 2.0


def test_a_ceiling_or_budget_changed_while_a_job_waits_applies_to_it(priced: Daemon, tmp_path: Path) -> None:
    """The loop keeps what the scheduler sees of each pending job from pass to pass; a ceiling or a
    budget changed meanwhile must still reach the jobs already waiting."""
    skyport(priced, "account", "add", "cheap", "--member", "alice", "--job-ceiling", "10")
    held = skyport(priced, "submit", script(tmp_path, "held.sh", "true", "account cheap", "time 1m")).stdout.strip()
    assert "above the ceiling of $10/h" in wait_details(priced, held, "above the ceiling")
    skyport(priced, "account", "set", "cheap", "--job-ceiling", "100")
    assert wait_state(priced, held, "FE")["state"] == "F"

    busy = skyport(priced, "submit", script(tmp_path, "busy.sh", "sleep 600", "time 10m")).stdout.strip()
    wait_state(priced, busy, "R")
    whole = skyport(priced, "submit", script(tmp_path, "whole.sh", "true", "cpus 2", "time 1m")).stdout.strip()
    wait_details(priced, whole, "(reserved)")
    skyport(priced, "budget", "set", "user", "alice", "0.3/month")  # it may cost up to $0.60
    assert wait_details(priced, whole, "user alice has $").startswith("user alice has $")
    skyport(priced, "cancel", busy)


def wait_details(daemon: Daemon, job_id: str, words: str, seconds: float = 60) -> str:
    """The job's state details once they contain ``words``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = json.loads(skyport(daemon, "--json", "show", job_id).stdout)
        details = str((job[0] if isinstance(job, list) else job)["state_details"])
        if words in details:
            return details
        time.sleep(0.3)
    raise AssertionError(f"job {job_id}: {words!r} not in its details within {seconds} s: {details!r}")


def test_an_accounts_job_ceiling_holds_its_jobs_that_give_no_max_price(priced: Daemon, tmp_path: Path) -> None:
    skyport(priced, "account", "add", "cheap", "--member", "alice", "--job-ceiling", "10")
    held = skyport(priced, "submit", script(tmp_path, "held.sh", "true", "account cheap")).stdout.strip()
    own = skyport(priced, "submit", script(tmp_path, "own.sh", "true", "account cheap", "max-price 50")).stdout.strip()
    assert wait_state(priced, own, "FE")["state"] == "F"
    waiting = wait_state(priced, held, "Q")
    assert "above the ceiling of $10/h" in waiting["state_details"]


def test_a_total_budget_is_never_exceeded_under_200_concurrent_submissions_from_two_users(
    priced: Daemon, tmp_path: Path
) -> None:
    """About 25 s: 200 submissions through 16 clients, and the few jobs the budget lets through run."""
    skyport(priced, "account", "add", "shared", "--member", "alice", "--member", "bob", "--budget", "0.65/total")
    # Worst case $0.60 each, so one runs at a time; each costs ~$0.02, so after a few the budget is
    # too short for the next one and the queue settles.
    script_bytes = b"#!/bin/sh\n#SWM account shared\n#SWM time 1m\nsleep 2\n"
    homes = [priced.home, tmp_path / "bob"]

    def submit(i: int) -> str:
        home = homes[i % 2]
        context = priced.ssl_context(home / "cert.pem", home / "key.pem")
        with Client(priced.url, ssl_context=context) as client:
            return submit_job.sync(client=client, script_content=script_bytes).decode()

    with ThreadPoolExecutor(16) as pool:
        ids = list(pool.map(submit, range(200)))
    assert len(set(ids)) == 200
    deadline = time.monotonic() + 240
    while True:  # until nothing runs and nothing more can start
        listed = skyport(priced, "--json", "jobs", "--all").stdout, as_bob(priced, "--json", "jobs", "--all").stdout
        jobs = [j for text in listed for j in json.loads(text) if j["id"] in ids]
        waiting = [j for j in jobs if j["state"] == "Q"]
        if not any(j["state"] in "RTW" for j in jobs) and all("left in total" in j["state_details"] for j in waiting):
            break
        assert time.monotonic() < deadline, Counter((j["state"], j["state_details"]) for j in jobs)
        time.sleep(1)
    assert len(jobs) == 200
    wait_no_partition(priced)  # its idle time is charged too, once it has ended
    totals = json.loads(skyport(priced, "--json", "usage", "--by", "account").stdout)
    spent = sum(t["cost"] for t in totals if t["key"] == "shared")
    assert 0 < spent <= 0.65
    assert waiting and waiting[0]["state_details"].startswith("account shared has $")
    budget = json.loads(skyport(priced, "--json", "budget", "list").stdout)[0]
    assert budget["spent"] == pytest.approx(spent, abs=1e-6) and budget["spent"] <= budget["amount"]
