"""A real Slurm for the tests: Debian's slurm-wlm, one controller and one node on this machine.

``slurm_cluster`` installs the packages when they are missing (root and apt-get needed; otherwise
the tests that need it are skipped, naming what is missing), starts munge, slurmctld and slurmd
with a slurm.conf of its own (loopback, free ports, state in a temporary folder), and stops what
it started at the end of the session. Settings as in /work/shared/STACK-NOTES.md: no cgroups, no
accounting, scheduler delays at 0.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from gates.local.tests.local_gate_support import serving

PACKAGES = ["slurmctld", "slurmd", "slurm-client", "munge"]
STARTUP_TIMEOUT = 60.0
MUNGE_DIRS = ("/run/munge", "/var/log/munge", "/var/lib/munge", "/etc/munge")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _install() -> bool:
    if shutil.which("slurmctld") and shutil.which("munged"):
        return True
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        return False
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], env=env, check=False, capture_output=True)
    command = ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *PACKAGES]
    subprocess.run(command, env=env, check=False, capture_output=True)
    return bool(shutil.which("slurmctld") and shutil.which("munged"))


def _start_munge() -> subprocess.Popen[bytes] | None:
    """munged, unless one already answers; returns the one started here."""
    if subprocess.run(["munge", "-n"], capture_output=True, check=False).returncode == 0:
        return None
    for folder in MUNGE_DIRS:
        Path(folder).mkdir(parents=True, exist_ok=True)
        shutil.chown(folder, "munge", "munge")
    key = Path("/etc/munge/munge.key")
    if not key.exists():
        key.write_bytes(os.urandom(1024))
        shutil.chown(key, "munge", "munge")
        key.chmod(0o400)
    return subprocess.Popen(["runuser", "-u", "munge", "--", "/usr/sbin/munged", "--foreground"])


def _config(root: Path, host: str) -> str:
    memory = min(4096, os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // (1024 * 1024) // 2)
    return f"""ClusterName=skyport-test
SlurmctldHost={host}(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
ReturnToService=2
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0
KillWait=2
SlurmctldPort={_free_port()}
SlurmdPort={_free_port()}
StateSaveLocation={root}/state
SlurmdSpoolDir={root}/spool
SlurmctldPidFile={root}/slurmctld.pid
SlurmdPidFile={root}/slurmd.pid
SlurmctldLogFile={root}/slurmctld.log
SlurmdLogFile={root}/slurmd.log
MpiDefault=none
NodeName={host} NodeAddr=127.0.0.1 CPUs=2 RealMemory={memory} State=UNKNOWN
PartitionName=debug Nodes={host} Default=YES MaxTime=INFINITE State=UP
"""


def _node_states(env: dict[str, str]) -> str:
    return subprocess.run(["sinfo", "-h", "-o", "%t"], env=env, capture_output=True, text=True, check=False).stdout


@pytest.fixture(scope="session")
def slurm_cluster() -> Iterator[str]:
    """The path of the slurm.conf of a running one-node Slurm; stopped after the session."""
    if not _install():
        pytest.skip("Slurm is not installed and cannot be installed here (needs root and apt-get for slurm-wlm)")
    munge = _start_munge()
    root = Path(tempfile.mkdtemp(prefix="skyport-slurm-"))
    (root / "state").mkdir()
    (root / "spool").mkdir()
    conf = root / "slurm.conf"
    conf.write_text(_config(root, socket.gethostname()))
    env = {**os.environ, "SLURM_CONF": str(conf)}
    daemons = [
        subprocess.Popen(["slurmctld", "-D", "-i"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL),
        subprocess.Popen(["slurmd", "-D"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL),
    ]
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while "idle" not in _node_states(env):
            if time.monotonic() > deadline or any(d.poll() is not None for d in daemons):
                logs = "".join(p.read_text() for p in root.glob("*.log"))
                raise RuntimeError(f"Slurm did not start:\n{logs}")
            time.sleep(0.2)
        yield str(conf)
    finally:
        subprocess.run(["scancel", "--me"], env=env, capture_output=True, check=False)
        for process in [*daemons, *([munge] if munge else [])]:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def slurm_gate_settings(slurm_cluster: str, tmp_path: Path) -> dict[str, Any]:
    """Settings of a slurm site named "lab" on the test cluster (``name`` and ``state_dir`` as the core adds them)."""
    return {"name": "lab", "state_dir": str(tmp_path / "slurm-gate"), "slurm_conf": slurm_cluster, "poll_interval": 0.2}


@pytest.fixture
def slurm_gate(slurm_gate_settings: dict[str, Any]) -> Iterator[httpx.Client]:
    """An httpx client of the slurm gate served on 127.0.0.1; always stopped."""
    from skyport_gate_slurm import create_app

    with serving(create_app(slurm_gate_settings)) as client:
        yield client
