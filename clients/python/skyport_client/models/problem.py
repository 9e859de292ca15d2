# Generated from spec/core-terminal.yaml by `skyport codegen` (template python_client/model.py.jinja).
# Spec sha256: 0dffc4b1faa7ddfc82a239e7feb8b44243f69c45c4f184b8608bfaa949eff517
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""The Problem model."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any


@dataclasses.dataclass(frozen=True, kw_only=True)
class Problem:
    """What went wrong and what to change, as RFC 9457 problem details.

    Attributes:
        type: URI naming the kind of problem; "about:blank" when the title says it all.
        title: Short summary of the kind of problem, the same for every occurrence.
        status: The HTTP status code of this response.
        detail: What happened in this case and what to fix.
        instance: The request path the problem occurred on.
    """

    type: str | None = None
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Problem:
        """Build from a decoded JSON object; keys the schema does not name are ignored."""
        return cls(
            type=data.get("type"),
            title=data["title"],
            status=data["status"],
            detail=data.get("detail"),
            instance=data.get("instance"),
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON object; optional fields that are None are left out."""
        result: dict[str, Any] = {
            "type": self.type,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            "instance": self.instance,
        }
        return {key: value for key, value in result.items() if value is not None}
