"""The gate conformance checks: what every gate must do, checked through its HTTP API only.

``skyport-gate conformance URL --flavor NAME`` (or ``skyport conformance gate``) runs :data:`CHECKS`
against a served gate; Skyport's own test suite runs the same checks on its built-in gates. Each
check takes a :class:`GateUnderTest` and raises :class:`Failed` saying what the gate did wrong.
Job scripts are POSIX sh, so any gate that runs scripts on a Unix node can pass. IDs are fresh per
check, so checks can run one after another on the same gate.
"""

from __future__ import annotations

import dataclasses
import json
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx

from skyport_gate_sdk import certs

PROBLEM = "application/problem+json"
OCTET = {"Content-Type": "application/octet-stream"}
ENDED = ("finished", "failed", "cancelled")
LISTEN_WAIT = 30.0  # seconds the checks wait for the gate to accept connections (CI starts it just before)
UNKNOWN_ID_PATHS = ("/partitions/{id}", "/jobs/{id}", "/jobs/{id}/stdout", "/jobs/{id}/stderr", "/jobs/{id}/outputs")


class Failed(Exception):
    """The gate did not do what the gate API says."""


@dataclasses.dataclass(frozen=True)
class GateUnderTest:
    """A served gate and what the checks need to use it."""

    client: httpx.Client
    flavor: str  # a flavor of the site for partitions of one node
    image: str | None = None  # the image to ask for; None takes the site's default
    timeout: float = 30.0  # seconds a partition may take to become ready, or a trivial job to end
    created: list[str] = dataclasses.field(default_factory=list)  # partitions the checks created

    def create_partition(self, request: dict[str, Any]) -> httpx.Response:
        self.created.append(request["id"])
        return self.client.post("/partitions", json=request)

    def clean_up(self) -> None:
        """Delete the partitions the checks created, and only those."""
        for partition_id in self.created:
            self.client.delete(f"/partitions/{partition_id}")


def expect(condition: bool, what: str) -> None:
    if not condition:
        raise Failed(what)


def expect_equal(actual: Any, wanted: Any, what: str) -> None:
    expect(actual == wanted, f"{what}: expected {wanted!r}, got {actual!r}")


def fresh_id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def ok(response: httpx.Response) -> httpx.Response:
    what = f"{response.request.method} {response.request.url.path}"
    expect(response.is_success, f"{what}: HTTP {response.status_code} {response.text}")
    return response


