# Generated from spec/core-gate.yaml by `skyport codegen` (template python_client/model.py.jinja).
# Spec sha256: 619becf4449e13ef8c8a8a281dda82aaa5a3602f1e1f90461420a222f76bdb39
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
        }
        return {key: value for key, value in result.items() if value is not None}
