# Generated from spec/core-gate.yaml by `skyport codegen` (template python_client/model.py.jinja).
# Spec sha256: 84facd3c27cd2f18c11ab79d433e2c7938e1f8e1bc6a5d0fe2a6bf0767f51551
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""The JobStart model."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any


@dataclasses.dataclass(frozen=True, kw_only=True)
class JobStart:
    """The JobStart schema.

    Attributes:
        id: An ID chosen by the core; letters, digits, "-" and "_".
        partition_id: An ID chosen by the core; letters, digits, "-" and "_".
        script: The job script; run with its shebang, /bin/sh when it has none.
        name: Job name, for the backend's own listings.
        owner: The Skyport user the job belongs to; a gate that runs jobs as their users' accounts maps it to one.
        env: Extra environment variables for the script.
        cpus: CPUs per node.
        mem: Memory per node in MiB; 0 means no limit.
        gpus: GPUs per node.
        storage: Disk per node in MiB the job needs (`#SWM storage`); 0 means none. A gate that
        cannot give it refuses the job (409) or ends it failed, saying how much there is.

    nodes: Number of nodes of the partition to run on.
    time_limit: Seconds after which the job is killed; 0 means no limit.
    outputs: Files of the work directory to keep as outputs when the job ends.
    image: The container image the job must run in. A gate runs it with its container runtime, or
    on its own system when its settings say so for this image; otherwise it refuses the job
    with a 400 naming the image. Absent: the job runs on the site's own system.

    volumes: Absolute paths where the job sees empty folders of its own while it runs (TES volumes);
    a gate that cannot provide one refuses the job with a 400 naming it.
    """

    id: str
    partition_id: str
    script: str
    name: str | None = None
    owner: str | None = None
    env: dict[str, str] | None = None
    cpus: int | None = None
    mem: int | None = None
    gpus: int | None = None
    storage: int | None = None
    nodes: int | None = None
    time_limit: int | None = None
    outputs: list[str] | None = None
    image: str | None = None
    volumes: list[str] | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> JobStart:
        """Build from a decoded JSON object; keys the schema does not name are ignored."""
        return cls(
            id=data["id"],
            partition_id=data["partition_id"],
            script=data["script"],
            name=data.get("name"),
            owner=data.get("owner"),
            env=None if data.get("env") is None else dict(data["env"]),
            cpus=data.get("cpus"),
            mem=data.get("mem"),
            gpus=data.get("gpus"),
            storage=data.get("storage"),
            nodes=data.get("nodes"),
            time_limit=data.get("time_limit"),
            outputs=None if data.get("outputs") is None else list(data["outputs"]),
            image=data.get("image"),
            volumes=None if data.get("volumes") is None else list(data["volumes"]),
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON object; optional fields that are None are left out."""
        result: dict[str, Any] = {
            "id": self.id,
            "partition_id": self.partition_id,
            "script": self.script,
            "name": self.name,
            "owner": self.owner,
            "env": None if self.env is None else dict(self.env),
            "cpus": self.cpus,
            "mem": self.mem,
            "gpus": self.gpus,
            "storage": self.storage,
            "nodes": self.nodes,
            "time_limit": self.time_limit,
            "outputs": None if self.outputs is None else list(self.outputs),
            "image": self.image,
            "volumes": None if self.volumes is None else list(self.volumes),
        }
        return {key: value for key, value in result.items() if value is not None}
