# Generated from spec/core-terminal.yaml by `skyport codegen` (template python_client/model.py.jinja).
# Spec sha256: 0dffc4b1faa7ddfc82a239e7feb8b44243f69c45c4f184b8608bfaa949eff517
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""The Isolation model."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any


@dataclasses.dataclass(frozen=True, kw_only=True)
class Isolation:
    """How the site keeps a job from other jobs, the gate and the machine.

    Attributes:
        sandbox: What a job runs in: `bubblewrap` (own namespaces, the system read-only, nothing of
        the gate's files), `none` (the operator's explicit choice), `unavailable` (the gate
        starts no job until fixed; `details` says how), or a gate's own word (`vm`, `slurm`).

    limits: What enforces CPU, memory and process limits: `cgroup-v2` or `cgroup-v1` (the job
    cannot undo them), `rlimits` (affinity and address-space limits a job can undo), or a
    gate's own word.

    run_as: Whose Unix account a job runs as, `owner` (its user's) or `gate-user` (the gate's).
    details: What is missing, in words an operator can act on.
    """

    sandbox: str | None = None
    limits: str | None = None
    run_as: str | None = None
    details: str | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Isolation:
        """Build from a decoded JSON object; keys the schema does not name are ignored."""
        return cls(
            sandbox=data.get("sandbox"),
            limits=data.get("limits"),
            run_as=data.get("run_as"),
            details=data.get("details"),
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON object; optional fields that are None are left out."""
        result: dict[str, Any] = {
            "sandbox": self.sandbox,
            "limits": self.limits,
            "run_as": self.run_as,
            "details": self.details,
        }
        return {key: value for key, value in result.items() if value is not None}
