# Generated from spec/core-terminal.yaml by `skyport codegen` (template python_client/model.py.jinja).
# Spec sha256: 0dffc4b1faa7ddfc82a239e7feb8b44243f69c45c4f184b8608bfaa949eff517
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""The ApiToken model."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any


@dataclasses.dataclass(frozen=True, kw_only=True)
class ApiToken:
    """An API token as its user sees it; never the token itself.

    Attributes:
        id: The token's ID, to revoke it by.
        name: The name given at creation, or empty.
        created: The created.
        expires: The expires.
        last_used: When a request last came with it (to the minute), null before.
    """

    id: str
    name: str
    created: str
    expires: str
    last_used: str | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ApiToken:
        """Build from a decoded JSON object; keys the schema does not name are ignored."""
        return cls(
            id=data["id"],
            name=data["name"],
            created=data["created"],
            expires=data["expires"],
            last_used=data.get("last_used"),
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON object; optional fields that are None are left out."""
        result: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "created": self.created,
            "expires": self.expires,
            "last_used": self.last_used,
        }
        return {key: value for key, value in result.items() if value is not None}
