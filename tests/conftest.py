"""Shared fixtures: a temporary Skyport home with its CA, free ports, and a real daemon process.

The daemon runs as a child process (`python -m skyport daemon`) on 127.0.0.1, so tests talk to
it exactly as a terminal does - HTTPS with client certificates - and can SIGKILL it.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
import yaml
from skyport_client import Client

from skyport import pki
from tests.debian import apt_install, bubblewrap
from tests.processes import kill_leftover_jobs

STARTUP_TIMEOUT = 30.0
TEST_USERS = {"alice": "nobody", "bob": "daemon"}  # Skyport user -> Unix account of their jobs, when root
PYTHON = sorted({sys.prefix, sys.base_prefix})  # jobs may run the tests' Python (JupyterHub's singleuser does)


def docs_block(name: str, first: str) -> list[str]:
    """The lines of the first fenced block of docs/NAME whose first line starts with ``first``."""
    text = (Path(__file__).parents[1] / "docs" / name).read_text(encoding="utf-8")
    for block in re.findall(r"^```\n(.*?)^```$", text, re.MULTILINE | re.DOTALL):
        if block.startswith(first):
            return list(block.splitlines())
    raise AssertionError(f"docs/{name} has no block starting {first!r}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def make_home(path: Path) -> Path:
    """A Skyport home at ``path`` for user 'alice' with a CA, certificates and a local site of 2 CPUs.

    The local site sandboxes jobs with bubblewrap (installed here when missing). Tests run as root,
    so it runs jobs as Unix accounts: alice's as nobody, bob's as daemon.
    """
    bubblewrap()
    pki.init_authority(path, "alice")
    (path / "config.yaml").write_text(
        yaml.safe_dump(
            {
                "sites": [
                    {
                        "name": "local",
                        "kind": "local",
                        "settings": {"cpus": 2, "mem": 2048, "users": TEST_USERS, "read_only": PYTHON},
                    }
                ],
                "loop_interval": 0.2,
                "idle_timeout": 5,
            }
        )
    )
    return path


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A Skyport home for user 'alice' with a CA, certificates and a local site of 2 CPUs."""
    return make_home(tmp_path / "home")


class Daemon:
    """A `skyport daemon` child process; start, kill and restart it."""

    def __init__(self, home: Path, port: int, log: Path) -> None:
        self.home = home
        self.port = port
        self.url = f"https://127.0.0.1:{port}"
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        env = {**os.environ, "SKYPORT_HOME": str(self.home)}
        env.pop("SKYPORT_URL", None)
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "skyport", "daemon", "--port", str(self.port)],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self._wait_ready()

    def _wait_ready(self) -> None:
        context = pki.client_context(self.home)
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"daemon exited with {self.process.returncode}:\n{self.log.read_text()}")
            with contextlib.suppress(OSError):
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as raw:
                    with context.wrap_socket(raw, server_hostname="127.0.0.1"):
                        return
            time.sleep(0.05)
        raise RuntimeError(f"daemon did not listen on {self.port} within {STARTUP_TIMEOUT} s:\n{self.log.read_text()}")

    def kill(self) -> None:
        """SIGKILL: the crash the store must survive."""
        assert self.process is not None
        self.process.kill()
        self.process.wait()

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def ssl_context(self, cert: Path | None = None, key: Path | None = None) -> ssl.SSLContext:
        return pki.client_context(self.home, cert, key)


@contextlib.contextmanager
def running_daemon(home: Path, log: Path, sites: list[dict[str, Any]] | None = None) -> Iterator[Daemon]:
    """A daemon on a free port, with ``sites`` in place of the home's when given; always stopped."""
    if sites is not None:
        config = yaml.safe_load((home / "config.yaml").read_text())
        (home / "config.yaml").write_text(yaml.safe_dump({**config, "sites": sites}))
    running = Daemon(home, free_port(), log)
    running.start()
    try:
        yield running
    finally:
        running.stop()
        for state_dir in (home / "sites").glob("*"):  # a stopped daemon leaves its jobs running, by design
            kill_leftover_jobs(state_dir)


@pytest.fixture
def daemon(home: Path, tmp_path: Path) -> Iterator[Daemon]:
    """A running daemon on a free port; always stopped afterwards."""
    with running_daemon(home, tmp_path / "daemon.log") as running:
        yield running


