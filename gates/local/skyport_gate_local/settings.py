"""The local gate's own settings, read from the site's ``settings`` mapping in the core's config."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from skyport_gate_sdk.errors import BadRequest
from skyport_gate_sdk.settings import check_keys, number, whole

from skyport_gate_local.containers import RUNTIMES

_KNOWN = (
    "name",
    "state_dir",
    "cpus",
    "mem",
    "max_nodes",
    "kill_grace",
    "sandbox",
    "users",
    "max_processes",
    "read_only",
    "price",
    "storage",
    "host_images",
    "container_runtime",
    "podman_options",
)
SANDBOXES = ("bubblewrap", "none")


def total_memory_mib() -> int:
    """Physical memory of this machine in MiB."""
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // (1024 * 1024)


@dataclasses.dataclass(frozen=True)
class LocalSettings:
    """One local site: what of this machine its jobs may use, and where the gate keeps its records."""

    name: str  # site name, given by the core
    state_dir: Path  # the gate's records, job work directories and logs, given by the core
    cpus: int  # CPUs jobs may use at once
    mem: int  # MiB jobs may use at once
    max_nodes: int = 1  # the machine itself: one node
    kill_grace: float = 5.0  # seconds between SIGTERM and SIGKILL when a job is stopped
    sandbox: str = "bubblewrap"  # or "none": jobs run unsandboxed, by the operator's explicit choice
    users: Mapping[str, str] = dataclasses.field(default_factory=dict)  # Skyport user -> Unix user (gate as root)
    max_processes: int = 4096  # processes (and threads) one job may have at once, where cgroups allow
    read_only: tuple[Path, ...] = ()  # folders jobs see read-only besides the system (software, data sets)
    price: float = 0.0  # per node-hour, what a job is charged for this machine (budgets, usage)
    storage: int | None = None  # MiB of disk a job may use; None = the free disk of state_dir, read when asked
    host_images: tuple[str, ...] = ()  # image names (fnmatch patterns) run on this machine's system, sandboxed
    container_runtime: str | None = None  # "podman" or "none"; None: podman when it is installed
    podman_options: tuple[str, ...] = ()  # podman's global options for every call (--root, --runtime ...)


def load(raw: Mapping[str, Any]) -> LocalSettings:
    """Check the site's settings and give them typed; every error names the key and what it needs."""
    check_keys("local", raw, _KNOWN, required=("name", "state_dir"))
    grace = raw.get("kill_grace", 5.0)
    if isinstance(grace, bool) or not isinstance(grace, int | float) or grace < 0:
        raise BadRequest(f"local setting 'kill_grace' must be a number of seconds >= 0, got {grace!r}")
    max_nodes = whole("local", "max_nodes", raw.get("max_nodes", 1), 1)
    if max_nodes != 1:
        raise BadRequest(f"local setting 'max_nodes' must be 1 (the local machine is one node), got {max_nodes}")
    sandbox = raw.get("sandbox", "bubblewrap")
    if sandbox not in SANDBOXES:
        raise BadRequest(f"local setting 'sandbox' must be one of {', '.join(SANDBOXES)}, got {sandbox!r}")
    users = raw.get("users") or {}
    if not isinstance(users, Mapping) or not all(isinstance(k, str) and isinstance(v, str) for k, v in users.items()):
        raise BadRequest(f"local setting 'users' must map Skyport user names to Unix user names, got {users!r}")
    price = number("local", "price", raw.get("price", 0.0), what="per node-hour")
    read_only = raw.get("read_only") or []
    if not isinstance(read_only, list) or not all(isinstance(p, str) and p.startswith("/") for p in read_only):
        raise BadRequest(f"local setting 'read_only' must be a list of absolute paths, got {read_only!r}")
    host_images = raw.get("host_images") or []
    if not isinstance(host_images, list) or not all(isinstance(p, str) and p for p in host_images):
        raise BadRequest(f"local setting 'host_images' must be a list of image names or patterns, got {host_images!r}")
    runtime = raw.get("container_runtime")
    if runtime is not None and runtime not in RUNTIMES:
        raise BadRequest(f"local setting 'container_runtime' must be one of {', '.join(RUNTIMES)}, got {runtime!r}")
    podman_options = raw.get("podman_options") or []
    if not isinstance(podman_options, list) or not all(isinstance(o, str) and o for o in podman_options):
        raise BadRequest(f"local setting 'podman_options' must be a list of podman options, got {podman_options!r}")
    return LocalSettings(
        name=str(raw["name"]),
        state_dir=Path(raw["state_dir"]).expanduser(),
        cpus=whole("local", "cpus", raw.get("cpus", os.cpu_count() or 1), 1),
        mem=whole("local", "mem", raw.get("mem", total_memory_mib()), 1),
        max_nodes=max_nodes,
        kill_grace=float(grace),
        sandbox=sandbox,
        users=dict(users),
        max_processes=whole("local", "max_processes", raw.get("max_processes", 4096), 1),
        read_only=tuple(Path(p) for p in read_only),
        price=price,
        storage=whole("local", "storage", raw["storage"], 0) if "storage" in raw else None,
        host_images=tuple(host_images),
        container_runtime=runtime,
        podman_options=tuple(podman_options),
    )
