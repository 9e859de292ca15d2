"""TES task states from Skyport job states, and back (the table in docs/tes.md).

A task is a job, so its state is the job's, read finer where TES says more: a job in E failed
in an executor (EXECUTOR_ERROR) or around them (SYSTEM_ERROR), and a job in F is COMPLETE only
once its outputs are delivered. See https://github.com/ga4gh/task-execution-schemas (tesState).
"""

from __future__ import annotations

import enum

from skyport.jobs.record import Job
from skyport.jobs.states import JobState


class TaskState(enum.StrEnum):
    """The states of a TES task; the value is the wire name."""

    UNKNOWN = "UNKNOWN"
    """Never given: every task is a job whose state is known."""
    QUEUED = "QUEUED"
    """Job Q: waiting for the scheduler."""
    INITIALIZING = "INITIALIZING"
    """Job W: placed on a partition that is being created."""
    RUNNING = "RUNNING"
    """Job R or T, or F while its outputs are being delivered."""
    PAUSED = "PAUSED"
    """Never given: Skyport does not pause jobs."""
    COMPLETE = "COMPLETE"
    """Job F with every output delivered."""
    EXECUTOR_ERROR = "EXECUTOR_ERROR"
    """Job E after an executor exited with a non-zero status (and no ignore_error)."""
    SYSTEM_ERROR = "SYSTEM_ERROR"
    """Job E for any other reason (inputs, image, time limit, lost), or F whose outputs could not be delivered."""
    CANCELED = "CANCELED"
    """Job C, with nothing left on the site."""
    PREEMPTED = "PREEMPTED"
    """Never given: a job whose node is taken back ends in E (SYSTEM_ERROR), saying so."""
    CANCELING = "CANCELING"
    """Job C while the site still stops what ran of it."""


# The job states a task in each state can have; a job in one of them may still be in another task state.
JOB_STATES: dict[TaskState, tuple[JobState, ...]] = {
    TaskState.UNKNOWN: (),
    TaskState.QUEUED: (JobState.QUEUED,),
    TaskState.INITIALIZING: (JobState.WAITING,),
    TaskState.RUNNING: (JobState.RUNNING, JobState.TRANSFERRING, JobState.FINISHED),
    TaskState.PAUSED: (),
    TaskState.COMPLETE: (JobState.FINISHED,),
    TaskState.EXECUTOR_ERROR: (JobState.ERROR,),
    TaskState.SYSTEM_ERROR: (JobState.ERROR, JobState.FINISHED),
    TaskState.CANCELED: (JobState.CANCELLED,),
    TaskState.PREEMPTED: (),
    TaskState.CANCELING: (JobState.CANCELLED,),
}

_SIMPLE = {
    JobState.QUEUED: TaskState.QUEUED,
    JobState.WAITING: TaskState.INITIALIZING,
    JobState.RUNNING: TaskState.RUNNING,
    JobState.TRANSFERRING: TaskState.RUNNING,
}


def task_state(job: Job, *, executor_failed: bool, delivered: bool | None) -> TaskState:
    """The state of the task whose job is ``job``.

    ``executor_failed``: an executor exited non-zero without ignore_error; ``delivered``: None
    while the outputs are not delivered, else whether all of them were.
    """
    if job.state in _SIMPLE:
        return _SIMPLE[job.state]
    if job.state == JobState.CANCELLED:
        return TaskState.CANCELING if job.site is not None and not job.gate_done else TaskState.CANCELED
    if job.state == JobState.ERROR:
        return TaskState.EXECUTOR_ERROR if executor_failed else TaskState.SYSTEM_ERROR
    if delivered is None:
        return TaskState.RUNNING
    return TaskState.COMPLETE if delivered else TaskState.SYSTEM_ERROR
