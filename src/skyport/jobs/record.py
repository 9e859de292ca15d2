"""The job as the store keeps it: a frozen value, changed only by the job service."""

from __future__ import annotations

import dataclasses
import re
from pathlib import PurePosixPath
from typing import ClassVar

from skyport.jobs.script import JobRequest
from skyport.jobs.states import JobState


@dataclasses.dataclass(frozen=True)
class Job:
    """One job: what was asked (input), and what happened (output)."""

    DEFAULT_NAME: ClassVar[str] = "job"  # the name of a job whose script gives none

    # input: fixed at submit
    id: str
    owner: str
    script: str
    request: JobRequest
    submit_time: float
    input_files: tuple[str, ...] = ()  # names of the files stored with the job
    account: str = ""  # the account the job is charged to; its owner's own when it named none
    array_id: str | None = None  # the job array this job is a task of
    array_task: int | None = None  # its task ID in that array
    # output: the lifecycle
    state: JobState = JobState.QUEUED
    state_details: str = "queued"
    attempt: int = 0  # bumped by requeue, so each run has its own gate job ID
    site: str | None = None  # remote site of the current or last run
    partition_id: str | None = None
    flavor: str | None = None
    price: float = 0.0  # per node-hour of the flavor it runs on
    start_time: float | None = None
    end_time: float | None = None
    exitcode: int | None = None
    signal: int | None = None
    node_names: tuple[str, ...] = ()
    node_ips: tuple[str, ...] = ()
    max_rss: int | None = None  # bytes: the largest resident memory of its run, where the site measured it
    earlier_cost: float = 0.0  # what its earlier runs cost, when it was requeued
    earlier_cpu_time: float = 0.0  # and their CPU time
    gate_done: bool = False  # the gate has forgotten this run (files deleted); nothing left to clean

    @property
    def gate_job_id(self) -> str:
        """The ID of this run on the gate; a requeued job runs under a new one."""
        return f"{self.id}-{self.attempt}"

    @property
    def name(self) -> str:
        return self.request.name or self.DEFAULT_NAME

    @property
    def duration(self) -> int | None:
        if self.start_time is None:
            return None
        end = self.end_time if self.end_time is not None else None
        return None if end is None else max(0, round(end - self.start_time))

    def log_file(self, stream: str) -> str | None:
        """The file name `skyport fetch` writes ``stream`` to, from the script's #SBATCH -o/-e, or None.

        Slurm's patterns are expanded: %j job ID, %A array ID, %a task ID, %x job name, %u user, %%;
        a number after % pads with zeros (%4a). Only the last part of a path is kept. Without -e,
        standard error goes where -o says, as in Slurm.
        """
        pattern = self.request.stdout if stream == "stdout" else self.request.stderr or self.request.stdout
        if not pattern:
            return None
        values = {
            "j": self.id,
            "A": self.array_id or self.id,
            "a": str(self.array_task or 0),
            "x": self.name,
            "u": self.owner,
            "%": "%",
        }

        def expand(match: re.Match[str]) -> str:
            value = values[match[2]]
            return value.zfill(min(int(match[1]), 10)) if match[1] else value

        return re.sub(r"%([0-9]?)([jAaxu%])", expand, PurePosixPath(pattern).name or pattern)

    def elapsed(self, now: float) -> float:
        """Seconds run, up to ``now`` while running."""
        if self.start_time is None:
            return 0.0
        end = self.end_time if self.end_time is not None else now
        return max(0.0, end - self.start_time)

    def cost(self, now: float) -> float:
        """Price x nodes x hours run, up to ``now`` while running, with what its earlier runs cost."""
        return self.earlier_cost + self.price * self.request.nodes * self.elapsed(now) / 3600.0

    def cpu_time(self, now: float) -> float:
        """CPU seconds allocated: cpus x nodes x seconds run, up to ``now`` while running, with its earlier runs'."""
        return self.earlier_cpu_time + self.request.cpus * self.request.nodes * self.elapsed(now)
