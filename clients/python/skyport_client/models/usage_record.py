# Generated from spec/core-terminal.yaml by `skyport codegen` (template python_client/model.py.jinja).
# Spec sha256: 0dffc4b1faa7ddfc82a239e7feb8b44243f69c45c4f184b8608bfaa949eff517
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""The UsageRecord model."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from .job_state import JobState


@dataclasses.dataclass(frozen=True, kw_only=True)
class UsageRecord:
    """One ended job, as accounting shows it.

    Attributes:
        id: Job ID.
        name: Job name.
        user: Who submitted it.
        account: The account it was charged to.
        state: Q queued, W waiting for resources, R running, T transferring files, F finished, E error, C cancelled.
        site: Remote site it ran on.
        flavor: Flavor of its nodes.
        nodes: Number of nodes.
        cpus: CPUs per node.
        submit_time: When it was submitted.
        start_time: When it started.
        end_time: When it ended.
        elapsed: Seconds it ran.
        cpu_time: CPU seconds allocated (cpus x nodes x elapsed).
        max_rss: Largest resident memory in bytes, where the site measured it; absent when unknown.
        cost: What it cost (price per node-hour x nodes x hours run).
    """

    id: str
    name: str | None = None
    user: str
    account: str
    state: JobState
    site: str | None = None
    flavor: str | None = None
    nodes: int | None = None
    cpus: int | None = None
    submit_time: str
    start_time: str | None = None
    end_time: str | None = None
    elapsed: float | None = None
    cpu_time: float | None = None
    max_rss: int | None = None
    cost: float | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> UsageRecord:
        """Build from a decoded JSON object; keys the schema does not name are ignored."""
        return cls(
            id=data["id"],
            name=data.get("name"),
            user=data["user"],
            account=data["account"],
            state=JobState(data["state"]),
            site=data.get("site"),
            flavor=data.get("flavor"),
            nodes=data.get("nodes"),
            cpus=data.get("cpus"),
            submit_time=data["submit_time"],
            start_time=data.get("start_time"),
            end_time=data.get("end_time"),
            elapsed=data.get("elapsed"),
            cpu_time=data.get("cpu_time"),
            max_rss=data.get("max_rss"),
            cost=data.get("cost"),
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON object; optional fields that are None are left out."""
        result: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "user": self.user,
            "account": self.account,
            "state": str(self.state),
            "site": self.site,
            "flavor": self.flavor,
            "nodes": self.nodes,
            "cpus": self.cpus,
            "submit_time": self.submit_time,
            "start_time": self.start_time,
            "end_time": self.end_time,
            "elapsed": self.elapsed,
            "cpu_time": self.cpu_time,
            "max_rss": self.max_rss,
            "cost": self.cost,
        }
        return {key: value for key, value in result.items() if value is not None}
