# Generated from spec/core-terminal.yaml by `skyport codegen` (template python_client/model.py.jinja).
# Spec sha256: 0dffc4b1faa7ddfc82a239e7feb8b44243f69c45c4f184b8608bfaa949eff517
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""The AccountChange model."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any


@dataclasses.dataclass(frozen=True, kw_only=True)
class AccountChange:
    """A change to an account; what is not given stays as it is.

    Attributes:
        add_members: Users who may charge the account from now on.
        remove_members: Users who may no longer charge it.
        job_ceiling: Price ceiling per hour for its jobs that give none; 0 removes it.
    """

    add_members: list[str] | None = None
    remove_members: list[str] | None = None
    job_ceiling: float | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AccountChange:
        """Build from a decoded JSON object; keys the schema does not name are ignored."""
        return cls(
            add_members=None if data.get("add_members") is None else list(data["add_members"]),
            remove_members=None if data.get("remove_members") is None else list(data["remove_members"]),
            job_ceiling=data.get("job_ceiling"),
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON object; optional fields that are None are left out."""
        result: dict[str, Any] = {
            "add_members": None if self.add_members is None else list(self.add_members),
            "remove_members": None if self.remove_members is None else list(self.remove_members),
            "job_ceiling": self.job_ceiling,
        }
        return {key: value for key, value in result.items() if value is not None}
