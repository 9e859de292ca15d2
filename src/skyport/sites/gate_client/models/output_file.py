# Generated from spec/core-gate.yaml by `skyport codegen` (template python_client/model.py.jinja).
# Spec sha256: 84facd3c27cd2f18c11ab79d433e2c7938e1f8e1bc6a5d0fe2a6bf0767f51551
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""The OutputFile model."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from .output_file_kind import OutputFileKind


@dataclasses.dataclass(frozen=True, kw_only=True)
class OutputFile:
    """One declared output of an ended job, offered for download or refused.

    Attributes:
        name: File name, relative to the job's work directory.
        size: Size in bytes (0 for a refused output).
        kind: Always "output".
        refused: Why the gate does not hand this file out, e.g. "it is a symbolic link"; absent for a
        file that can be downloaded.
    """

    name: str
    size: int
    kind: OutputFileKind | None = None
    refused: str | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> OutputFile:
        """Build from a decoded JSON object; keys the schema does not name are ignored."""
        return cls(
            name=data["name"],
            size=data["size"],
            kind=None if data.get("kind") is None else OutputFileKind(data["kind"]),
            refused=data.get("refused"),
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON object; optional fields that are None are left out."""
        result: dict[str, Any] = {
            "name": self.name,
            "size": self.size,
            "kind": None if self.kind is None else str(self.kind),
            "refused": self.refused,
        }
        return {key: value for key, value in result.items() if value is not None}
