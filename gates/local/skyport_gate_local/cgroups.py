"""One cgroup per job: CPU, memory and process-count limits the job cannot undo.

The gate makes a folder of its own in each hierarchy (``skyport-<site>-<hash of state_dir>``, so
two gates on one machine never share one) and a cgroup per job inside it. The job's wrapper is
put in the cgroup while it waits for its go byte, so every process it starts is counted there;
``taskset`` cannot widen a cpuset, and the kernel's OOM killer stops a job past its memory.

- cgroup v2, when ``/sys/fs/cgroup`` is the unified hierarchy: the gate's folder sits at its
  root (a non-root cgroup holding processes cannot hand controllers to children).
- cgroup v1 otherwise, with the ``cpuset``, ``memory`` and ``pids`` controllers each mounted at
  ``/sys/fs/cgroup/<controller>``: the gate's folder sits under the gate's own cgroup there, so
  limits set on the gate (a container's, say) still hold for its jobs.

When neither can be written (not root, no delegation), :func:`find` says why and the gate falls
back to ``sched_setaffinity`` and ``RLIMIT_AS``, which a job can undo.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import signal
import threading
from collections.abc import Sequence
from pathlib import Path

ROOT = Path("/sys/fs/cgroup")
CONTROLLERS = ("cpuset", "memory", "pids")
MIB = 1024 * 1024


def _write(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY)
    try:
        os.write(fd, text.encode())
    finally:
        os.close(fd)


def _counter(path: Path, key: str) -> int:
    """A ``key value`` line of a cgroup file such as ``memory.events``; 0 when absent."""
    with contextlib.suppress(OSError):
        for line in path.read_text().splitlines():
            name, _, value = line.partition(" ")
            if name == key:
                return int(value)
    return 0


class Cgroups:
    """The gate's cgroup folders, one (v2) or one per controller (v1): made for the gate's first job,
    removed with its last, so a gate leaves nothing behind once its jobs have ended."""

    def __init__(self, kind: str, parents: dict[str, Path], tag: str, cpus: str) -> None:
        self.kind = kind  # "cgroup-v2" or "cgroup-v1"
        self.bases = {controller: parent / tag for controller, parent in parents.items()}  # v2: key "unified"
        self.cpus = cpus  # every CPU the gate's jobs may use, as cpuset.cpus reads
        self._lock = threading.Lock()  # jobs start on request threads and end on the watcher's

    def _make_bases(self) -> None:
        for controller, base in self.bases.items():
            if base.is_dir():
                continue
            base.mkdir(exist_ok=True)
            if controller == "cpuset":  # a v1 cpuset starts empty: give it its parent's CPUs and memory nodes
                for name in ("cpuset.cpus", "cpuset.mems"):
                    _write(base / name, (base.parent / name).read_text().strip())
            if controller == "unified":
                _enable_controllers(base)

    def create(self, job_id: str, cpu_set: Sequence[int], mem: int, max_processes: int) -> list[str]:
        """Make the job's cgroup(s) with its limits; returns their paths, to record and to :meth:`enter`."""
        paths = []
        cpus = ",".join(str(cpu) for cpu in cpu_set) or self.cpus
        with self._lock:
            self._make_bases()
            for base in self.bases.values():
                (base / job_id).mkdir(exist_ok=True)
        for controller, base in self.bases.items():
            path = base / job_id
            paths.append(str(path))
            if cpus and controller in ("cpuset", "unified") and (path / "cpuset.cpus").exists():
                _write(path / "cpuset.cpus", cpus)
                if controller == "cpuset":
                    _write(path / "cpuset.mems", (base / "cpuset.mems").read_text().strip())
            if controller == "memory" and mem:
                _write(path / "memory.limit_in_bytes", str(mem * MIB))
                if (path / "memory.memsw.limit_in_bytes").exists():  # swap may not stretch the limit
                    _write(path / "memory.memsw.limit_in_bytes", str(mem * MIB))
            if controller == "unified" and mem:
                _write(path / "memory.max", str(mem * MIB))
                if (path / "memory.swap.max").exists():
                    _write(path / "memory.swap.max", "0")
            if controller in ("pids", "unified") and (path / "pids.max").exists():
                _write(path / "pids.max", str(max_processes))
        return paths

    @staticmethod
    def enter(paths: Sequence[str], pid: int) -> None:
        """Move process ``pid`` into the job's cgroup(s); what it starts from then on is counted there."""
        for path in paths:
            _write(Path(path) / "cgroup.procs", str(pid))

    @staticmethod
    def out_of_memory(paths: Sequence[str]) -> bool:
        """Whether the kernel's OOM killer killed a process of the job for its memory limit."""
        for path in map(Path, paths):
            if _counter(path / "memory.events", "oom_kill") or _counter(path / "memory.oom_control", "oom_kill"):
                return True
        return False

    @staticmethod
    def peak_memory(paths: Sequence[str]) -> int | None:
        """The most memory the job's cgroup held at once, in bytes (v2 ``memory.peak``, v1
        ``memory.max_usage_in_bytes``; page cache included); None when the kernel does not say."""
        for path in map(Path, paths):
            for name in ("memory.peak", "memory.max_usage_in_bytes"):
                with contextlib.suppress(OSError, ValueError):
                    return int((path / name).read_text())
        return None

    def remove(self, paths: Sequence[str]) -> bool:
        """Remove the job's cgroup(s); False while a process is still in one (it is sent SIGKILL)."""
        gone = True
        with self._lock:
            for path in map(Path, paths):
                try:
                    path.rmdir()
                except FileNotFoundError:
                    continue
                except OSError as exc:
                    if exc.errno != errno.EBUSY:
                        raise
                    gone = False
                    with contextlib.suppress(OSError):
                        for pid in (path / "cgroup.procs").read_text().split():
                            with contextlib.suppress(ProcessLookupError):
                                os.kill(int(pid), signal.SIGKILL)
            if gone:
                self._remove_bases()
        return gone

    def _remove_bases(self) -> None:
        for base in self.bases.values():
            with contextlib.suppress(OSError):  # another job's cgroup is still in it
                base.rmdir()