@pytest.fixture
def client(daemon: Daemon) -> Iterator[Client]:
    """The generated client of the running daemon, as alice over mutual TLS, on one keep-alive connection."""
    with Client(daemon.url, ssl_context=daemon.ssl_context()) as client:
        yield client


NPM_CACHE = Path(os.environ.get("SKYPORT_TEST_CACHE", Path.home() / ".cache" / "skyport-tests")) / "npm"


def npm_tool(package: str, version: str, binary: str) -> Path:
    """``binary`` of the npm ``package@version``, installed once into a cache shared by test runs.

    Skips the test when npm is missing; the registry must be reachable the first time.
    """
    if shutil.which("npm") is None:
        pytest.skip(f"npm is not installed: {package} cannot be installed")
    prefix = NPM_CACHE / f"{package}@{version}"
    path = prefix / "node_modules" / ".bin" / binary
    prefix.mkdir(parents=True, exist_ok=True)
    with (NPM_CACHE / f"{package.replace('/', '_')}@{version}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another test worker may be installing it right now
        if not path.exists():
            command = ["npm", "install", "--no-audit", "--no-fund", "--prefix", str(prefix), f"{package}@{version}"]
            subprocess.run(command, check=True, capture_output=True)
    return path


_ROOT = Path(__file__).resolve().parents[1]
DASHBOARD_CLIENT = _ROOT / "src" / "skyport" / "ui" / "client" / "terminal" / "index.js"


@pytest.fixture(scope="session")
def dashboard_client() -> Path:
    """The dashboard's compiled client (scripts/build-ui), built when missing or older than the generated one."""
    typescript = _ROOT / "clients" / "typescript"
    version = json.loads((typescript / "package.json").read_text())["devDependencies"]["typescript"]
    with (Path(tempfile.gettempdir()) / "skyport-build-ui.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another test worker may be building it right now
        source = typescript / "src" / "terminal" / "index.ts"
        if not DASHBOARD_CLIENT.exists() or DASHBOARD_CLIENT.stat().st_mtime < source.stat().st_mtime:
            tsc = npm_tool("typescript", version, "tsc")
            subprocess.run([str(_ROOT / "scripts" / "build-ui")], env={**os.environ, "TSC": str(tsc)}, check=True)
    return DASHBOARD_CLIENT


def _postgres_bin() -> Path | None:
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return candidates[-1].parent if candidates else None


def _install_postgres() -> Path | None:
    """Install Debian's PostgreSQL when it is missing and we may (root, apt-get present)."""
    return _postgres_bin() if apt_install("postgresql") else None


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A real PostgreSQL server on a free loopback port, installed if missing; stopped afterwards."""
    bindir = _postgres_bin() or _install_postgres()
    if bindir is None:
        pytest.skip("PostgreSQL is not installed and cannot be installed here (needs root and apt-get)")
    # Not under pytest's tmp_path: its parents are private to root, and postgres runs as 'postgres'.
    root = Path(tempfile.mkdtemp(prefix="skyport-postgres-"))
    data, sockets = root / "data", root / "run"
    sockets.mkdir()
    run_as: list[str] = []
    if os.geteuid() == 0:  # postgres refuses to run as root
        run_as = ["runuser", "-u", "postgres", "--"]
        shutil.chown(root, "postgres")
        shutil.chown(sockets, "postgres")
    subprocess.run(
        [*run_as, str(bindir / "initdb"), "-D", str(data), "-U", "skyport", "--auth=trust", "-E", "UTF8"],
        check=True,
        capture_output=True,
    )
    port = free_port()
    log = (root / "postgres.log").open("wb")
    server = subprocess.Popen(
        [*run_as, str(bindir / "postgres"), "-D", str(data), "-p", str(port), "-k", str(sockets), "-h", "127.0.0.1"],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while True:
            try:
                with psycopg.connect(f"host=127.0.0.1 port={port} user=skyport dbname=postgres", autocommit=True) as db:
                    db.execute("CREATE DATABASE skyport")
                break
            except psycopg.OperationalError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError(f"PostgreSQL did not start:\n{(root / 'postgres.log').read_text()}") from None
                time.sleep(0.1)
        yield f"postgresql+psycopg://skyport@127.0.0.1:{port}/skyport"
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
        shutil.rmtree(root, ignore_errors=True)
