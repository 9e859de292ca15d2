"""The job as the store keeps it: a frozen value, changed only by the job service."""

from __future__ import annotations

import dataclasses

from skyport.jobs.script import JobRequest
from skyport.jobs.states import JobState


@dataclasses.dataclass(frozen=True)
class Job:
    """One job: what was asked (input), and what happened (output)."""

    # input: fixed at submit
    id: str
    owner: str
    script: str
    request: JobRequest
    submit_time: float
    input_files: tuple[str, ...] = ()  # names of the files stored with the job
    account: str = ""  # the account the job is charged to; its owner's own when it named none
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
    gate_done: bool = False  # the gate has forgotten this run (files deleted); nothing left to clean

    @property
    def gate_job_id(self) -> str:
        """The ID of this run on the gate; a requeued job runs under a new one."""
        return f"{self.id}-{self.attempt}"

    @property
    def name(self) -> str:
        return self.request.name or "job"

    @property
    def duration(self) -> int | None:
        if self.start_time is None:
            return None
        end = self.end_time if self.end_time is not None else None
        return None if end is None else max(0, round(end - self.start_time))

    def elapsed(self, now: float) -> float:
        """Seconds run, up to ``now`` while running."""
        if self.start_time is None:
            return 0.0
        end = self.end_time if self.end_time is not None else now
        return max(0.0, end - self.start_time)

    def cost(self, now: float) -> float:
        """Price x nodes x hours run, up to ``now`` while running."""
        return self.price * self.request.nodes * self.elapsed(now) / 3600.0

    def cpu_time(self, now: float) -> float:
        """CPU seconds allocated: cpus x nodes x seconds run, up to ``now`` while running."""
        return self.request.cpus * self.request.nodes * self.elapsed(now)
