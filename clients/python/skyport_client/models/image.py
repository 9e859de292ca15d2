# Generated from spec/core-terminal.yaml by `skyport codegen` (template python_client/model.py.jinja).
# Spec sha256: 0dffc4b1faa7ddfc82a239e7feb8b44243f69c45c4f184b8608bfaa949eff517
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""The Image model."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any


@dataclasses.dataclass(frozen=True, kw_only=True)
class Image:
    """What a node boots or a job runs in (an AMI, a container image, or "host").

    Attributes:
        id: Image ID, stable for a site and image name (set by the core).
        name: Image name as the site knows it.
        remote_id: ID of the remote site offering this image (set by the core).
        kind: Image kind (host, ami, container).
        comment: Free text about the image.
    """

    id: str | None = None
    name: str
    remote_id: str | None = None
    kind: str | None = None
    comment: str | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Image:
        """Build from a decoded JSON object; keys the schema does not name are ignored."""
        return cls(
            id=data.get("id"),
            name=data["name"],
            remote_id=data.get("remote_id"),
            kind=data.get("kind"),
            comment=data.get("comment"),
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON object; optional fields that are None are left out."""
        result: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "remote_id": self.remote_id,
            "kind": self.kind,
            "comment": self.comment,
        }
        return {key: value for key, value in result.items() if value is not None}
