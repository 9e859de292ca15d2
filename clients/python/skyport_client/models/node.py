# Generated from spec/core-terminal.yaml by `skyport codegen` (template python_client/model.py.jinja).
# Spec sha256: 0dffc4b1faa7ddfc82a239e7feb8b44243f69c45c4f184b8608bfaa949eff517
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""The Node model."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from .node_role import NodeRole
from .node_state_alloc import NodeStateAlloc
from .node_state_power import NodeStatePower
from .resource import Resource


@dataclasses.dataclass(frozen=True, kw_only=True)
class Node:
    """A node of a partition the core created.

    Attributes:
        id: Node ID.
        name: Node name.
        host: Node host name.
        api_port: Unused; kept for Sky Port compatibility.
        state_power: Node power state.
        state_alloc: Node allocation state.
        resources: Resources the node provides.
        roles: Roles assigned to the node.
        ip: Node IP address.
        remote_name: Remote site of the node.
        flavor_name: Flavor of the node.
        partition_id: Partition the node belongs to.
    """

    id: str | None = None
    name: str | None = None
    host: str | None = None
    api_port: int | None = None
    state_power: NodeStatePower | None = None
    state_alloc: NodeStateAlloc | None = None
    resources: list[Resource] | None = None
    roles: list[NodeRole] | None = None
    ip: str | None = None
    remote_name: str | None = None
    flavor_name: str | None = None
    partition_id: str | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Node:
        """Build from a decoded JSON object; keys the schema does not name are ignored."""
        return cls(
            id=data.get("id"),
            name=data.get("name"),
            host=data.get("host"),
            api_port=data.get("api_port"),
            state_power=None if data.get("state_power") is None else NodeStatePower(data["state_power"]),
            state_alloc=None if data.get("state_alloc") is None else NodeStateAlloc(data["state_alloc"]),
            resources=None
            if data.get("resources") is None
            else [Resource.from_dict(item) for item in data["resources"]],
            roles=None if data.get("roles") is None else [NodeRole.from_dict(item) for item in data["roles"]],
            ip=data.get("ip"),
            remote_name=data.get("remote_name"),
            flavor_name=data.get("flavor_name"),
            partition_id=data.get("partition_id"),
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON object; optional fields that are None are left out."""
        result: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "host": self.host,
            "api_port": self.api_port,
            "state_power": None if self.state_power is None else str(self.state_power),
            "state_alloc": None if self.state_alloc is None else str(self.state_alloc),
            "resources": None if self.resources is None else [item.to_dict() for item in self.resources],
            "roles": None if self.roles is None else [item.to_dict() for item in self.roles],
            "ip": self.ip,
            "remote_name": self.remote_name,
            "flavor_name": self.flavor_name,
            "partition_id": self.partition_id,
        }
        return {key: value for key, value in result.items() if value is not None}
