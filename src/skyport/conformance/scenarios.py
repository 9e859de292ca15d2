"""Scripted answers of the terminal conformance core: what it says to each operation of the terminal API.

A scenario is a small world kept in memory: ``jobs`` has one job in every state (Q, W, R, T, F,
E, C) with stdout, stderr and files, a site, flavors, images, nodes, a timetable, an account with
a budget, usage and a token; what a terminal submits joins it as a finished job, and it answers
what a daemon answers to an unknown job (404), a cancel of an ended job (409), a file it does not
have (404) or a token asking for a token or a login code (403). ``errors`` answers every operation
with an error a daemon can give (400, 403, 404, 409, 413), to see how the terminal reports each.
Every answer is valid for spec/core-terminal.yaml (the conformance core checks each one it sends);
an operation a scenario has no answer for is a 501 problem+json that says so.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import Any

PROBLEM_JSON = "application/problem+json"
_NAMESPACE = uuid.UUID("0b8e6c52-3c55-4f4e-9a57-6d1f7c1b2a90")
_T0 = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
_ENDED = ("F", "E", "C")
SITE = "conformance"
FLAVOR = "small"


def stable_id(name: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, name))


def _at(seconds: int) -> str:
    return (_T0 + dt.timedelta(seconds=seconds)).isoformat().replace("+00:00", "Z")


@dataclasses.dataclass(frozen=True)
class Call:
    """One request, as the scenario sees it once the core has matched its operation."""

    operation: str
    path: Mapping[str, str]  # path parameters
    query: Mapping[str, Sequence[str]]  # every value of each query parameter
    headers: Mapping[str, str]  # lower-case names
    body: bytes
    token: bool = False  # it came with the API token, not the user certificate


@dataclasses.dataclass(frozen=True)
class Answer:
    status: int
    body: Any  # dict or list: JSON; bytes: octet-stream
    content_type: str = "application/json"
    headers: Mapping[str, str] = dataclasses.field(default_factory=dict)

    def encoded(self) -> bytes:
        return self.body if isinstance(self.body, bytes) else json.dumps(self.body).encode()

    @property
    def detail(self) -> str:
        """The problem's detail of an error answer; empty otherwise."""
        return str(self.body.get("detail", "")) if isinstance(self.body, dict) and self.status >= 400 else ""


def problem(status: int, title: str, detail: str) -> Answer:
    return Answer(status, {"type": "about:blank", "title": title, "status": status, "detail": detail}, PROBLEM_JSON)


def octets(data: bytes) -> Answer:
    return Answer(200, data, "application/octet-stream")


def _job(user: str, state: str, number: int) -> dict[str, Any]:
    job_id = stable_id(f"job-{state}")
    job: dict[str, Any] = {
        "id": job_id,
        "name": f"job-{state.lower()}",
        "state": state,
        "state_details": {
            "Q": "queued: new partition: boots in about 60 s",
            "W": "waiting for a partition of small to be ready",
            "R": "running on conformance-1",
            "T": "staging outputs back",
            "F": "exited with 0",
            "E": "exited with 3",
            "C": "cancelled by its owner",
        }[state],
        "submit_time": _at(number),
        "owner": user,
        "account": user,
        "time_limit": 3600,
        "request": [{"name": "cpus", "count": 1}, {"name": "mem", "count": 512}, {"name": "nodes", "count": 1}],
        "input_files": ["in.txt"],
        "output_files": ["out.txt"],
        "remote_name": SITE,
        "remote_id": stable_id(f"site-{SITE}"),
        "flavor_name": FLAVOR,
        "flavor_id": stable_id(f"flavor-{FLAVOR}"),
        # Optional in the spec, but Skyport's daemon always sends both lists (empty while pending), and
        # Sky Port's swmconsole fails on a job without node_ips.
        "node_names": [],
        "node_ips": [],
    }
    if state in ("Q", "W"):
        job.update(planned_start_time=_at(600), placement=f"new partition of {FLAVOR} on {SITE}", estimated_cost=0.05)
    else:
        job.update(start_time=_at(60 + number), node_names=["conformance-1"], node_ips=["127.0.0.1"], cost=0.01)
        job["resources"] = job["request"]
    if state in _ENDED:
        job.update(end_time=_at(120 + number), duration=60)
    if state == "F":
        job["exitcode"] = 0
    if state == "E":
        job["exitcode"] = 3
    return job


