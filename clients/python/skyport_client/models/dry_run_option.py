# Generated from spec/core-terminal.yaml by `skyport codegen` (template python_client/model.py.jinja).
# Spec sha256: 3dca299b36fd4445610b2cbbd3e223fba2510cecc1c0dca44e82d115d9ec1c20
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""The DryRunOption model."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any


@dataclasses.dataclass(frozen=True, kw_only=True)
class DryRunOption:
    """A flavor that could hold the job.

    Attributes:
        remote_name: Site.
        flavor_name: Flavor.
        price: Price per hour for the job's nodes.
        worst_case_cost: Price per hour x time limit.
        ready_at: When a new partition of it would be ready, if created now (the site's boot time).
    """

    remote_name: str
    flavor_name: str
    price: float
    worst_case_cost: float
    ready_at: str | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DryRunOption:
        """Build from a decoded JSON object; keys the schema does not name are ignored."""
        return cls(
            remote_name=data["remote_name"],
            flavor_name=data["flavor_name"],
            price=data["price"],
            worst_case_cost=data["worst_case_cost"],
            ready_at=data.get("ready_at"),
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON object; optional fields that are None are left out."""
        result: dict[str, Any] = {
            "remote_name": self.remote_name,
            "flavor_name": self.flavor_name,
            "price": self.price,
            "worst_case_cost": self.worst_case_cost,
            "ready_at": self.ready_at,
        }
        return {key: value for key, value in result.items() if value is not None}
