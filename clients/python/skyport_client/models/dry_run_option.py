# Generated from spec/core-terminal.yaml by `skyport codegen` (template python_client/model.py.jinja).
# Spec sha256: 0dffc4b1faa7ddfc82a239e7feb8b44243f69c45c4f184b8608bfaa949eff517
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""The DryRunOption model."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any


@dataclasses.dataclass(frozen=True, kw_only=True)
class DryRunOption:
    """A flavor that could hold the job as a new partition, or an existing partition that could.

    Attributes:
        remote_name: Site.
        flavor_name: Flavor.
        price: Price per hour for the job's nodes.
        worst_case_cost: Price per hour x time limit.
        ready_at: When a new partition of it would be ready, if created now (the site's boot time); for an
        existing partition, when enough of its nodes have room for the job as its running jobs
        end at their time limits (queued jobs not counted).

    partition_id: The existing partition this option runs the job on; absent for a new partition.
    planned: Whether this is where the scheduler would run it.
    cheaper: Whether its worst case is less than that of the plan.
    sooner: Whether it is ready before the plan would start the job (or the plan has no start).
    """

    remote_name: str
    flavor_name: str
    price: float
    worst_case_cost: float
    ready_at: str | None = None
    partition_id: str | None = None
    planned: bool | None = None
    cheaper: bool | None = None
    sooner: bool | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DryRunOption:
        """Build from a decoded JSON object; keys the schema does not name are ignored."""
        return cls(
            remote_name=data["remote_name"],
            flavor_name=data["flavor_name"],
            price=data["price"],
            worst_case_cost=data["worst_case_cost"],
            ready_at=data.get("ready_at"),
            partition_id=data.get("partition_id"),
            planned=data.get("planned"),
            cheaper=data.get("cheaper"),
            sooner=data.get("sooner"),
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON object; optional fields that are None are left out."""
        result: dict[str, Any] = {
            "remote_name": self.remote_name,
            "flavor_name": self.flavor_name,
            "price": self.price,
            "worst_case_cost": self.worst_case_cost,
            "ready_at": self.ready_at,
            "partition_id": self.partition_id,
            "planned": self.planned,
            "cheaper": self.cheaper,
            "sooner": self.sooner,
        }
        return {key: value for key, value in result.items() if value is not None}
