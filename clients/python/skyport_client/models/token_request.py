# Generated from spec/core-terminal.yaml by `skyport codegen` (template python_client/model.py.jinja).
# Spec sha256: 0dffc4b1faa7ddfc82a239e7feb8b44243f69c45c4f184b8608bfaa949eff517
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""The TokenRequest model."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any


@dataclasses.dataclass(frozen=True, kw_only=True)
class TokenRequest:
    """What a new token is called and how long it lives.

    Attributes:
        name: A token's name (or ID) of letters, digits, '.', '_' or '-'.
        expires_in: Seconds until the token expires, from 60 to 365 days (default 90 days).
    """

    name: str | None = None
    expires_in: int | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TokenRequest:
        """Build from a decoded JSON object; keys the schema does not name are ignored."""
        return cls(
            name=data.get("name"),
            expires_in=data.get("expires_in"),
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON object; optional fields that are None are left out."""
        result: dict[str, Any] = {
            "name": self.name,
            "expires_in": self.expires_in,
        }
        return {key: value for key, value in result.items() if value is not None}
