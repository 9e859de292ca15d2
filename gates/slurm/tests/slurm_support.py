"""A real Slurm for the tests: Debian's slurm-wlm, one controller and one node on this machine.

``slurm_cluster`` installs the packages when they are missing (root and apt-get needed; otherwise
the tests that need it are skipped, naming what is missing), starts munged, slurmctld and slurmd
with a slurm.conf of its own (loopback, free ports, state in a temporary folder), and stops what
it started at the end of the session. Settings as in /work/shared/STACK-NOTES.md: no cgroups, no
accounting, scheduler delays at 0.

The munged is the tests' own too, with its own socket, key and state in the temporary folder, and
slurm.conf points every Slurm daemon and command at it (``AuthInfo=socket=...``): the tests never
use, start or stop the machine's munged (/run/munge), so another program stopping that one cannot
fail them.
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


def _start_munge(folder: Path) -> tuple[subprocess.Popen[bytes], Path]:
    """A munged of the tests' own, with its key, socket and state in ``folder``; and its socket."""
    folder.mkdir()
    folder.chmod(0o755)  # munged wants its socket's folder open to every user, and nothing writable by others
    key, socket_path = folder / "munge.key", folder / "munge.socket"
    key.write_bytes(os.urandom(1024))
    key.chmod(0o400)
    options = [f"--socket={socket_path}", f"--key-file={key}"]
    options += [f"--pid-file={folder / 'munged.pid'}", f"--seed-file={folder / 'munged.seed'}"]
    with (folder / "munged.log").open("wb") as log:  # --foreground logs to stderr, not to --log-file
        munged = subprocess.Popen(["munged", "--foreground", *options], stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while subprocess.run(["munge", "-n", "-S", str(socket_path)], capture_output=True, check=False).returncode:
        if time.monotonic() > deadline or munged.poll() is not None:
            munged.kill()
            raise RuntimeError(f"munged did not start:\n{(folder / 'munged.log').read_text()}")
        time.sleep(0.1)
    return munged, socket_path


def _config(root: Path, host: str, munge_socket: Path) -> str:
    memory = min(4096, os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // (1024 * 1024) // 2)
    return f"""ClusterName=skyport-test
SlurmctldHost={host}(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket={munge_socket}
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
    root = Path(tempfile.mkdtemp(prefix="skyport-slurm-"))
    root.chmod(0o755)  # on the way to munged's socket
    munge, munge_socket = _start_munge(root / "munge")
    (root / "state").mkdir()
    (root / "spool").mkdir()
    conf = root / "slurm.conf"
    conf.write_text(_config(root, socket.gethostname(), munge_socket))
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
        for process in [*daemons, munge]:  # munged last: slurmctld and slurmd use it until they end
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
