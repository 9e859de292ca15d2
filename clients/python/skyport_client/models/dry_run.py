# Generated from spec/core-terminal.yaml by `skyport codegen` (template python_client/model.py.jinja).
# Spec sha256: 3dca299b36fd4445610b2cbbd3e223fba2510cecc1c0dca44e82d115d9ec1c20
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""The DryRun model."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from .dry_run_budget import DryRunBudget
from .dry_run_option import DryRunOption


@dataclasses.dataclass(frozen=True, kw_only=True)
class DryRun:
    """What the scheduler would do with a job submitted now.

    Attributes:
        placed: Whether it would start now or hold a place (on existing nodes or a new partition).
        start_time: When it would start (an estimate when not placed).
        remote_name: The site it would run on.
        flavor_name: The flavor of its nodes.
        new_nodes: Nodes of a new partition created for it.
        worst_case_cost: Price per node-hour x nodes x time limit on the planned nodes (what budgets are charged); when
            not placed, on the cheapest flavor that holds it.
        reason: The scheduler's reason, as `skyport show` would give it.
        budgets: The budgets the job would draw on.
        alternatives: Every allowed flavor that could hold the job, cheapest first.
    """

    placed: bool
    start_time: str | None = None
    remote_name: str | None = None
    flavor_name: str | None = None
    new_nodes: int | None = None
    worst_case_cost: float
    reason: str
    budgets: list[DryRunBudget]
    alternatives: list[DryRunOption]

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DryRun:
        """Build from a decoded JSON object; keys the schema does not name are ignored."""
        return cls(
            placed=data["placed"],
            start_time=data.get("start_time"),
            remote_name=data.get("remote_name"),
            flavor_name=data.get("flavor_name"),
            new_nodes=data.get("new_nodes"),
            worst_case_cost=data["worst_case_cost"],
            reason=data["reason"],
            budgets=[DryRunBudget.from_dict(item) for item in data["budgets"]],
            alternatives=[DryRunOption.from_dict(item) for item in data["alternatives"]],
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON object; optional fields that are None are left out."""
        result: dict[str, Any] = {
            "placed": self.placed,
            "start_time": self.start_time,
            "remote_name": self.remote_name,
            "flavor_name": self.flavor_name,
            "new_nodes": self.new_nodes,
            "worst_case_cost": self.worst_case_cost,
            "reason": self.reason,
            "budgets": [item.to_dict() for item in self.budgets],
            "alternatives": [item.to_dict() for item in self.alternatives],
        }
        return {key: value for key, value in result.items() if value is not None}
