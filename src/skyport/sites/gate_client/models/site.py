# Generated from spec/core-gate.yaml by `skyport codegen` (template python_client/model.py.jinja).
# Spec sha256: 84facd3c27cd2f18c11ab79d433e2c7938e1f8e1bc6a5d0fe2a6bf0767f51551
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""The Site model."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from .isolation import Isolation


@dataclasses.dataclass(frozen=True, kw_only=True)
class Site:
    """The Site schema.

    Attributes:
        kind: Gate kind (local, aws, slurm, or a third party's).
        name: Site name from the gate's settings.
        max_nodes: Most nodes this site will run at once (quota); absent means no limit.
        spot: Whether partitions can be created on spot (interruptible) capacity.
        poll_interval: Seconds between the core's polls of list_jobs and list_partitions while this site
        has work. A local gate answers in microseconds and says 0.02; a cloud gate, whose
        every poll costs API calls, says 5 or more.

    boot_time: Seconds a new partition typically takes to become ready; the scheduler plans with it.
    single_job: Whether each partition runs exactly one job and is spent afterwards (an EC2 instance
    that powers off when its job ends). The core then never places a second job on it.

    version: Version of the gate software.
    batch: The optional batch operations this gate serves, by operationId: start_jobs and
    delete_jobs_files. The core calls one only when it is listed here, and otherwise
    makes one call per job, so a gate without them keeps working.

    isolation: How the site keeps a job from other jobs, the gate and the machine.
    """

    kind: str
    name: str
    max_nodes: int | None = None
    spot: bool | None = None
    poll_interval: float | None = None
    boot_time: float | None = None
    single_job: bool | None = None
    version: str | None = None
    batch: list[str] | None = None
    isolation: Isolation | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Site:
        """Build from a decoded JSON object; keys the schema does not name are ignored."""
        return cls(
            kind=data["kind"],
            name=data["name"],
            max_nodes=data.get("max_nodes"),
            spot=data.get("spot"),
            poll_interval=data.get("poll_interval"),
            boot_time=data.get("boot_time"),
            single_job=data.get("single_job"),
            version=data.get("version"),
            batch=None if data.get("batch") is None else list(data["batch"]),
            isolation=None if data.get("isolation") is None else Isolation.from_dict(data["isolation"]),
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON object; optional fields that are None are left out."""
        result: dict[str, Any] = {
            "kind": self.kind,
            "name": self.name,
            "max_nodes": self.max_nodes,
            "spot": self.spot,
            "poll_interval": self.poll_interval,
            "boot_time": self.boot_time,
            "single_job": self.single_job,
            "version": self.version,
            "batch": None if self.batch is None else list(self.batch),
            "isolation": None if self.isolation is None else self.isolation.to_dict(),
        }
        return {key: value for key, value in result.items() if value is not None}
