# Generated from spec/core-terminal.yaml by `skyport codegen` (template python_client/model.py.jinja).
# Spec sha256: 0dffc4b1faa7ddfc82a239e7feb8b44243f69c45c4f184b8608bfaa949eff517
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""The BudgetAmount model."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any


@dataclasses.dataclass(frozen=True, kw_only=True)
class BudgetAmount:
    """The amount of a budget.

    Attributes:
        amount: The most that may be spent per period, in the sites' currency; 0 removes the budget.
    """

    amount: float

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> BudgetAmount:
        """Build from a decoded JSON object; keys the schema does not name are ignored."""
        return cls(
            amount=data["amount"],
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON object; optional fields that are None are left out."""
        result: dict[str, Any] = {
            "amount": self.amount,
        }
        return {key: value for key, value in result.items() if value is not None}