def _own_paths() -> dict[str, str]:
    """The gate's own cgroup in each hierarchy, from /proc/self/cgroup: controller -> path."""
    own = {}
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        _, names, path = line.split(":", 2)
        for name in names.split(",") if names else ["unified"]:
            own[name] = path
    return own


def _tag(site: str, state_dir: Path) -> str:
    return f"skyport-{site}-{hashlib.sha256(str(state_dir.resolve()).encode()).hexdigest()[:8]}"


def _enable_controllers(folder: Path) -> None:
    """Hand cpuset, memory and pids to the children of a v2 ``folder``; memory is required."""
    available = (folder / "cgroup.controllers").read_text().split()
    for controller in CONTROLLERS:  # one at a time: a cpuset or pids refused still leaves memory
        if controller in available:
            with contextlib.suppress(OSError):
                _write(folder / "cgroup.subtree_control", f"+{controller}")
    if "memory" not in (folder / "cgroup.subtree_control").read_text().split():
        raise OSError(errno.EPERM, f"cannot enable the memory controller for the children of {folder}")


def _v2(tag: str) -> Cgroups:
    _enable_controllers(ROOT)
    cpus = (ROOT / "cpuset.cpus.effective").read_text().strip() if (ROOT / "cpuset.cpus.effective").exists() else ""
    return Cgroups("cgroup-v2", {"unified": ROOT}, tag, cpus)


def _v1(tag: str) -> Cgroups:
    own = _own_paths()
    parents = {}
    for controller in CONTROLLERS:
        if not (ROOT / controller / "cgroup.procs").exists():
            raise OSError(errno.ENOENT, f"no cgroup v1 {controller} controller at {ROOT / controller}")
        parents[controller] = ROOT / controller / own.get(controller, "/").lstrip("/")
    return Cgroups("cgroup-v1", parents, tag, (parents["cpuset"] / "cpuset.cpus").read_text().strip())


def find(site: str, state_dir: Path) -> tuple[Cgroups | None, str]:
    """The gate's cgroups, tried once (their folders made and removed); or None and why they cannot be used."""
    tag = _tag(site, state_dir)
    try:
        cgroups = _v2(tag) if (ROOT / "cgroup.controllers").exists() else _v1(tag)
        with cgroups._lock:
            cgroups._make_bases()
            cgroups._remove_bases()
    except OSError as exc:
        return None, f"cgroups cannot be used ({exc}); jobs are limited with sched_setaffinity and RLIMIT_AS"
    return cgroups, ""