class Jobs:
    """The ``jobs`` scenario: a user's world with a job in every state."""

    name = "jobs"

    def __init__(self, user: str) -> None:
        self.user = user
        self.jobs = {job["id"]: job for job in (_job(user, state, n) for n, state in enumerate("QWRTFEC"))}
        self.accounts: dict[str, dict[str, Any]] = {"physics": {"name": "physics", "members": [user]}}
        self.budgets: dict[tuple[str, str, str], dict[str, Any]] = {
            ("account", "physics", "month"): self._budget("account", "physics", "month", 100.0)
        }

    def answer(self, call: Call) -> Answer:
        handler: Callable[[Call], Answer] | None = getattr(self, call.operation, None)
        if handler is None:
            return problem(
                501, "Not implemented", f"the conformance scenario {self.name} has no answer for {call.operation}"
            )
        return handler(call)

    # Jobs

    def _known(self, call: Call) -> dict[str, Any] | Answer:
        job = self.jobs.get(call.path.get("jobId", ""))
        if job is None:
            return problem(
                404, "Not found", f"job {call.path.get('jobId')} does not exist (or belongs to another user)"
            )
        return job

    def list_jobs(self, call: Call) -> Answer:
        states = {s for value in call.query.get("state", ()) for s in value.split(",")}
        name = call.query.get("name", [None])[0]
        array = call.query.get("array", [None])[0]  # no job of this world is a task of an array
        limit = int(call.query.get("limit", ["100"])[0])
        jobs = [
            job
            for job in sorted(self.jobs.values(), key=lambda j: j["submit_time"], reverse=True)
            if (not states or job["state"] in states) and name in (None, job["name"]) and array is None
        ]
        return Answer(200, jobs[:limit])

    def get_job(self, call: Call) -> Answer:
        job = self._known(call)
        return job if isinstance(job, Answer) else Answer(200, job)

    def submit_job(self, call: Call) -> Answer:
        number = len(self.jobs)
        job = _job(self.user, "F", number)
        job.update(id=stable_id(f"submitted-{number}"), name=f"submitted-{number}", input_files=[], output_files=[])
        self.jobs[job["id"]] = job
        return octets(job["id"].encode())

    def dry_run(self, call: Call) -> Answer:
        plan = {
            "placed": True,
            "start_time": _at(600),
            "remote_name": SITE,
            "flavor_name": FLAVOR,
            "new_nodes": 1,
            "worst_case_cost": 0.5,
            "reason": f"new partition of {FLAVOR} on {SITE}",
            "budgets": [{"name": "account physics", "period": "this month", "left": 99.5}],
            "alternatives": [{"remote_name": SITE, "flavor_name": FLAVOR, "price": 0.5, "worst_case_cost": 0.5}],
        }
        return Answer(200, plan)

    def cancel_job(self, call: Call) -> Answer:
        job = self._known(call)
        if isinstance(job, Answer):
            return job
        if job["state"] in _ENDED:
            return problem(409, "Conflict", f"job {job['id']} already ended in state {job['state']}")
        job.update(state="C", state_details="cancelled by its owner", end_time=_at(900))
        return octets(f"job {job['id']} cancelled\n".encode())

    def modify_job(self, call: Call) -> Answer:
        job = self._known(call)
        if isinstance(job, Answer):
            return job
        if job["state"] not in _ENDED:
            return problem(409, "Conflict", f"job {job['id']} has not ended (state {job['state']}); cancel it first")
        job.update(state="Q", state_details="queued: requeued by its owner", planned_start_time=_at(600))
        job.update(placement=f"new partition of {FLAVOR} on {SITE}", estimated_cost=0.05)
        for key in ("end_time", "exitcode", "duration"):
            job.pop(key, None)
        return octets(f"job {job['id']} requeued\n".encode())

    def _log(self, call: Call, text: str) -> Answer:
        job = self._known(call)
        if isinstance(job, Answer):
            return job
        offset = int(call.query.get("offset", ["0"])[0])
        return octets(text.format(**job).encode()[offset:])

    def job_stdout(self, call: Call) -> Answer:
        return self._log(call, "hello from {id}\nstate {state}\n")

    def job_stderr(self, call: Call) -> Answer:
        return self._log(call, "a warning from {name}\n")

    def _files(self, job: dict[str, Any]) -> dict[str, bytes]:
        files = {name: f"input {name} of {job['id']}\n".encode() for name in job["input_files"]}
        if job["state"] == "F":
            files.update({name: f"output {name} of {job['id']}\n".encode() for name in job["output_files"]})
        return files

    def list_job_files(self, call: Call) -> Answer:
        job = self._known(call)
        if isinstance(job, Answer):
            return job
        kinds = {name: "input" for name in job["input_files"]} | {name: "output" for name in job["output_files"]}
        listed = [{"name": name, "size": len(data), "kind": kinds[name]} for name, data in self._files(job).items()]
        return Answer(200, listed)

    def download_job_file(self, call: Call) -> Answer:
        job = self._known(call)
        if isinstance(job, Answer):
            return job
        data = self._files(job).get(call.path["name"])
        if data is None:
            return problem(404, "Not found", f"job {job['id']} has no file {call.path['name']!r}")
        return octets(data)

    # The sites

    def list_images(self, call: Call) -> Answer:
        image = {"id": stable_id("image-host"), "name": "host", "kind": "host", "remote_id": stable_id(f"site-{SITE}")}
        return Answer(200, [image])

    def list_flavors(self, call: Call) -> Answer:
        resources = [{"name": "cpus", "count": 2}, {"name": "mem", "count": 2048}]
        flavor = {
            "id": stable_id(f"flavor-{FLAVOR}"),
            "name": FLAVOR,
            "remote_id": stable_id(f"site-{SITE}"),
            "resources": resources,
            "price": 0.5,
            "cpus": 2,
            "mem": 2048,
            "gpus": 0,
        }
        return Answer(200, [flavor])

    def list_remotes(self, call: Call) -> Answer:
        remote = {
            "id": stable_id(f"site-{SITE}"),
            "name": SITE,
            "kind": "local",
            "server": "127.0.0.1",
            "port": 9443,
            "default_image_id": stable_id("image-host"),
            "default_flavor_id": stable_id(f"flavor-{FLAVOR}"),
            "spend": 0.03,
            "state_details": "the gate answers",
        }
        return Answer(200, [remote])

    def list_nodes(self, call: Call) -> Answer:
        node = {
            "id": stable_id("node-1"),
            "name": "conformance-1",
            "host": "127.0.0.1",
            "state_power": "up",
            "state_alloc": "busy",
            "resources": [{"name": "cpus", "count": 2}, {"name": "mem", "count": 2048}],
            "ip": "127.0.0.1",
            "remote_name": SITE,
            "flavor_name": FLAVOR,
        }
        return Answer(200, [node])

    def get_timetable(self, call: Call) -> Answer:
        pending = [job for job in self.jobs.values() if job["state"] in ("Q", "W")]
        plan = [
            {
                "job_id": job["id"],
                "job_name": job["name"],
                "placed": True,
                "start_time": job["planned_start_time"],
                "remote_name": SITE,
                "flavor_name": FLAVOR,
                "new_nodes": 1,
                "estimated_cost": job["estimated_cost"],
                "reason": job["placement"],
            }
            for job in pending
        ]
        return Answer(200, plan)

    # Accounts, budgets, usage, tokens

    def list_accounts(self, call: Call) -> Answer:
        return Answer(200, sorted(self.accounts.values(), key=lambda a: a["name"]))

    def add_account(self, call: Call) -> Answer:
        account = json.loads(call.body)
        if account["name"] in self.accounts:
            return problem(409, "Conflict", f"account {account['name']} exists already")
        self.accounts[account["name"]] = account
        return Answer(201, account)

    def _account(self, name: str) -> dict[str, Any] | Answer:
        account = self.accounts.get(name)
        if account is None:
            return problem(404, "Not found", f"no account {name}: `skyport account list` shows them")
        return account

    def change_account(self, call: Call) -> Answer:
        account = self._account(call.path["name"])
        if isinstance(account, Answer):
            return account
        change = json.loads(call.body)
        members = [m for m in account.get("members", []) if m not in change.get("remove_members", [])]
        account["members"] = list(dict.fromkeys([*members, *change.get("add_members", [])]))
        if "job_ceiling" in change:
            account["job_ceiling"] = change["job_ceiling"] or None
        return Answer(200, account)

    def remove_account(self, call: Call) -> Answer:
        account = self._account(call.path["name"])
        if isinstance(account, Answer):
            return account
        del self.accounts[account["name"]]
        return Answer(200, account)

    @staticmethod
    def _budget(holder: str, name: str, period: str, amount: float) -> dict[str, Any]:
        budget = {"holder": holder, "name": name, "period": period, "amount": amount, "spent": 0.5}
        budget["left"] = max(amount - 0.5, 0.0)
        if period != "total":
            budget["resets_at"] = _at(86400)
        return budget

    def list_budgets(self, call: Call) -> Answer:
        return Answer(200, list(self.budgets.values()))

    def set_budget(self, call: Call) -> Answer:
        holder, name, period = call.path["holder"], call.path["name"], call.path["period"]
        if holder == "account" and name not in self.accounts:
            return problem(404, "Not found", f"no account {name}: `skyport account list` shows them")
        budget = self._budget(holder, name, period, float(json.loads(call.body)["amount"]))
        self.budgets[(holder, name, period)] = budget
        return Answer(200, budget)

    def list_usage(self, call: Call) -> Answer:
        ended = [job for job in self.jobs.values() if job["state"] in _ENDED and "start_time" in job]
        records = [
            {
                "id": job["id"],
                "name": job["name"],
                "user": self.user,
                "account": job["account"],
                "state": job["state"],
                "site": SITE,
                "flavor": FLAVOR,
                "nodes": 1,
                "cpus": 1,
                "submit_time": job["submit_time"],
                "start_time": job["start_time"],
                "end_time": job["end_time"],
                "elapsed": 60.0,
                "cpu_time": 60.0,
                "cost": 0.01,
            }
            for job in ended
        ]
        return Answer(200, records)

    def usage_totals(self, call: Call) -> Answer:
        key = {"user": self.user, "account": self.user, "site": SITE, "day": _at(0)[:10]}[call.query["by"][0]]
        return Answer(200, [{"key": key, "jobs": 3, "elapsed": 180.0, "cpu_time": 180.0, "cost": 0.03}])

    def get_metrics(self, call: Call) -> Answer:
        states = "".join(f'skyport_jobs{{state="{j["state"]}",site="{SITE}"}} 1\n' for j in self.jobs.values())
        text = f"# HELP skyport_jobs Jobs by state and site.\n# TYPE skyport_jobs gauge\n{states}"
        return Answer(200, text.encode(), "text/plain; version=0.0.4; charset=utf-8")

    def stream_events(self, call: Call) -> Answer:
        """The stored events of the caller's jobs (or of ``?job=``): one per job, its latest change; the
        stream ends after them with an ``end`` event, as the daemon's does with ``follow=false``."""
        wanted = call.query.get("job", [None])[0]
        jobs = [job for job in self.jobs.values() if wanted in (None, job["id"])]
        if not jobs:
            return problem(404, "Not found", f"job {wanted} does not exist (or belongs to another user)")
        frames = ["retry: 2000\n\n"]
        for number, job in enumerate(jobs, 1):
            event = {
                "id": number,
                "kind": "submitted" if job["state"] == "Q" else "state",
                "job_id": job["id"],
                "owner": job["owner"],
                "name": job["name"],
                "time": job.get("end_time") or job.get("start_time") or job["submit_time"],
                "state": job["state"],
                "reason": job["state_details"],
            }
            frames.append(f"id: {number}\ndata: {json.dumps(event)}\n\n")
        frames.append("event: end\ndata: {}\n\n")  # all sent: the clients do not reconnect
        return Answer(200, "".join(frames).encode(), "text/event-stream")

    def list_tokens(self, call: Call) -> Answer:
        return Answer(200, [{"id": "t1", "name": "laptop", "created": _at(0), "expires": _at(7776000)}])

    @staticmethod
    def _with_certificate(call: Call, what: str, command: str) -> Answer | None:
        """The daemon's 403 when a token asks for ``what`` (tokens, login codes), which only a certificate gets."""
        if not call.token:
            return None
        return problem(403, "Forbidden", f"a token cannot create {what}: run `{command}` with your user certificate")

    def create_token(self, call: Call) -> Answer:
        refused = self._with_certificate(call, "tokens", "skyport token create")
        if refused is not None:
            return refused
        name = json.loads(call.body).get("name", "")
        token = {"id": "t2", "name": name, "created": _at(0), "expires": _at(7776000), "token": "skyport_conformance"}
        return Answer(201, token)

    def revoke_token(self, call: Call) -> Answer:
        if call.path["token"] not in ("t1", "laptop"):
            return problem(404, "Not found", f"no token {call.path['token']}: `skyport token list` shows yours")
        return Answer(200, {"id": "t1", "name": "laptop", "created": _at(0), "expires": _at(7776000)})

    def create_login_code(self, call: Call) -> Answer:
        refused = self._with_certificate(call, "login codes", "skyport ui")
        if refused is not None:
            return refused
        return Answer(201, {"code": "conformance", "path": "/ui/login?code=conformance", "expires": _at(60)})


