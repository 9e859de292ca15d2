# Generated from spec/core-terminal.yaml by `skyport codegen` (template python_client/model.py.jinja).
# Spec sha256: 0dffc4b1faa7ddfc82a239e7feb8b44243f69c45c4f184b8608bfaa949eff517
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""The NodeRole model."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any


@dataclasses.dataclass(frozen=True, kw_only=True)
class NodeRole:
    """A node role.

    Attributes:
        id: The id.
        name: The name.
        comment: The comment.
    """

    id: str | None = None
    name: str | None = None
    comment: str | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> NodeRole:
        """Build from a decoded JSON object; keys the schema does not name are ignored."""
        return cls(
            id=data.get("id"),
            name=data.get("name"),
            comment=data.get("comment"),
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON object; optional fields that are None are left out."""
        result: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "comment": self.comment,
        }
        return {key: value for key, value in result.items() if value is not None}
