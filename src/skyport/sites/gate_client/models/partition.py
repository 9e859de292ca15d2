# Generated from spec/core-gate.yaml by `skyport codegen` (template python_client/model.py.jinja).
# Spec sha256: 84facd3c27cd2f18c11ab79d433e2c7938e1f8e1bc6a5d0fe2a6bf0767f51551
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""The Partition model."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from .gate_node import GateNode
from .partition_state import PartitionState


@dataclasses.dataclass(frozen=True, kw_only=True)
class Partition:
    """The Partition schema.

    Attributes:
        id: An ID chosen by the core; letters, digits, "-" and "_".
        state: creating: nodes are being acquired; ready: jobs can start; deleting: nodes are being
        released; deleted: nothing is left that costs money; failed: creation failed for good
        (state_details says why). A gate that is temporarily refused (capacity, quota,
        throttling) keeps `creating` and says so in state_details.

    state_details: Why the partition is in its state, in words a user can act on.
    flavor: Flavor name of its nodes.
    image: Image its nodes boot.
    count: Number of nodes requested.
    owner: User the partition was created for.
    nodes: Nodes acquired so far.
    created_at: When creation was asked for.
    """

    id: str
    state: PartitionState
    state_details: str | None = None
    flavor: str | None = None
    image: str | None = None
    count: int | None = None
    owner: str | None = None
    nodes: list[GateNode] | None = None
    created_at: str | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Partition:
        """Build from a decoded JSON object; keys the schema does not name are ignored."""
        return cls(
            id=data["id"],
            state=PartitionState(data["state"]),
            state_details=data.get("state_details"),
            flavor=data.get("flavor"),
            image=data.get("image"),
            count=data.get("count"),
            owner=data.get("owner"),
            nodes=None if data.get("nodes") is None else [GateNode.from_dict(item) for item in data["nodes"]],
            created_at=data.get("created_at"),
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON object; optional fields that are None are left out."""
        result: dict[str, Any] = {
            "id": self.id,
            "state": str(self.state),
            "state_details": self.state_details,
            "flavor": self.flavor,
            "image": self.image,
            "count": self.count,
            "owner": self.owner,
            "nodes": None if self.nodes is None else [item.to_dict() for item in self.nodes],
            "created_at": self.created_at,
        }
        return {key: value for key, value in result.items() if value is not None}
