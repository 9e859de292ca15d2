# Generated from spec/core-terminal.yaml by `skyport codegen` (template python_client/model.py.jinja).
# Spec sha256: 0dffc4b1faa7ddfc82a239e7feb8b44243f69c45c4f184b8608bfaa949eff517
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""The JobEvent model."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from .job_event_kind import JobEventKind
from .job_state import JobState


@dataclasses.dataclass(frozen=True, kw_only=True)
class JobEvent:
    """One event of a job - its submission or a change of its state - the data of one Server-Sent Event.

    Attributes:
        id: The event's ID (also the Server-Sent Event's id); IDs increase.
        kind: submitted - the job was stored in Q; state - it went from previous_state to state; reason -
        a queued job's reason for waiting (or when it starts) changed, as the scheduler found it
        (state and previous_state are both Q). A reason event is recorded only when the reason changes.

    job_id: Job ID.
    owner: The job's owner.
    name: Job name.
    time: When it happened.
    state: Q queued, W waiting for resources, R running, T transferring files, F finished, E error, C cancelled.
    previous_state: Q queued, W waiting for resources, R running, T transferring files, F finished, E error, C
    cancelled.
    reason: Why, in the words of the job's state_details.
    site: Where the job was placed (on W and R).
    partition_id: The partition it was placed on (on W and R).
    flavor: The partition's flavor (on W and R).
    price: The flavor's price per node-hour (on W and R).
    cost: What the run cost (once ended).
    exitcode: The job's exit status (once ended, when it ran).
    signal: The signal that killed it, if one did.
    outputs: The output files staged back (on F or E after T).
    array_id: The job array the job is a task of.
    array_task_id: Its task ID in that array.
    """

    id: int
    kind: JobEventKind
    job_id: str
    owner: str
    name: str | None = None
    time: str
    state: JobState
    previous_state: JobState | None = None
    reason: str
    site: str | None = None
    partition_id: str | None = None
    flavor: str | None = None
    price: float | None = None
    cost: float | None = None
    exitcode: int | None = None
    signal: int | None = None
    outputs: list[str] | None = None
    array_id: str | None = None
    array_task_id: int | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> JobEvent:
        """Build from a decoded JSON object; keys the schema does not name are ignored."""
        return cls(
            id=data["id"],
            kind=JobEventKind(data["kind"]),
            job_id=data["job_id"],
            owner=data["owner"],
            name=data.get("name"),
            time=data["time"],
            state=JobState(data["state"]),
            previous_state=None if data.get("previous_state") is None else JobState(data["previous_state"]),
            reason=data["reason"],
            site=data.get("site"),
            partition_id=data.get("partition_id"),
            flavor=data.get("flavor"),
            price=data.get("price"),
            cost=data.get("cost"),
            exitcode=data.get("exitcode"),
            signal=data.get("signal"),
            outputs=None if data.get("outputs") is None else list(data["outputs"]),
            array_id=data.get("array_id"),
            array_task_id=data.get("array_task_id"),
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON object; optional fields that are None are left out."""
        result: dict[str, Any] = {
            "id": self.id,
            "kind": str(self.kind),
            "job_id": self.job_id,
            "owner": self.owner,
            "name": self.name,
            "time": self.time,
            "state": str(self.state),
            "previous_state": None if self.previous_state is None else str(self.previous_state),
            "reason": self.reason,
            "site": self.site,
            "partition_id": self.partition_id,
            "flavor": self.flavor,
            "price": self.price,
            "cost": self.cost,
            "exitcode": self.exitcode,
            "signal": self.signal,
            "outputs": None if self.outputs is None else list(self.outputs),
            "array_id": self.array_id,
            "array_task_id": self.array_task_id,
        }
        return {key: value for key, value in result.items() if value is not None}
