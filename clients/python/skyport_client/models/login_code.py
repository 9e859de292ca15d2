# Generated from spec/core-terminal.yaml by `skyport codegen` (template python_client/model.py.jinja).
# Spec sha256: 0dffc4b1faa7ddfc82a239e7feb8b44243f69c45c4f184b8608bfaa949eff517
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""The LoginCode model."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any


@dataclasses.dataclass(frozen=True, kw_only=True)
class LoginCode:
    """A one-time login code of the web dashboard.

    Attributes:
        code: The code; it opens one browser session, once.
        path: The path on the daemon's address that exchanges the code (`/ui/login?code=...`).
        expires: When the code stops working if unused.
    """

    code: str
    path: str
    expires: str

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LoginCode:
        """Build from a decoded JSON object; keys the schema does not name are ignored."""
        return cls(
            code=data["code"],
            path=data["path"],
            expires=data["expires"],
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON object; optional fields that are None are left out."""
        result: dict[str, Any] = {
            "code": self.code,
            "path": self.path,
            "expires": self.expires,
        }
        return {key: value for key, value in result.items() if value is not None}
