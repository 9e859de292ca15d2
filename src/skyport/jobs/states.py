"""Job states and the one function through which a job changes state.

The letters are Sky Port's and go on the wire as they are::

    Q --> W --> R --> T --> F
    |     |     |     |
    |     |     |     +--> E
    +-----+-----+--> C     (cancel)
    F, E, C --> Q          (requeue)
"""

from __future__ import annotations

import dataclasses
import enum
import time

from skyport.errors import Conflict


class JobState(enum.StrEnum):
    """A job's place in its lifecycle; the value is the wire letter."""

    QUEUED = "Q"
    """Accepted and stored; waiting for the scheduler to place it."""
    WAITING = "W"
    """Placed on a partition that is still being created."""
    RUNNING = "R"
    """Started on a site; the gate runs it."""
    TRANSFERRING = "T"
    """Ended on the site; its outputs and logs are being copied back."""
    FINISHED = "F"
    """Exited with status 0 and its outputs are back."""
    ERROR = "E"
    """Failed: non-zero exit, signal, time limit, lost, or could not run. state_details says which."""
    CANCELLED = "C"
    """Cancelled by its owner."""


TERMINAL = frozenset({JobState.FINISHED, JobState.ERROR, JobState.CANCELLED})
PENDING = frozenset({JobState.QUEUED, JobState.WAITING})
ACTIVE = frozenset({JobState.QUEUED, JobState.WAITING, JobState.RUNNING, JobState.TRANSFERRING})

_ALLOWED: dict[JobState, frozenset[JobState]] = {
    JobState.QUEUED: frozenset({JobState.WAITING, JobState.RUNNING, JobState.ERROR, JobState.CANCELLED}),
    JobState.WAITING: frozenset({JobState.QUEUED, JobState.RUNNING, JobState.ERROR, JobState.CANCELLED}),
    JobState.RUNNING: frozenset({JobState.TRANSFERRING, JobState.ERROR, JobState.CANCELLED}),
    JobState.TRANSFERRING: frozenset({JobState.FINISHED, JobState.ERROR, JobState.CANCELLED}),
    JobState.FINISHED: frozenset({JobState.QUEUED}),
    JobState.ERROR: frozenset({JobState.QUEUED}),
    JobState.CANCELLED: frozenset({JobState.QUEUED}),
}


@dataclasses.dataclass(frozen=True)
class Transition:
    """One recorded change of state, with the reason a user reads in state_details."""

    job_id: str
    source: JobState
    target: JobState
    reason: str
    at: float


def transition(job_id: str, source: JobState, target: JobState, reason: str) -> Transition:
    """Check that ``source -> target`` is allowed and describe it; raises Conflict otherwise."""
    if target not in _ALLOWED[source]:
        raise Conflict(
            f"job {job_id} is in state {source.value} ({source.name.lower()}); it cannot go to {target.value}"
        )
    return Transition(job_id, source, target, reason, time.time())
