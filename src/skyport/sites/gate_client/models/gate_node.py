# Generated from spec/core-gate.yaml by `skyport codegen` (template python_client/model.py.jinja).
# Spec sha256: 84facd3c27cd2f18c11ab79d433e2c7938e1f8e1bc6a5d0fe2a6bf0767f51551
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""The GateNode model."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any


@dataclasses.dataclass(frozen=True, kw_only=True)
class GateNode:
    """The GateNode schema.

    Attributes:
        name: Node name (host name, instance ID).
        ip: Private IP address, when known.
        state: The backend's own word for the node's state.
    """

    name: str
    ip: str | None = None
    state: str | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> GateNode:
        """Build from a decoded JSON object; keys the schema does not name are ignored."""
        return cls(
            name=data["name"],
            ip=data.get("ip"),
            state=data.get("state"),
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON object; optional fields that are None are left out."""
        result: dict[str, Any] = {
            "name": self.name,
            "ip": self.ip,
            "state": self.state,
        }
        return {key: value for key, value in result.items() if value is not None}
