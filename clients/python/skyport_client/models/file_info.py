# Generated from spec/core-terminal.yaml by `skyport codegen` (template python_client/model.py.jinja).
# Spec sha256: 0dffc4b1faa7ddfc82a239e7feb8b44243f69c45c4f184b8608bfaa949eff517
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""The FileInfo model."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from .file_info_kind import FileInfoKind


@dataclasses.dataclass(frozen=True, kw_only=True)
class FileInfo:
    """One file of a job (an input staged in or an output staged back).

    Attributes:
        name: File name, relative to the job's work directory.
        size: Size in bytes.
        kind: Whether the file was uploaded with the job or produced by it.
    """

    name: str
    size: int
    kind: FileInfoKind | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FileInfo:
        """Build from a decoded JSON object; keys the schema does not name are ignored."""
        return cls(
            name=data["name"],
            size=data["size"],
            kind=None if data.get("kind") is None else FileInfoKind(data["kind"]),
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON object; optional fields that are None are left out."""
        result: dict[str, Any] = {
            "name": self.name,
            "size": self.size,
            "kind": None if self.kind is None else str(self.kind),
        }
        return {key: value for key, value in result.items() if value is not None}
