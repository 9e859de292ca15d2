# Generated from spec/core-terminal.yaml by `skyport codegen` (template python_client/model.py.jinja).
# Spec sha256: 0dffc4b1faa7ddfc82a239e7feb8b44243f69c45c4f184b8608bfaa949eff517
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""The UsageTotal model."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any


@dataclasses.dataclass(frozen=True, kw_only=True)
class UsageTotal:
    """Totals of the ended jobs, and idle partitions, of one user, account, site or day (and one split key).

    Attributes:
        key: The user, account, site or day (YYYY-MM-DD, UTC).
        split_key: With `split`, the user, account, site or day within the key that this total is of.
        jobs: Number of jobs.
        elapsed: Seconds run, summed.
        cpu_time: CPU seconds allocated, summed.
        cost: Cost, summed, with the idle time of partitions charged here.
        idle_cost: Of the cost, what partitions cost while idle (between jobs and before deletion), charged
        to the account and user of the job each was created for.
    """

    key: str
    split_key: str | None = None
    jobs: int
    elapsed: float
    cpu_time: float
    cost: float
    idle_cost: float | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> UsageTotal:
        """Build from a decoded JSON object; keys the schema does not name are ignored."""
        return cls(
            key=data["key"],
            split_key=data.get("split_key"),
            jobs=data["jobs"],
            elapsed=data["elapsed"],
            cpu_time=data["cpu_time"],
            cost=data["cost"],
            idle_cost=data.get("idle_cost"),
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON object; optional fields that are None are left out."""
        result: dict[str, Any] = {
            "key": self.key,
            "split_key": self.split_key,
            "jobs": self.jobs,
            "elapsed": self.elapsed,
            "cpu_time": self.cpu_time,
            "cost": self.cost,
            "idle_cost": self.idle_cost,
        }
        return {key: value for key, value in result.items() if value is not None}
