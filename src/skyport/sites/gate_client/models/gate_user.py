# Generated from spec/core-gate.yaml by `skyport codegen` (template python_client/model.py.jinja).
# Spec sha256: 84facd3c27cd2f18c11ab79d433e2c7938e1f8e1bc6a5d0fe2a6bf0767f51551
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""The GateUser model."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any


@dataclasses.dataclass(frozen=True, kw_only=True)
class GateUser:
    """The GateUser schema.

    Attributes:
        name: The Skyport user name asked about.
        run_as: The account the user's jobs run as on this site.
    """

    name: str
    run_as: str

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> GateUser:
        """Build from a decoded JSON object; keys the schema does not name are ignored."""
        return cls(
            name=data["name"],
            run_as=data["run_as"],
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON object; optional fields that are None are left out."""
        result: dict[str, Any] = {
            "name": self.name,
            "run_as": self.run_as,
        }
        return {key: value for key, value in result.items() if value is not None}
