# Generated from spec/core-terminal.yaml by `skyport codegen` (template python_client/model.py.jinja).
# Spec sha256: 0dffc4b1faa7ddfc82a239e7feb8b44243f69c45c4f184b8608bfaa949eff517
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
        alternatives: Every allowed flavor that could hold the job as a new partition, and every existing
        partition that could hold it, cheapest first.

    expected_cost: What it is likely to cost: the worst case x the median ratio of run time to time limit of
    the user's last ended jobs (at most 100); the worst case when none has ended yet.

    expected_basis: How expected_cost was estimated, in words.
    array_tasks: For a job array, its number of tasks (the plan is its first task's).
    array_throttle: For a job array with a throttle (%N), how many of its tasks may run at once.
    array_waves: For a job array, the waves its tasks run in: ceil(tasks / places), the places being those
    the scheduler gives its first wave now (as many tasks as its throttle %N lets run at once,
    all of them without one, at most 1,000), starting or holding a reservation, each running
    its tasks one after another.

    array_worst_case_cost: For a job array, the worst case of all its tasks, each on the place its wave plans for it.
    array_expected_cost: For a job array, the expected cost of all its tasks (the worst case x the ratio of
    expected_cost).
    array_end_time: For a job array, when its last task would end at the latest: each task running its whole
    time limit, wave after wave. Absent when no task of its first wave has a planned start.

    array_expected_end_time: For a job array, when its last task would end with each task running the expected time.
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
    expected_cost: float | None = None
    expected_basis: str | None = None
    array_tasks: int | None = None
    array_throttle: int | None = None
    array_waves: int | None = None
    array_worst_case_cost: float | None = None
    array_expected_cost: float | None = None
    array_end_time: str | None = None
    array_expected_end_time: str | None = None

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
            expected_cost=data.get("expected_cost"),
            expected_basis=data.get("expected_basis"),
            array_tasks=data.get("array_tasks"),
            array_throttle=data.get("array_throttle"),
            array_waves=data.get("array_waves"),
            array_worst_case_cost=data.get("array_worst_case_cost"),
            array_expected_cost=data.get("array_expected_cost"),
            array_end_time=data.get("array_end_time"),
            array_expected_end_time=data.get("array_expected_end_time"),
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
            "expected_cost": self.expected_cost,
            "expected_basis": self.expected_basis,
            "array_tasks": self.array_tasks,
            "array_throttle": self.array_throttle,
            "array_waves": self.array_waves,
            "array_worst_case_cost": self.array_worst_case_cost,
            "array_expected_cost": self.array_expected_cost,
            "array_end_time": self.array_end_time,
            "array_expected_end_time": self.array_expected_end_time,
        }
        return {key: value for key, value in result.items() if value is not None}
