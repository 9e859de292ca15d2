# Generated from spec/core-terminal.yaml by `skyport codegen` (template python_client/model.py.jinja).
# Spec sha256: 0dffc4b1faa7ddfc82a239e7feb8b44243f69c45c4f184b8608bfaa949eff517
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""The Flavor model."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from .resource import Resource


@dataclasses.dataclass(frozen=True, kw_only=True)
class Flavor:
    """A node shape a remote site offers, with its price per node-hour.

    Attributes:
        id: Flavor ID, stable for a site and flavor name (set by the core).
        name: Flavor name as the site knows it (an EC2 instance type, a Slurm partition).
        remote_id: ID of the remote site offering this flavor (set by the core).
        resources: Resources one node of this flavor provides.
        price: Price of one node of this flavor per hour, in US dollars.
        cpus: CPUs of one node.
        mem: Memory of one node in MiB.
        gpus: GPUs of one node.
        storage: Disk one node gives a job, in MiB (a job's `#SWM storage 20G` must fit it). Absent or 0:
        none known, and no job that asks for disk runs there.

    gpu_model: GPU model name, when the node has GPUs.
    arch: CPU architecture (x86_64, arm64).
    """

    id: str | None = None
    name: str
    remote_id: str | None = None
    resources: list[Resource] | None = None
    price: float | None = None
    cpus: int | None = None
    mem: int | None = None
    gpus: int | None = None
    storage: int | None = None
    gpu_model: str | None = None
    arch: str | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Flavor:
        """Build from a decoded JSON object; keys the schema does not name are ignored."""
        return cls(
            id=data.get("id"),
            name=data["name"],
            remote_id=data.get("remote_id"),
            resources=None
            if data.get("resources") is None
            else [Resource.from_dict(item) for item in data["resources"]],
            price=data.get("price"),
            cpus=data.get("cpus"),
            mem=data.get("mem"),
            gpus=data.get("gpus"),
            storage=data.get("storage"),
            gpu_model=data.get("gpu_model"),
            arch=data.get("arch"),
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON object; optional fields that are None are left out."""
        result: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "remote_id": self.remote_id,
            "resources": None if self.resources is None else [item.to_dict() for item in self.resources],
            "price": self.price,
            "cpus": self.cpus,
            "mem": self.mem,
            "gpus": self.gpus,
            "storage": self.storage,
            "gpu_model": self.gpu_model,
            "arch": self.arch,
        }
        return {key: value for key, value in result.items() if value is not None}
