# Generated from spec/core-terminal.yaml by `skyport codegen` (template python_client/model.py.jinja).
# Spec sha256: 0dffc4b1faa7ddfc82a239e7feb8b44243f69c45c4f184b8608bfaa949eff517
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""The Budget model."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from .budget_holder import BudgetHolder
from .period import Period


@dataclasses.dataclass(frozen=True, kw_only=True)
class Budget:
    """A budget and what was spent of it in the current period.

    Attributes:
        holder: Whose budget it is.
        name: The account's or the user's name.
        period: How often a budget starts again (UTC): day, week (from Monday), month (from the 1st), or total (never).
        amount: The most that may be spent per period.
        spent: Recorded cost of the jobs that ended in this period plus the cost so far of running ones.
        left: What is left this period.
        resets_at: When the next period starts (not for a total budget).
    """

    holder: BudgetHolder
    name: str
    period: Period
    amount: float
    spent: float
    left: float
    resets_at: str | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Budget:
        """Build from a decoded JSON object; keys the schema does not name are ignored."""
        return cls(
            holder=BudgetHolder(data["holder"]),
            name=data["name"],
            period=Period(data["period"]),
            amount=data["amount"],
            spent=data["spent"],
            left=data["left"],
            resets_at=data.get("resets_at"),
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON object; optional fields that are None are left out."""
        result: dict[str, Any] = {
            "holder": str(self.holder),
            "name": self.name,
            "period": str(self.period),
            "amount": self.amount,
            "spent": self.spent,
            "left": self.left,
            "resets_at": self.resets_at,
        }
        return {key: value for key, value in result.items() if value is not None}