# What the errors scenario answers: status, title and detail (the detail names the scenario, so a
# terminal's message can be recognised in its output).
_ERRORS: dict[str, tuple[int, str, str]] = {
    "submit_job": (413, "Request too large", "the upload is 2 GiB; at most 1 GiB is allowed: send smaller input files"),
    "dry_run": (400, "Invalid job script", "line 2: #SWM nodes: 'many' is not a whole number"),
    "get_job": (404, "Not found", "job {jobId} does not exist (or belongs to another user)"),
    "cancel_job": (409, "Conflict", "job {jobId} already ended in state F"),
    "modify_job": (409, "Conflict", "job {jobId} has not ended (state R); cancel it first"),
    "job_stdout": (404, "Not found", "job {jobId} does not exist (or belongs to another user)"),
    "job_stderr": (404, "Not found", "job {jobId} does not exist (or belongs to another user)"),
    "list_job_files": (404, "Not found", "job {jobId} does not exist (or belongs to another user)"),
    "download_job_file": (404, "Not found", "job {jobId} has no file {name!r}"),
    "list_jobs": (400, "Bad request", "query parameter 'since': not a date-time with a time zone"),
    "add_account": (403, "Forbidden", "only the daemon's owner may manage accounts"),
    "change_account": (404, "Not found", "no account {name}: `skyport account list` shows them"),
    "remove_account": (404, "Not found", "no account {name}: `skyport account list` shows them"),
    "set_budget": (403, "Forbidden", "only the daemon's owner may set budgets"),
    "list_usage": (403, "Forbidden", "only the daemon's owner may see other users' usage"),
    "usage_totals": (403, "Forbidden", "only the daemon's owner may see other users' usage"),
    "create_token": (409, "Conflict", "you have 100 tokens, the most there may be: revoke one first"),
    "revoke_token": (404, "Not found", "no token {token}: `skyport token list` shows yours"),
}
_REVOKED = (403, "Forbidden", "the certificate of {user} was revoked; ask the daemon's owner for a new one")


class Errors(Jobs):
    """The ``errors`` scenario: every operation answers an error the daemon can give."""

    name = "errors"

    def answer(self, call: Call) -> Answer:
        status, title, detail = _ERRORS.get(call.operation, _REVOKED)
        return problem(status, title, detail.format(user=self.user, **call.path))


SCENARIOS: dict[str, type[Jobs]] = {"jobs": Jobs, "errors": Errors}
