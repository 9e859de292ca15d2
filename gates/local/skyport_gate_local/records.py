"""What the local gate remembers about partitions and jobs, kept as JSON files in its state directory.

Each record is written whole to a temporary file and renamed over the old one, so a gate killed
at any moment leaves either the old record or the new one, never half of one.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import os
from pathlib import Path
from typing import Any

ENDED = frozenset({"finished", "failed", "cancelled"})


def now_iso() -> str:
    """The current time as an RFC 3339 date-time in UTC."""
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclasses.dataclass
class PartitionRecord:
    """A partition: on the local site, a name for the machine that jobs start on."""

    id: str
    flavor: str
    image: str
    count: int
    state: str
    state_details: str
    created_at: str
    owner: str | None = None

    def to_wire(self, node: dict[str, str]) -> dict[str, Any]:
        """The partition as the gate API shows it."""
        wire: dict[str, Any] = {
            "id": self.id,
            "state": self.state,
            "state_details": self.state_details,
            "flavor": self.flavor,
            "image": self.image,
            "count": self.count,
            "nodes": [node] if self.state == "ready" else [],
            "created_at": self.created_at,
        }
        if self.owner is not None:
            wire["owner"] = self.owner
        return wire


@dataclasses.dataclass
class JobRecord:
    """A job: its request, its process (while it has one) and how it ended."""

    id: str
    partition_id: str
    state: str
    state_details: str
    cpus: int
    mem: int
    time_limit: int
    outputs: list[str]
    started_at: str
    started_epoch: float
    pid: int | None = None
    pid_start: int | None = None  # the process's start time in clock ticks, so a reused pid is not mistaken for it
    cpu_set: list[int] = dataclasses.field(default_factory=list)
    cgroups: list[str] = dataclasses.field(default_factory=list)  # its cgroup folders, removed once it has ended
    active: bool = True  # its process group may still have processes
    exitcode: int | None = None
    signal: int | None = None
    ended_at: str | None = None
    stdout_size: int | None = None  # bytes of its logs, set once it has ended
    stderr_size: int | None = None
    max_rss: int | None = None  # bytes: the largest resident memory it used, once it has ended, when measured
    container: str = ""  # the name of its container, when it runs in an image (removed once it has ended)

    def to_wire(self, node: dict[str, str]) -> dict[str, Any]:
        """The job as the gate API shows it."""
        wire: dict[str, Any] = {
            "id": self.id,
            "partition_id": self.partition_id,
            "state": self.state,
            "state_details": self.state_details,
            "node_names": [node["name"]],
            "node_ips": [node["ip"]],
            "started_at": self.started_at,
        }
        for key in ("exitcode", "signal", "ended_at", "stdout_size", "stderr_size", "max_rss"):
            value = getattr(self, key)
            if value is not None:
                wire[key] = value
        return wire


def save(path: Path, record: PartitionRecord | JobRecord) -> None:
    """Write ``record`` to ``path`` atomically."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(json.dumps(dataclasses.asdict(record)), encoding="utf-8")
    os.replace(temporary, path)


def load_partition(path: Path) -> PartitionRecord:
    """A partition record saved by :func:`save`."""
    return PartitionRecord(**json.loads(path.read_text(encoding="utf-8")))


def load_job(path: Path) -> JobRecord:
    """A job record saved by :func:`save`."""
    return JobRecord(**json.loads(path.read_text(encoding="utf-8")))
