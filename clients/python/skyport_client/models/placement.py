# Generated from spec/core-terminal.yaml by `skyport codegen` (template python_client/model.py.jinja).
# Spec sha256: 0dffc4b1faa7ddfc82a239e7feb8b44243f69c45c4f184b8608bfaa949eff517
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""The Placement model."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any


@dataclasses.dataclass(frozen=True, kw_only=True)
class Placement:
    """Where and when the scheduler plans to run one pending job.

    Attributes:
        job_id: Job ID.
        job_name: Job name.
        placed: Whether the scheduler found a place for the job.
        start_time: Planned start.
        remote_name: Remote site of the placement.
        flavor_name: Flavor of the nodes.
        node_names: Existing nodes the job is planned on.
        new_nodes: Number of nodes of a new partition the job needs.
        estimated_cost: Expected cost in US dollars.
        reason: Why the job is placed where it is, or why it cannot be placed.
    """

    job_id: str
    job_name: str | None = None
    placed: bool
    start_time: str | None = None
    remote_name: str | None = None
    flavor_name: str | None = None
    node_names: list[str] | None = None
    new_nodes: int | None = None
    estimated_cost: float | None = None
    reason: str | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Placement:
        """Build from a decoded JSON object; keys the schema does not name are ignored."""
        return cls(
            job_id=data["job_id"],
            job_name=data.get("job_name"),
            placed=data["placed"],
            start_time=data.get("start_time"),
            remote_name=data.get("remote_name"),
            flavor_name=data.get("flavor_name"),
            node_names=None if data.get("node_names") is None else list(data["node_names"]),
            new_nodes=data.get("new_nodes"),
            estimated_cost=data.get("estimated_cost"),
            reason=data.get("reason"),
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON object; optional fields that are None are left out."""
        result: dict[str, Any] = {
            "job_id": self.job_id,
            "job_name": self.job_name,
            "placed": self.placed,
            "start_time": self.start_time,
            "remote_name": self.remote_name,
            "flavor_name": self.flavor_name,
            "node_names": None if self.node_names is None else list(self.node_names),
            "new_nodes": self.new_nodes,
            "estimated_cost": self.estimated_cost,
            "reason": self.reason,
        }
        return {key: value for key, value in result.items() if value is not None}
