"""A real Slurm for the tests: Debian's slurm-wlm, one controller and one node on this machine.

``slurm_cluster`` installs the packages when they are missing (root and apt-get needed; otherwise
the tests that need it are skipped, naming what is missing), starts munged, a MariaDB server,
slurmdbd, slurmctld and slurmd with a configuration of its own (loopback, free ports, state in a
temporary folder), and stops what it started at the end of the session. Settings as in
/work/shared/STACK-NOTES.md (no cgroups, scheduler delays at 0), plus accounting: slurmdbd on its
own MariaDB (a data folder made for the session, a user with a random password), and memory
gathered every second (jobacct_gather/linux), so ``sacct`` gives a job's MaxRSS as a site with
accounting does. Starting them adds about 7 s to the session (mostly ``mariadb-install-db``).
The node has TmpDisk (``TMP_DISK`` MiB, below its file system's size so slurmd never drains it for
too little), so ``sbatch --tmp`` is checked as on a cluster that configures it.

The munged is the tests' own too, with its own socket, key and state in the temporary folder, and
slurm.conf points every Slurm daemon and command at it (``AuthInfo=socket=...``): the tests never
use, start or stop the machine's munged (/run/munge), so another program stopping that one cannot
fail them.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import httpx
import pytest

from gates.local.tests.local_gate_support import serving

PACKAGES = ["slurmctld", "slurmd", "slurm-client", "munge", "slurmdbd", "mariadb-server"]
STARTUP_TIMEOUT = 60.0
TMP_DISK = 1024  # MiB of TmpDisk on the node (Slurm's --tmp)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _installed() -> bool:
    return all(shutil.which(name) for name in ("slurmctld", "munged", "slurmdbd", "mariadbd", "mariadb-install-db"))


def _install() -> bool:
    if _installed():
        return True
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        return False
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], env=env, check=False, capture_output=True)
    command = ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *PACKAGES]
    subprocess.run(command, env=env, check=False, capture_output=True)
    return _installed()


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


def _wait(ready: Callable[[], bool], processes: Sequence[subprocess.Popen[bytes]], what: str, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while not ready():
        if time.monotonic() > deadline or any(p.poll() is not None for p in processes):
            raise RuntimeError(f"{what} did not start:\n{log.read_text() if log.exists() else ''}")
        time.sleep(0.1)


def _start_accounting(root: Path, munge_socket: Path) -> tuple[list[subprocess.Popen[bytes]], int]:
    """MariaDB (its data in ``root``/db, on a free loopback port) and slurmdbd on it; and slurmdbd's port.

    slurmdbd reads slurmdbd.conf from the folder of $SLURM_CONF, so it is written beside slurm.conf.
    """
    data, password = root / "db", secrets.token_hex(16)
    small = ["--innodb-log-file-size=4M", "--innodb-buffer-pool-size=16M", "--skip-name-resolve"]  # starts sooner
    install = ["mariadb-install-db", "--no-defaults", f"--datadir={data}", "--user=root", "--skip-test-db", *small]
    done = subprocess.run([*install, "--auth-root-authentication-method=normal"], capture_output=True, check=False)
    if done.returncode:
        raise RuntimeError(f"mariadb-install-db failed:\n{done.stdout.decode()}{done.stderr.decode()}")
    grant = root / "grant.sql"
    grant.write_text(
        f"CREATE USER IF NOT EXISTS 'slurm'@'127.0.0.1' IDENTIFIED BY '{password}';\n"
        "GRANT ALL ON slurm_acct_db.* TO 'slurm'@'127.0.0.1';\n"
    )
    db_port, dbd_port = _free_port(), _free_port()
    options = [f"--datadir={data}", f"--socket={root / 'db.socket'}", f"--port={db_port}", "--bind-address=127.0.0.1"]
    options += [f"--pid-file={root / 'db.pid'}", f"--init-file={grant}", "--user=root", *small]
    with (root / "mariadb.log").open("wb") as log:
        mariadb = subprocess.Popen(["mariadbd", "--no-defaults", *options], stdout=log, stderr=subprocess.STDOUT)
    _wait(lambda: _listening(db_port), [mariadb], "MariaDB", root / "mariadb.log")
    conf = root / "slurmdbd.conf"
    conf.write_text(
        f"""AuthType=auth/munge
AuthInfo=socket={munge_socket}
DbdHost={socket.gethostname()}
DbdAddr=127.0.0.1
DbdPort={dbd_port}
SlurmUser=root
PidFile={root}/slurmdbd.pid
LogFile={root}/slurmdbd.log
StorageType=accounting_storage/mysql
StorageHost=127.0.0.1
StoragePort={db_port}
StorageUser=slurm
StoragePass={password}
StorageLoc=slurm_acct_db
"""
    )
    conf.chmod(0o600)  # slurmdbd refuses a configuration others can read: it holds the password
    env = {**os.environ, "SLURM_CONF": str(root / "slurm.conf")}
    dbd = subprocess.Popen(["slurmdbd", "-D"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _wait(lambda: _listening(dbd_port), [mariadb, dbd], "slurmdbd", root / "slurmdbd.log")
    return [mariadb, dbd], dbd_port


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _config(root: Path, host: str, munge_socket: Path, dbd_port: int) -> str:
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
JobAcctGatherType=jobacct_gather/linux
JobAcctGatherFrequency=task=1
AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=127.0.0.1
AccountingStoragePort={dbd_port}
AccountingStoragePass={munge_socket}
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
TmpFS={root}/tmp
NodeName={host} NodeAddr=127.0.0.1 CPUs=2 RealMemory={memory} TmpDisk={TMP_DISK} State=UNKNOWN
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
    for folder in ("state", "spool", "tmp"):
        (root / folder).mkdir()
    conf = root / "slurm.conf"
    env = {**os.environ, "SLURM_CONF": str(conf)}
    daemons: list[subprocess.Popen[bytes]] = []
    try:
        accounting, dbd_port = _start_accounting(root, munge_socket)
        daemons += accounting
        conf.write_text(_config(root, socket.gethostname(), munge_socket, dbd_port))
        subprocess.run(["sacctmgr", "-i", "add", "cluster", "skyport-test"], env=env, capture_output=True, check=True)
        daemons += [
            subprocess.Popen(["slurmctld", "-D", "-i"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL),
            subprocess.Popen(["slurmd", "-D"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL),
        ]
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while "idle" not in _node_states(env):
            if time.monotonic() > deadline or any(d.poll() is not None for d in daemons):
                logs = "".join(p.read_text() for p in root.glob("*.log"))
                raise RuntimeError(f"Slurm did not start:\n{logs}")
            time.sleep(0.2)
        yield str(conf)
    finally:
        subprocess.run(["scancel", "--me"], env=env, capture_output=True, check=False)
        # Last started, first stopped; munged last: the Slurm daemons use it until they end.
        for process in [*reversed(daemons), munge]:
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
