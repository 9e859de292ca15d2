# Generated from spec/core-terminal.yaml by `skyport codegen` (template python_client/model.py.jinja).
# Spec sha256: 4501f976d8b0200b4c311cdf0f2a2184a51821cadea862945df5d871aca98e86
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""The DryRunBudget model."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any


@dataclasses.dataclass(frozen=True, kw_only=True)
class DryRunBudget:
    """A budget a job would draw on, and what it has left for jobs to start.

    Attributes:
        name: `account physics`, `user alice`.
        period: `this month`, `in total`, ...
        left: Amount less spend less the worst case still to come of its running jobs.
    """

    name: str
    period: str | None = None
    left: float

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DryRunBudget:
        """Build from a decoded JSON object; keys the schema does not name are ignored."""
        return cls(
            name=data["name"],
            period=data.get("period"),
            left=data["left"],
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON object; optional fields that are None are left out."""
        result: dict[str, Any] = {
            "name": self.name,
            "period": self.period,
            "left": self.left,
        }
        return {key: value for key, value in result.items() if value is not None}
