# Generated from spec/core-terminal.yaml by `skyport codegen` (template python_client/model.py.jinja).
# Spec sha256: 0dffc4b1faa7ddfc82a239e7feb8b44243f69c45c4f184b8608bfaa949eff517
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""The Resource model."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any


@dataclasses.dataclass(frozen=True, kw_only=True)
class Resource:
    """An amount of one resource, such as cpus=4 or mem=2048 (MiB).

    Attributes:
        name: Resource name (cpus, mem, gpus, nodes, storage, time).
        count: How many; mem and storage are in MiB, time in seconds.
    """

    name: str
    count: int | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Resource:
        """Build from a decoded JSON object; keys the schema does not name are ignored."""
        return cls(
            name=data["name"],
            count=data.get("count"),
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON object; optional fields that are None are left out."""
        result: dict[str, Any] = {
            "name": self.name,
            "count": self.count,
        }
        return {key: value for key, value in result.items() if value is not None}
