# Generated from spec/core-gate.yaml by `skyport codegen` (template python_client/model.py.jinja).
# Spec sha256: 84facd3c27cd2f18c11ab79d433e2c7938e1f8e1bc6a5d0fe2a6bf0767f51551
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""The StartAnswer model."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from .gate_job import GateJob
from .problem import Problem


@dataclasses.dataclass(frozen=True, kw_only=True)
class StartAnswer:
    """What start_job would have answered for one job of a start_jobs call.

    Attributes:
        id: An ID chosen by the core; letters, digits, "-" and "_".
        status: 201 started, 200 already started, or the status of the refusal.
        job: The job.
        problem: What went wrong and what to change, as RFC 9457 problem details.
    """

    id: str
    status: int
    job: GateJob | None = None
    problem: Problem | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> StartAnswer:
        """Build from a decoded JSON object; keys the schema does not name are ignored."""
        return cls(
            id=data["id"],
            status=data["status"],
            job=None if data.get("job") is None else GateJob.from_dict(data["job"]),
            problem=None if data.get("problem") is None else Problem.from_dict(data["problem"]),
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON object; optional fields that are None are left out."""
        result: dict[str, Any] = {
            "id": self.id,
            "status": self.status,
            "job": None if self.job is None else self.job.to_dict(),
            "problem": None if self.problem is None else self.problem.to_dict(),
        }
        return {key: value for key, value in result.items() if value is not None}