def poll(gate: GateUnderTest, path: str, done: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
    """GET ``path`` until ``done(body)``; fail with the last body after the gate's timeout."""
    deadline = time.monotonic() + gate.timeout
    while True:
        body: dict[str, Any] = ok(gate.client.get(path)).json()
        if done(body):
            return body
        expect(time.monotonic() < deadline, f"{path} never got there in {gate.timeout} s: {body}")
        time.sleep(0.05)


def ready_partition(gate: GateUnderTest) -> str:
    partition_id = fresh_id("p")
    request: dict[str, Any] = {"id": partition_id, "flavor": gate.flavor, "count": 1}
    if gate.image:
        request["image"] = gate.image
    ok(gate.create_partition(request))
    partition = poll(gate, f"/partitions/{partition_id}", lambda p: p["state"] in ("ready", "failed"))
    expect_equal(partition["state"], "ready", f"state of partition {partition_id} ({partition.get('state_details')})")
    return partition_id


def start_job(gate: GateUnderTest, script: str, **fields: Any) -> str:
    job_id = fresh_id("j")
    body = {"id": job_id, "partition_id": ready_partition(gate), "script": script, **fields}
    deadline = time.monotonic() + gate.timeout
    response = gate.client.post("/jobs", json=body)
    # 409 says the site is busy (an earlier check's job still holds its CPUs): start it once one has ended.
    while response.status_code == 409 and time.monotonic() < deadline:
        time.sleep(0.1)
        response = gate.client.post("/jobs", json=body)
    expect_equal(response.status_code, 201, f"status of starting a job ({response.text})")
    return job_id


def ended(gate: GateUnderTest, job_id: str) -> dict[str, Any]:
    return poll(gate, f"/jobs/{job_id}", lambda j: j["state"] in ENDED)


def expect_problem(response: httpx.Response, status: int) -> None:
    what = f"{response.request.method} {response.request.url.path}"
    expect_equal(response.status_code, status, f"status of {what}")
    expect(response.headers.get("content-type", "").startswith(PROBLEM), f"{what}: the error is not {PROBLEM}")
    problem = response.json()
    expect_equal(problem.get("status"), status, f"status in the problem of {what}")
    expect(bool(problem.get("title")) and bool(problem.get("detail")), f"{what}: the problem lacks a title or detail")


def site_names_its_kind_and_offers_flavors_and_images(gate: GateUnderTest) -> None:
    site = ok(gate.client.get("/site")).json()
    expect(bool(site.get("kind")) and bool(site.get("name")), f"/site lacks a kind or name: {site}")
    flavors = {f["name"] for f in ok(gate.client.get("/flavors")).json()}
    expect(gate.flavor in flavors, f"flavor {gate.flavor!r} is not offered (offered: {sorted(flavors)})")
    expect(bool(ok(gate.client.get("/images")).json()), "/images is empty")


def creating_a_partition_is_201_then_200_with_the_same_partition(gate: GateUnderTest) -> None:
    request = {"id": fresh_id("p"), "flavor": gate.flavor, "count": 1}
    first = gate.create_partition(request)
    again = gate.create_partition(request)
    expect_equal((first.status_code, again.status_code), (201, 200), "statuses of creating a partition twice")
    expect_equal((first.json()["id"], again.json()["id"]), (request["id"],) * 2, "IDs of the partition")
    listed = {p["id"] for p in ok(gate.client.get("/partitions")).json()}
    expect(request["id"] in listed, "a new partition is missing from /partitions")


def a_partition_becomes_ready(gate: GateUnderTest) -> None:
    partition_id = ready_partition(gate)
    expect_equal(ok(gate.client.get(f"/partitions/{partition_id}")).json()["state"], "ready", "partition state")


def a_job_runs_to_finished_with_its_exit_code_and_stdout(gate: GateUnderTest) -> None:
    job_id = start_job(gate, "echo hello from $SKYPORT_JOB_ID")
    job = ended(gate, job_id)
    expect_equal((job["state"], job.get("exitcode")), ("finished", 0), "state and exit code")
    stdout = ok(gate.client.get(f"/jobs/{job_id}/stdout")).content
    expect_equal(stdout, f"hello from {job_id}\n".encode(), "stdout (SKYPORT_JOB_ID must be the job's ID)")
    for stream, size in (("stdout", len(stdout)), ("stderr", 0)):
        if f"{stream}_size" in job:  # optional: the core skips reading a log said to be empty
            expect_equal(job[f"{stream}_size"], size, f"{stream}_size of the ended job")


def a_failing_script_is_finished_with_its_nonzero_exit_code(gate: GateUnderTest) -> None:
    job = ended(gate, start_job(gate, "exit 3"))
    expect_equal((job["state"], job.get("exitcode")), ("finished", 3), "state and exit code of `exit 3`")


def starting_a_job_twice_is_200_the_second_time(gate: GateUnderTest) -> None:
    job_id = start_job(gate, "true")
    body = ok(gate.client.get(f"/jobs/{job_id}")).json()
    again = gate.client.post("/jobs", json={"id": job_id, "partition_id": body["partition_id"], "script": "true"})
    expect_equal(again.status_code, 200, "status of starting the same job again")
    expect_equal(again.json()["id"], job_id, "ID of the job started again")


def inputs_go_in_and_declared_outputs_come_back_byte_for_byte(gate: GateUnderTest) -> None:
    job_id = fresh_id("j")
    data = bytes(range(256)) * 64
    ok(gate.client.put(f"/jobs/{job_id}/inputs/in.bin", content=data, headers=OCTET))
    body = {
        "id": job_id,
        "partition_id": ready_partition(gate),
        "script": "cat in.bin in.bin > out.bin",
        "outputs": ["out.bin", "missing.bin"],
    }
    ok(gate.client.post("/jobs", json=body))
    expect_equal(ended(gate, job_id)["state"], "finished", "state")
    outputs = [o["name"] for o in ok(gate.client.get(f"/jobs/{job_id}/outputs")).json()]
    expect_equal(outputs, ["out.bin"], "outputs (a declared file the job did not write is not listed)")
    returned = ok(gate.client.get(f"/jobs/{job_id}/outputs/out.bin")).content
    expect(returned == data + data, f"out.bin came back with {len(returned)} bytes, not the {2 * len(data)} written")


def an_output_that_is_a_link_or_a_fifo_is_refused_not_followed(gate: GateUnderTest) -> None:
    script = "ln -s /etc/passwd out.txt && mkfifo pipe && echo kept > plain.txt"
    job_id = start_job(gate, script, outputs=["out.txt", "pipe", "plain.txt"])
    expect_equal(ended(gate, job_id)["state"], "finished", "state")
    listed = {o["name"]: o.get("refused", "") for o in ok(gate.client.get(f"/jobs/{job_id}/outputs")).json()}
    wanted = {"out.txt": "it is a symbolic link", "pipe": "it is a FIFO", "plain.txt": ""}
    expect_equal(listed, wanted, "outputs and why they are refused")
    expect_problem(gate.client.get(f"/jobs/{job_id}/outputs/out.txt"), 404)
    expect_equal(ok(gate.client.get(f"/jobs/{job_id}/outputs/plain.txt")).content, b"kept\n", "plain.txt")


def an_output_comes_back_by_ranges(gate: GateUnderTest) -> None:
    job_id = start_job(
        gate, "i=0; while [ $i -lt 3000 ]; do echo line $i; i=$((i+1)); done > out.txt", outputs=["out.txt"]
    )
    ended(gate, job_id)
    path = f"/jobs/{job_id}/outputs/out.txt"
    whole = ok(gate.client.get(path)).content
    expect_equal(len(whole), sum(len(f"line {i}\n") for i in range(3000)), "size of out.txt")
    part = ok(gate.client.get(path, params={"offset": 1000, "length": 5000})).content
    expect(part == whole[1000:6000], f"offset 1000, length 5000 gave {len(part)} bytes, not bytes 1000 to 5999")
    tail = ok(gate.client.get(path, params={"offset": len(whole) - 10, "length": 5000})).content
    expect_equal(tail, whole[-10:], "the range that runs past the end (a short answer)")
    past = ok(gate.client.get(path, params={"offset": len(whole) + 10})).content
    expect_equal(past, b"", "a range that starts past the end (an empty answer)")
    expect_problem(gate.client.get(path, params={"length": 0}), 400)


def cancel_ends_a_running_job_as_cancelled(gate: GateUnderTest) -> None:
    job_id = start_job(gate, "sleep 300")
    poll(gate, f"/jobs/{job_id}", lambda j: j["state"] == "running")
    expect_equal(gate.client.delete(f"/jobs/{job_id}").status_code, 200, "status of cancel")
    expect_equal(ended(gate, job_id)["state"], "cancelled", "state after cancel")


def cancelling_an_ended_job_changes_nothing(gate: GateUnderTest) -> None:
    job_id = start_job(gate, "exit 5")
    before = ended(gate, job_id)
    after = gate.client.delete(f"/jobs/{job_id}")
    expect_equal(after.status_code, 200, "status of cancelling an ended job")
    expect_equal((after.json()["state"], after.json().get("exitcode")), (before["state"], 5), "the ended job")


def list_jobs_shows_the_jobs_of_a_partition(gate: GateUnderTest) -> None:
    job_id = start_job(gate, "true")
    partition_id = ok(gate.client.get(f"/jobs/{job_id}")).json()["partition_id"]
    listed = ok(gate.client.get("/jobs", params={"partition_id": partition_id})).json()
    expect_equal([j["id"] for j in listed], [job_id], "jobs listed for the partition")


def deleting_a_partition_twice_is_fine(gate: GateUnderTest) -> None:
    partition_id = ready_partition(gate)
    first = gate.client.delete(f"/partitions/{partition_id}")
    second = gate.client.delete(f"/partitions/{partition_id}")
    expect_equal((first.status_code, second.status_code), (200, 200), "statuses of deleting a partition twice")
    expect(second.json()["state"] in ("deleting", "deleted"), f"state after delete: {second.json()['state']}")


def deleting_an_unknown_partition_answers_deleted(gate: GateUnderTest) -> None:
    response = gate.client.delete(f"/partitions/{fresh_id('p')}")
    expect_equal((response.status_code, response.json().get("state")), (200, "deleted"), "deleting an unknown one")


def deleting_job_files_twice_is_fine_and_forgets_the_job(gate: GateUnderTest) -> None:
    job_id = start_job(gate, "true")
    ended(gate, job_id)
    statuses = [gate.client.delete(f"/jobs/{job_id}/files").status_code for _ in range(2)]
    expect_equal(statuses, [204, 204], "statuses of deleting a job's files twice")
    expect_problem(gate.client.get(f"/jobs/{job_id}"), 404)


def serves(gate: GateUnderTest, operation: str) -> bool:
    """Whether the gate's site lists the optional batch ``operation``."""
    return operation in (ok(gate.client.get("/site")).json().get("batch") or [])


def start_jobs_when_served_answers_each_job_in_order(gate: GateUnderTest) -> None:
    if not serves(gate, "start_jobs"):
        return
    partition_id = ready_partition(gate)
    bodies = [
        {"id": fresh_id("j"), "partition_id": partition_id, "script": "true"},
        {"id": fresh_id("j"), "partition_id": fresh_id("p"), "script": "true"},
    ]
    deadline = time.monotonic() + gate.timeout
    answers = ok(gate.client.post("/batch/start-jobs", json=bodies)).json()
    while answers[0]["status"] == 409 and time.monotonic() < deadline:  # busy with an earlier check's job
        time.sleep(0.1)
        answers = ok(gate.client.post("/batch/start-jobs", json=bodies)).json()
    wanted = [(bodies[0]["id"], 201), (bodies[1]["id"], 404)]
    expect_equal([(a["id"], a["status"]) for a in answers], wanted, "IDs and statuses of the start_jobs answers")
    expect_equal(answers[0].get("job", {}).get("id"), bodies[0]["id"], "the job of the answer of a started job")
    expect_equal(answers[1].get("problem", {}).get("status"), 404, "the problem of a start on an unknown partition")
    again = ok(gate.client.post("/batch/start-jobs", json=bodies[:1])).json()
    expect_equal([a["status"] for a in again], [200], "status of starting the same job again with start_jobs")
    ended(gate, bodies[0]["id"])


def delete_jobs_files_when_served_forgets_each_job(gate: GateUnderTest) -> None:
    if not serves(gate, "delete_jobs_files"):
        return
    job_id = start_job(gate, "true")
    ended(gate, job_id)
    body = [job_id, fresh_id("j")]
    statuses = [gate.client.post("/batch/delete-job-files", json=body).status_code for _ in range(2)]
    expect_equal(statuses, [204, 204], "statuses of deleting the files of a job and an unknown one, twice")
    expect_problem(gate.client.get(f"/jobs/{job_id}"), 404)


def unknown_ids_are_404_problem_json(gate: GateUnderTest) -> None:
    for path in UNKNOWN_ID_PATHS:
        expect_problem(gate.client.get(path.format(id=fresh_id("x"))), 404)


def starting_on_an_unknown_partition_is_404_problem_json(gate: GateUnderTest) -> None:
    body = {"id": fresh_id("j"), "partition_id": fresh_id("p"), "script": "true"}
    expect_problem(gate.client.post("/jobs", json=body), 404)
    expect_problem(gate.client.get(f"/jobs/{body['id']}"), 404)


def a_malformed_request_is_400_problem_json(gate: GateUnderTest) -> None:
    expect_problem(gate.client.post("/partitions", json={"id": "no spaces allowed", "flavor": gate.flavor}), 400)


Check = Callable[[GateUnderTest], None]

CHECKS: tuple[Check, ...] = (
    site_names_its_kind_and_offers_flavors_and_images,
    creating_a_partition_is_201_then_200_with_the_same_partition,
    a_partition_becomes_ready,
    a_job_runs_to_finished_with_its_exit_code_and_stdout,
    a_failing_script_is_finished_with_its_nonzero_exit_code,
    starting_a_job_twice_is_200_the_second_time,
    inputs_go_in_and_declared_outputs_come_back_byte_for_byte,
    an_output_that_is_a_link_or_a_fifo_is_refused_not_followed,
    an_output_comes_back_by_ranges,
    cancel_ends_a_running_job_as_cancelled,
    cancelling_an_ended_job_changes_nothing,
    list_jobs_shows_the_jobs_of_a_partition,
    deleting_a_partition_twice_is_fine,
    deleting_an_unknown_partition_answers_deleted,
    deleting_job_files_twice_is_fine_and_forgets_the_job,
    start_jobs_when_served_answers_each_job_in_order,
    delete_jobs_files_when_served_forgets_each_job,
    unknown_ids_are_404_problem_json,
    starting_on_an_unknown_partition_is_404_problem_json,
    a_malformed_request_is_400_problem_json,
)


@dataclasses.dataclass(frozen=True)
class Outcome:
    name: str
    problem: str  # "" when the check passed
    seconds: float


def run(gate: GateUnderTest, checks: tuple[Check, ...] = CHECKS) -> Iterator[Outcome]:
    """Run each check in turn; a check that fails or cannot reach the gate says why."""
    for check in checks:
        start = time.monotonic()
        try:
            check(gate)
            problem = ""
        except Failed as exc:
            problem = str(exc)
        except httpx.HTTPError as exc:
            problem = f"could not talk to the gate: {exc!r}"
        except (KeyError, TypeError, ValueError) as exc:
            problem = f"an answer does not have the shape the gate API gives it: {exc!r}"
        yield Outcome(check.__name__.replace("_", " "), problem, time.monotonic() - start)


def _wait_until_listening(client: httpx.Client, seconds: float) -> None:
    """Return once the gate accepts a connection, or after ``seconds`` (the checks then say it does not)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            client.get("/site")
            return
        except httpx.ConnectError:
            if time.monotonic() > deadline:
                return
            time.sleep(0.2)


def check_gate(
    url: str, *, flavor: str, home: Path, image: str | None = None, timeout: float = 120.0, as_json: bool = False
) -> bool:
    """Run every check against the gate at ``url``, print each outcome, and say whether all passed.

    An https URL is reached with the core certificate of ``home``, as the daemon reaches it. A gate
    that does not accept connections yet is waited for (LISTEN_WAIT), so a script may start it in
    the background just before. The partitions the checks created are deleted at the end.
    """
    verify = certs.core_context(home) if url.startswith("https:") else True
    outcomes = []
    with httpx.Client(base_url=url, verify=verify, timeout=30) as client:
        _wait_until_listening(client, LISTEN_WAIT)
        under_test = GateUnderTest(client, flavor=flavor, image=image, timeout=timeout)
        for outcome in run(under_test):
            outcomes.append(outcome)
            if not as_json:
                verdict = "ok  " if not outcome.problem else "FAIL"
                print(f"{verdict} {outcome.name} ({outcome.seconds:.1f} s)", flush=True)
                if outcome.problem:
                    print(f"     {outcome.problem}", flush=True)
        under_test.clean_up()
    failed = [o for o in outcomes if o.problem]
    if as_json:
        rows = [{"check": o.name, "passed": not o.problem, "problem": o.problem} for o in outcomes]
        print(json.dumps(rows, indent=2, sort_keys=True))
    else:
        print(f"{len(outcomes) - len(failed)} of {len(outcomes)} checks passed")
    return not failed
