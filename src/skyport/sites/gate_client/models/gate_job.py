# Generated from spec/core-gate.yaml by `skyport codegen` (template python_client/model.py.jinja).
# Spec sha256: 84facd3c27cd2f18c11ab79d433e2c7938e1f8e1bc6a5d0fe2a6bf0767f51551
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""The GateJob model."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from .gate_job_state import GateJobState


@dataclasses.dataclass(frozen=True, kw_only=True)
class GateJob:
    """The GateJob schema.

    Attributes:
        id: An ID chosen by the core; letters, digits, "-" and "_".
        partition_id: An ID chosen by the core; letters, digits, "-" and "_".
        state: pending: accepted, not running yet; running; finished: exited (exitcode says how);
        failed: could not run or was lost (state_details says why); cancelled.

    state_details: Why the job is in its state.
    exitcode: Exit status when the job exited by itself.
    signal: Signal number when the job was killed by a signal.
    node_names: Nodes the job runs or ran on.
    node_ips: IP addresses of those nodes, when known.
    started_at: When the job started running.
    ended_at: When the job ended.
    stdout_size: Bytes the job wrote to its standard output so far, when the gate knows. Optional;
    the core does not ask for a log the gate says is empty.

    stderr_size: Bytes the job wrote to its standard error so far, when the gate knows; as stdout_size.
    max_rss: Largest resident memory of the job in bytes, once it has ended, when the gate measured it
    (the local gate: the peak of the job's cgroup, or of its process tree; the Slurm gate:
    sacct's MaxRSS where the cluster records it). Optional; absent means unknown.
    """

    id: str
    partition_id: str | None = None
    state: GateJobState
    state_details: str | None = None
    exitcode: int | None = None
    signal: int | None = None
    node_names: list[str] | None = None
    node_ips: list[str] | None = None
    started_at: str | None = None
    ended_at: str | None = None
    stdout_size: int | None = None
    stderr_size: int | None = None
    max_rss: int | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> GateJob:
        """Build from a decoded JSON object; keys the schema does not name are ignored."""
        return cls(
            id=data["id"],
            partition_id=data.get("partition_id"),
            state=GateJobState(data["state"]),
            state_details=data.get("state_details"),
            exitcode=data.get("exitcode"),
            signal=data.get("signal"),
            node_names=None if data.get("node_names") is None else list(data["node_names"]),
            node_ips=None if data.get("node_ips") is None else list(data["node_ips"]),
            started_at=data.get("started_at"),
            ended_at=data.get("ended_at"),
            stdout_size=data.get("stdout_size"),
            stderr_size=data.get("stderr_size"),
            max_rss=data.get("max_rss"),
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON object; optional fields that are None are left out."""
        result: dict[str, Any] = {
            "id": self.id,
            "partition_id": self.partition_id,
            "state": str(self.state),
            "state_details": self.state_details,
            "exitcode": self.exitcode,
            "signal": self.signal,
            "node_names": None if self.node_names is None else list(self.node_names),
            "node_ips": None if self.node_ips is None else list(self.node_ips),
            "started_at": self.started_at,
            "ended_at": self.ended_at,
            "stdout_size": self.stdout_size,
            "stderr_size": self.stderr_size,
            "max_rss": self.max_rss,
        }
        return {key: value for key, value in result.items() if value is not None}
