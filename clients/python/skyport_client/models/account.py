# Generated from spec/core-terminal.yaml by `skyport codegen` (template python_client/model.py.jinja).
# Spec sha256: 0dffc4b1faa7ddfc82a239e7feb8b44243f69c45c4f184b8608bfaa949eff517
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""The Account model."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any


@dataclasses.dataclass(frozen=True, kw_only=True)
class Account:
    """An account jobs are charged to.

    Attributes:
        name: A name of letters, digits, '.', '_' or '-'.
        members: Users who may charge the account (a user may always charge the account of their own name).
        job_ceiling: Price ceiling per hour for a job charged here that gives no `#SWM max-price`.
    """

    name: str
    members: list[str] | None = None
    job_ceiling: float | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Account:
        """Build from a decoded JSON object; keys the schema does not name are ignored."""
        return cls(
            name=data["name"],
            members=None if data.get("members") is None else list(data["members"]),
            job_ceiling=data.get("job_ceiling"),
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON object; optional fields that are None are left out."""
        result: dict[str, Any] = {
            "name": self.name,
            "members": None if self.members is None else list(self.members),
            "job_ceiling": self.job_ceiling,
        }
        return {key: value for key, value in result.items() if value is not None}
