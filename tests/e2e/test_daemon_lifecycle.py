"""The daemon's life cycle as an operator sees it: signals, one daemon per home, status and stop, its log.

Real daemon processes on 127.0.0.1 (tests/conftest.py), the real `skyport` command, real signals.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import yaml

from gates.local.tests.local_gate_support import GateProcess
from skyport import pki
from tests.conftest import Daemon, free_port, running_daemon
from tests.e2e.test_cli import skyport

TIMESTAMP = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d"


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_stops_the_daemon_cleanly(daemon: Daemon, sig: signal.Signals) -> None:
    assert daemon.process is not None
    assert (daemon.home / "daemon.url").read_text().strip() == daemon.url
    assert (daemon.home / "skyport.db-wal").exists()

    daemon.process.send_signal(sig)

    assert daemon.process.wait(timeout=30) == 0
    assert not (daemon.home / "daemon.url").exists()
    assert not (daemon.home / "skyport.db-wal").exists()  # SQLite removes it when the store is closed
    log = daemon.log.read_text()
    assert f"{sig.name}: stopping" in log
    assert "skyport daemon stopped" in log
    assert "Traceback" not in log
    assert skyport(None, "daemon", "status", home=daemon.home, check=False).returncode == 3


def test_an_idle_keep_alive_connection_does_not_hold_up_a_stop(daemon: Daemon) -> None:
    """A terminal's connection pool keeps a connection open between requests; closing it politely
    would wait up to 30 s (asyncio's TLS shutdown timeout) for a close_notify the idle client never
    sends, so `skyport daemon stop` seemed to hang. The idle connection is cut instead."""
    assert daemon.process is not None
    with httpx.Client(base_url=daemon.url, verify=daemon.ssl_context()) as client:
        assert client.get("/user/job").status_code == 200  # the connection stays in the pool
        daemon.process.send_signal(signal.SIGTERM)
        assert daemon.process.wait(timeout=15) == 0
        with pytest.raises(httpx.TransportError):
            client.get("/user/job")
    assert "skyport daemon stopped" in daemon.log.read_text()


def test_daemon_url_appears_once_the_daemon_listens(home: Path, tmp_path: Path) -> None:
    """What scripts/quickstart and scripts/smoke wait for before their first command."""
    port = free_port()
    env = {**os.environ, "SKYPORT_HOME": str(home)}
    with (tmp_path / "daemon.log").open("wb") as log:
        argv = [sys.executable, "-m", "skyport", "daemon", "--port", str(port)]
        process = subprocess.Popen(argv, env=env, stderr=log)
    try:
        deadline = time.monotonic() + 60
        while not (home / "daemon.url").exists():
            assert process.poll() is None and time.monotonic() < deadline, (tmp_path / "daemon.log").read_text()
            time.sleep(0.005)
        socket.create_connection(("127.0.0.1", port), timeout=5).close()
    finally:
        process.terminate()
        assert process.wait(timeout=30) == 0


def test_a_second_daemon_on_the_same_home_refuses_and_the_first_keeps_serving(daemon: Daemon) -> None:
    assert daemon.process is not None
    url_file = (daemon.home / "daemon.url").read_text()

    second = skyport(None, "daemon", "--port", str(free_port()), home=daemon.home, check=False)

    assert second.returncode == 1
    assert f"a daemon already runs on {daemon.home} (PID {daemon.process.pid}, {daemon.url})" in second.stderr
    assert "Traceback" not in second.stderr
    assert (daemon.home / "daemon.url").read_text() == url_file
    assert daemon.process.poll() is None
    # A terminal finds the first daemon through daemon.url, as before.
    assert skyport(None, "jobs", home=daemon.home).returncode == 0


def test_a_killed_daemon_leaves_no_lock_behind(daemon: Daemon) -> None:
    daemon.kill()

    assert skyport(None, "daemon", "status", home=daemon.home, check=False).returncode == 3
    daemon.start()
    assert skyport(None, "daemon", "status", home=daemon.home).returncode == 0


def test_sigterm_stops_a_standalone_gate_with_status_0(home: Path, tmp_path: Path) -> None:
    config = tmp_path / "gate.yaml"
    config.write_text(yaml.safe_dump({"name": "local", "cpus": 1, "mem": 512}))
    gate = GateProcess(home, config, tmp_path / "gate.log")
    gate.start().close()
    assert gate.process is not None

    gate.process.send_signal(signal.SIGTERM)

    assert gate.process.wait(timeout=30) == 0
    assert "Traceback" not in gate.log.read_text()


def test_daemon_status_and_stop(daemon: Daemon) -> None:
    assert daemon.process is not None
    pid = daemon.process.pid

    running = skyport(None, "daemon", "status", home=daemon.home)
    assert running.stdout == f"running on {daemon.home}: PID {pid}, {daemon.url}\n"
    status = json.loads(skyport(None, "--json", "daemon", "status", home=daemon.home).stdout)
    assert status == {"home": str(daemon.home), "running": True, "pid": pid, "url": daemon.url}

    stopped = skyport(None, "daemon", "stop", home=daemon.home)

    assert stopped.stdout == f"stopped the daemon (PID {pid}, {daemon.url})\n"
    assert not (daemon.home / "daemon.url").exists()  # stop returns once the daemon has let go of the home
    assert daemon.process.wait(timeout=30) == 0
    not_running = skyport(None, "daemon", "status", home=daemon.home, check=False)
    assert (not_running.returncode, not_running.stdout) == (3, f"not running on {daemon.home}\n")
    status = json.loads(skyport(None, "--json", "daemon", "status", home=daemon.home, check=False).stdout)
    assert status == {"home": str(daemon.home), "running": False, "pid": None, "url": None}
    again = skyport(None, "daemon", "stop", home=daemon.home)
    assert again.stdout == f"no daemon runs on {daemon.home}\n"


def test_daemon_without_a_subcommand_still_starts_it_and_help_says_how_to_stop_it(home: Path) -> None:
    result = skyport(None, "daemon", "--help", home=home)
    assert "skyport daemon status" in result.stdout
    assert "skyport daemon stop" in result.stdout
    assert "SIGTERM" in result.stdout
    misplaced = skyport(None, "daemon", "--port", "8443", "status", home=home, check=False)
    assert misplaced.returncode == 2
    assert "--port, --host and --log-format are for starting the daemon" in misplaced.stderr


def test_a_value_with_control_characters_stays_on_one_escaped_log_line_with_its_time(
    home: Path, tmp_path: Path
) -> None:
    config = yaml.safe_load((home / "config.yaml").read_text())
    (home / "config.yaml").write_text(yaml.safe_dump({**config, "owner": "alice"}))  # may submit by path
    forged = "/tmp/x\n2026-01-01T00:00:00.000+00:00 ERROR skyport: forged\x1b[31m.job"
    with running_daemon(home, tmp_path / "daemon.log") as daemon:
        with httpx.Client(base_url=daemon.url, verify=daemon.ssl_context(), timeout=30) as client:
            answer = client.post("/user/job", params={"path": forged})
        assert answer.status_code == 400

    lines = daemon.log.read_text().splitlines()
    assert all(re.match(TIMESTAMP + " ", line) for line in lines), lines
    (line,) = [line for line in lines if "forged" in line]
    assert re.match(TIMESTAMP + " WARNING ", line)
    assert r"/tmp/x\n2026-01-01T00:00:00.000+00:00 ERROR skyport: forged\x1b[31m.job" in line


def test_the_log_formatter_indents_a_traceback_under_its_record() -> None:
    code = (
        "import logging; from skyport import logs; logs.configure(logging.INFO)\n"
        "try:\n    raise ValueError('bad name\\nERROR forged')\n"
        "except ValueError:\n    logging.getLogger('skyport.test').exception('failed on %s', 'a\\tb')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    first, *rest = result.stderr.splitlines()
    assert re.fullmatch(TIMESTAMP + r" ERROR skyport\.test: failed on a\\tb", first)
    assert rest[0] == "    Traceback (most recent call last):"
    assert rest[-2:] == ["    ValueError: bad name", "    ERROR forged"]
    assert all(line.startswith("    ") for line in rest)


def test_log_format_json_writes_each_record_as_one_json_object_a_line(home: Path, tmp_path: Path) -> None:
    """For log shippers: every line parses, with the time, level, logger and the message as it was."""
    config = yaml.safe_load((home / "config.yaml").read_text())
    (home / "config.yaml").write_text(yaml.safe_dump({**config, "owner": "alice"}))  # may submit by path
    forged = '/tmp/x\n{"level": "ERROR"}\x1b[31m\u2028.job'
    port, log = free_port(), tmp_path / "daemon.log"
    env = {**os.environ, "SKYPORT_HOME": str(home)}
    with log.open("wb") as out:
        argv = [sys.executable, "-m", "skyport", "daemon", "--port", str(port), "--log-format", "json"]
        process = subprocess.Popen(argv, env=env, stderr=out)
    try:
        deadline = time.monotonic() + 60
        while not (home / "daemon.url").exists():
            assert process.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.01)
        verify = pki.client_context(home)
        with httpx.Client(base_url=f"https://127.0.0.1:{port}", verify=verify, timeout=30) as client:
            assert client.post("/user/job", params={"path": forged}).status_code == 400
    finally:
        process.terminate()
        assert process.wait(timeout=30) == 0
    lines = log.read_bytes().splitlines()
    assert all(line.isascii() for line in lines)  # no terminal escape, no Unicode line separator
    records = [json.loads(line) for line in lines]
    assert all(set(record) == {"time", "level", "logger", "message"} for record in records), records
    assert all(re.fullmatch(TIMESTAMP, record["time"]) for record in records)
    assert any(record["message"].startswith("skyport daemon serving https://") for record in records)
    (refused,) = [record for record in records if "forged" in record["message"] or ".job" in record["message"]]
    assert refused["level"] == "WARNING" and refused["logger"].endswith(".apps")  # the module that answers
    assert forged in refused["message"]
    assert records[-1]["message"] == "skyport daemon stopped"
