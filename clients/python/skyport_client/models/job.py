# Generated from spec/core-terminal.yaml by `skyport codegen` (template python_client/model.py.jinja).
# Spec sha256: 0dffc4b1faa7ddfc82a239e7feb8b44243f69c45c4f184b8608bfaa949eff517
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""The Job model."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from .job_state import JobState
from .resource import Resource


@dataclasses.dataclass(frozen=True, kw_only=True)
class Job:
    """A job known to the core.

    Attributes:
        id: Job ID.
        name: Job name.
        state: Q queued, W waiting for resources, R running, T transferring files, F finished, E error, C cancelled.
        state_details: Why the job is in its state.
        submit_time: When the job was accepted.
        start_time: When the job started running.
        end_time: When the job ended.
        duration: Run time in seconds.
        exitcode: Exit code, when the job exited by itself.
        signal: Signal number, when the job was killed by a signal.
        node_names: Host names of the nodes allocated to the job.
        node_ips: IP addresses of the nodes allocated to the job.
        remote_id: ID of the remote site the job runs or ran on.
        flavor_id: ID of the flavor of the job's nodes.
        request: Resources the job asked for (per node, and nodes).
        resources: Resources actually allocated.
        comment: A comment from the job script.
        owner: User who submitted the job (the client certificate's common name).
        account: The account the job is charged to (its owner's own unless the script or submit named one).
        priority: Explicit priority from the job script; higher runs first.
        workdir: Work directory asked for by the job script.
        time_limit: Time limit in seconds; 0 means none.
        input_files: Names of the input files staged in.
        output_files: Names of the output files the job declares.
        remote_name: Name of the remote site the job runs or ran on.
        flavor_name: Name of the flavor of the job's nodes.
        planned_start_time: When the scheduler plans to start the pending job.
        placement: Where the scheduler plans to run the pending job, in words.
        estimated_cost: Cost the scheduler expects, in US dollars.
        cost: Cost of the job's run so far, in US dollars.
        array_id: The job array this job is a task of.
        array_task_id: The task's ID in its array (`SKYPORT_ARRAY_TASK_ID` in its environment).
        array: The array's task IDs and throttle as the script gave them (`1-100%10`).
        ignored_directives: `#SBATCH` options of the script that Skyport does not read, as written.
        stdout_file: File name `skyport fetch` writes standard output to (`#SBATCH -o`, patterns expanded); absent:
            `<job ID>.out`.
        stderr_file: File name `skyport fetch` writes standard error to (`#SBATCH -e`, else `-o`'s); absent: `<job
            ID>.err`.
    """

    id: str | None = None
    name: str | None = None
    state: JobState | None = None
    state_details: str | None = None
    submit_time: str | None = None
    start_time: str | None = None
    end_time: str | None = None
    duration: int | None = None
    exitcode: int | None = None
    signal: int | None = None
    node_names: list[str] | None = None
    node_ips: list[str] | None = None
    remote_id: str | None = None
    flavor_id: str | None = None
    request: list[Resource] | None = None
    resources: list[Resource] | None = None
    comment: str | None = None
    owner: str | None = None
    account: str | None = None
    priority: int | None = None
    workdir: str | None = None
    time_limit: int | None = None
    input_files: list[str] | None = None
    output_files: list[str] | None = None
    remote_name: str | None = None
    flavor_name: str | None = None
    planned_start_time: str | None = None
    placement: str | None = None
    estimated_cost: float | None = None
    cost: float | None = None
    array_id: str | None = None
    array_task_id: int | None = None
    array: str | None = None
    ignored_directives: list[str] | None = None
    stdout_file: str | None = None
    stderr_file: str | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Job:
        """Build from a decoded JSON object; keys the schema does not name are ignored."""
        return cls(
            id=data.get("id"),
            name=data.get("name"),
            state=None if data.get("state") is None else JobState(data["state"]),
            state_details=data.get("state_details"),
            submit_time=data.get("submit_time"),
            start_time=data.get("start_time"),
            end_time=data.get("end_time"),
            duration=data.get("duration"),
            exitcode=data.get("exitcode"),
            signal=data.get("signal"),
            node_names=None if data.get("node_names") is None else list(data["node_names"]),
            node_ips=None if data.get("node_ips") is None else list(data["node_ips"]),
            remote_id=data.get("remote_id"),
            flavor_id=data.get("flavor_id"),
            request=None if data.get("request") is None else [Resource.from_dict(item) for item in data["request"]],
            resources=None
            if data.get("resources") is None
            else [Resource.from_dict(item) for item in data["resources"]],
            comment=data.get("comment"),
            owner=data.get("owner"),
            account=data.get("account"),
            priority=data.get("priority"),
            workdir=data.get("workdir"),
            time_limit=data.get("time_limit"),
            input_files=None if data.get("input_files") is None else list(data["input_files"]),
            output_files=None if data.get("output_files") is None else list(data["output_files"]),
            remote_name=data.get("remote_name"),
            flavor_name=data.get("flavor_name"),
            planned_start_time=data.get("planned_start_time"),
            placement=data.get("placement"),
            estimated_cost=data.get("estimated_cost"),
            cost=data.get("cost"),
            array_id=data.get("array_id"),
            array_task_id=data.get("array_task_id"),
            array=data.get("array"),
            ignored_directives=None if data.get("ignored_directives") is None else list(data["ignored_directives"]),
            stdout_file=data.get("stdout_file"),
            stderr_file=data.get("stderr_file"),
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON object; optional fields that are None are left out."""
        result: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "state": None if self.state is None else str(self.state),
            "state_details": self.state_details,
            "submit_time": self.submit_time,
            "start_time": self.start_time,
            "end_time": self.end_time,
            "duration": self.duration,
            "exitcode": self.exitcode,
            "signal": self.signal,
            "node_names": None if self.node_names is None else list(self.node_names),
            "node_ips": None if self.node_ips is None else list(self.node_ips),
            "remote_id": self.remote_id,
            "flavor_id": self.flavor_id,
            "request": None if self.request is None else [item.to_dict() for item in self.request],
            "resources": None if self.resources is None else [item.to_dict() for item in self.resources],
            "comment": self.comment,
            "owner": self.owner,
            "account": self.account,
            "priority": self.priority,
            "workdir": self.workdir,
            "time_limit": self.time_limit,
            "input_files": None if self.input_files is None else list(self.input_files),
            "output_files": None if self.output_files is None else list(self.output_files),
            "remote_name": self.remote_name,
            "flavor_name": self.flavor_name,
            "planned_start_time": self.planned_start_time,
            "placement": self.placement,
            "estimated_cost": self.estimated_cost,
            "cost": self.cost,
            "array_id": self.array_id,
            "array_task_id": self.array_task_id,
            "array": self.array,
            "ignored_directives": None if self.ignored_directives is None else list(self.ignored_directives),
            "stdout_file": self.stdout_file,
            "stderr_file": self.stderr_file,
        }
        return {key: value for key, value in result.items() if value is not None}
