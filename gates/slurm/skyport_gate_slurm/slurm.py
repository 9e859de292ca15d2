"""The Slurm commands the gate runs (sinfo, sbatch, squeue, scancel, sacct), and what their output means.

The gate runs on a host with the Slurm client commands (a login node), as the user whose jobs
they are; Slurm's own authentication (munge) does the rest. Nothing here needs slurmrestd.
"""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess
from collections.abc import Sequence

from skyport_gate_sdk.errors import GateError

# squeue's %T words -> the gate API's job states; an ended word is settled by the job's exit file.
RUNNING = {"PENDING": "pending", "CONFIGURING": "pending", "REQUEUED": "pending", "RESV_DEL_HOLD": "pending"}
RUNNING |= {"RUNNING": "running", "COMPLETING": "running", "SUSPENDED": "running", "STAGE_OUT": "running"}
EXITED = {"COMPLETED", "FAILED"}  # the script ended by itself: its exit file says how
FAILED_WORDS = {
    "TIMEOUT": "killed at its time limit",
    "NODE_FAIL": "its node failed",
    "BOOT_FAIL": "its node failed to boot",
    "OUT_OF_MEMORY": "killed for using more memory than it asked for",
    "PREEMPTED": "preempted by a higher-priority job",
    "DEADLINE": "not started before its deadline",
    "SPECIAL_EXIT": "held by Slurm after a special exit",
    "REVOKED": "revoked by a federated cluster",
}


@dataclasses.dataclass(frozen=True)
class PartitionInfo:
    """One Slurm partition's node shape (the smallest node, so any of them fits a job that fits it)."""

    name: str
    nodes: tuple[str, ...]
    cpus: int
    mem: int  # MiB
    gpus: int
    disk: int = 0  # MiB of TmpDisk (Slurm's --tmp), 0 when the cluster does not configure it


@dataclasses.dataclass(frozen=True)
class QueuedJob:
    slurm_id: str
    state: str  # squeue's %T word
    reason: str
    nodes: str


SINFO_FORMAT = "%R|%N|%c|%m|%G|%d"  # one line per node and partition: partition|node|cpus|MiB|gres|TmpDisk MiB


def parse_sinfo(text: str) -> list[PartitionInfo]:
    """Partitions from ``sinfo -h -N -o SINFO_FORMAT``, each with the shape of its smallest node."""
    found: dict[str, PartitionInfo] = {}
    for line in text.splitlines():
        name, node, cpus, mem, gres, disk = line.split("|")
        name = name.rstrip("*")  # the default partition is starred in some formats
        # gres such as "gpu:4", "gpu:a100:4(S:0-1)" or "gpu:a100:2,gpu:v100:1"; "(null)" for none
        gpus = sum(int(n) for n in re.findall(r"gpu(?::[^:,()]+)?:(\d+)", gres))
        shape = (int(cpus.rstrip("+")), int(mem.rstrip("+")), gpus, int(disk.rstrip("+")))
        seen = found.get(name)
        if seen is None:
            found[name] = PartitionInfo(name, (node,), *shape)
        elif node not in seen.nodes:
            smallest = (min(a, b) for a, b in zip((seen.cpus, seen.mem, seen.gpus, seen.disk), shape, strict=True))
            found[name] = PartitionInfo(name, (*seen.nodes, node), *smallest)
    return list(found.values())


_SIZE = re.compile(r"^([0-9]+(?:\.[0-9]+)?)([KMGTP]?)$")
_UNITS = {"": 1, "K": 1024, "M": 1024**2, "G": 1024**3, "T": 1024**4, "P": 1024**5}


def parse_max_rss(text: str) -> int | None:
    """The largest MaxRSS of a job's steps, in bytes, from ``sacct -n -P -o MaxRSS`` (one value per step:
    ``52340K``, ``1.5G``, or empty for a step with none); None when no step has one, as on a cluster
    whose accounting does not gather memory (jobacct_gather/none records 0)."""
    sizes = [_SIZE.match(line.strip()) for line in text.splitlines()]
    largest = max((round(float(m[1]) * _UNITS[m[2]]) for m in sizes if m is not None), default=0)
    return largest or None


class Slurm:
    """The Slurm client commands, with ``SLURM_CONF`` when the site names one."""

    def __init__(self, site: str, slurm_conf: str | None) -> None:
        self.site = site
        self.env = {**os.environ, "SLURM_CONF": slurm_conf} if slurm_conf else None

    def run(self, argv: Sequence[str], *, check: bool = True) -> str:
        try:
            done = subprocess.run(argv, env=self.env, capture_output=True, text=True, timeout=60, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise GateError(self.site, f"{argv[0]} could not run: {exc}") from exc
        if check and done.returncode != 0:
            raise GateError(self.site, f"{' '.join(argv[:2])} failed: {done.stderr.strip() or done.stdout.strip()}")
        return done.stdout

    def partitions(self) -> list[PartitionInfo]:
        return parse_sinfo(self.run(["sinfo", "-h", "-N", "-o", SINFO_FORMAT]))

    def submit(self, wrapper: str, options: Sequence[str]) -> str:
        """``sbatch`` the wrapper script (given on standard input); returns Slurm's job ID."""
        try:
            done = subprocess.run(
                ["sbatch", "--parsable", *options],
                input=wrapper,
                env=self.env,
                capture_output=True,
                text=True,
                timeout=60,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise GateError(self.site, f"sbatch could not run: {exc}") from exc
        if done.returncode != 0:
            raise GateError(self.site, f"sbatch refused the job: {done.stderr.strip()}")
        return done.stdout.strip().split(";")[0]

    def queue(self) -> dict[str, QueuedJob]:
        """Every job of this user Slurm still lists, ended ones included (for MinJobAge)."""
        lines = self.run(["squeue", "--me", "-h", "-t", "all", "-o", "%i|%T|%r|%N"]).splitlines()
        jobs = [QueuedJob(*line.split("|", 3)) for line in lines if line.count("|") == 3]
        return {job.slurm_id: job for job in jobs}

    def max_rss(self, slurm_id: str) -> int | None:
        """The job's largest resident memory in bytes from sacct; None when the cluster does not record it."""
        try:
            text = self.run(["sacct", "-j", slurm_id, "-n", "-P", "--noconvert", "-o", "MaxRSS"], check=False)
        except GateError:
            return None
        return parse_max_rss(text)

    def cancel(self, slurm_id: str) -> None:
        self.run(["scancel", slurm_id], check=False)
