# Generated from spec/core-terminal.yaml by `skyport codegen` (template python_client/model.py.jinja).
# Spec sha256: 0dffc4b1faa7ddfc82a239e7feb8b44243f69c45c4f184b8608bfaa949eff517
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
