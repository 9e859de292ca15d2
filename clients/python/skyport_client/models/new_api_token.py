# Generated from spec/core-terminal.yaml by `skyport codegen` (template python_client/model.py.jinja).
# Spec sha256: 0dffc4b1faa7ddfc82a239e7feb8b44243f69c45c4f184b8608bfaa949eff517
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""The NewApiToken model."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any


@dataclasses.dataclass(frozen=True, kw_only=True)
class NewApiToken:
    """A token just created, with the token itself, shown only this once.

    Attributes:
        id: The token's ID, to revoke it by.
        name: The name given, or empty.
        created: The created.
        expires: The expires.
        token: The token; send it as `Authorization: Bearer TOKEN`. Shown only this once.
    """

    id: str
    name: str
    created: str
    expires: str
    token: str

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> NewApiToken:
        """Build from a decoded JSON object; keys the schema does not name are ignored."""
        return cls(
            id=data["id"],
            name=data["name"],
            created=data["created"],
            expires=data["expires"],
            token=data["token"],
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON object; optional fields that are None are left out."""
        result: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "created": self.created,
            "expires": self.expires,
            "token": self.token,
        }
        return {key: value for key, value in result.items() if value is not None}
