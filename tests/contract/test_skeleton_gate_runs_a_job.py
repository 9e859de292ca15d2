"""A gate written from the generated skeleton runs a job for a real daemon.

`skyport codegen gate-skeleton memgate` writes the project; the test puts in the handlers a gate
author would write (tests/fixtures/memgate_handlers.py: state in memory, jobs run with ``sh``),
serves the gate over HTTPS with mutual TLS on loopback, and points a daemon's site at its URL.
Then a job with an input file goes in through the daemon and its results come back.
"""

from __future__ import annotations

import importlib
import shutil
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from click.testing import CliRunner
from skyport_client import Client
from skyport_client.api.jobs import download_job_file, get_job, job_stdout, submit_job
from skyport_gate_sdk.serve import server_config

from skyport.codegen.cli import codegen
from skyport.core.loop import MAX_ATTEMPTS
from tests.conftest import Daemon, free_port, running_daemon

FILLED = Path(__file__).parents[1] / "fixtures" / "memgate_handlers.py"


@pytest.fixture
def memgate_settings() -> dict[str, str]:
    """The memgate site's settings; a test parametrizes this name to change them."""
    return {"name": "mem"}


@pytest.fixture
def memgate_url(home: Path, tmp_path: Path, memgate_settings: dict[str, str]) -> Iterator[str]:
    """The filled-in skeleton served on 127.0.0.1 with the home's server certificate; always stopped."""
    out = tmp_path / "memgate"
    result = CliRunner().invoke(codegen, ["gate-skeleton", "memgate", "--out", str(out)])
    assert result.exit_code == 0, result.output
    shutil.copy(FILLED, out / "skyport_gate_memgate" / "handlers.py")
    sys.path.insert(0, str(out))
    try:
        app = importlib.import_module("skyport_gate_memgate").create_app(memgate_settings)
        port = free_port()
        server = uvicorn.Server(server_config(app, home, "127.0.0.1", port))
        thread = threading.Thread(target=server.run, name="memgate", daemon=True)
        thread.start()
        deadline = time.monotonic() + 30
        while not server.started:
            assert thread.is_alive() and time.monotonic() < deadline, "the memgate gate did not start"
            time.sleep(0.02)
        yield f"https://127.0.0.1:{port}"
        server.should_exit = True
        thread.join(10)
    finally:
        sys.path.remove(str(out))
        for name in [m for m in sys.modules if m.startswith("skyport_gate_memgate")]:
            del sys.modules[name]


@pytest.fixture
def memgate_daemon(home: Path, tmp_path: Path, memgate_url: str) -> Iterator[Daemon]:
    """A daemon whose only site is the memgate gate, reached by URL."""
    with running_daemon(home, tmp_path / "daemon.log", [{"name": "mem", "kind": "memgate", "url": memgate_url}]) as d:
        yield d


def test_a_job_runs_through_a_gate_built_from_the_skeleton(memgate_daemon: Daemon) -> None:
    script = b"#!/bin/sh\n#SWM input in.txt\n#SWM output out.txt\nsort in.txt > out.txt\necho sorted on $SKYPORT_USER\n"
    with Client(memgate_daemon.url, ssl_context=memgate_daemon.ssl_context()) as client:
        job_id = submit_job.sync(client=client, script_content=script, input_files=[("in.txt", b"b\nc\na\n")]).decode()
        deadline = time.monotonic() + 60
        while (job := get_job.sync(client=client, job_id=job_id)).state not in "FEC":
            assert time.monotonic() < deadline, job.state_details
            time.sleep(0.05)
        assert (job.state, job.remote_name, job.flavor_name) == ("F", "mem", "mem.small"), job.state_details
        assert job_stdout.sync(client=client, job_id=job_id) == b"sorted on alice\n"
        assert download_job_file.sync(client=client, job_id=job_id, name="out.txt") == b"a\nb\nc\n"


@pytest.mark.parametrize("memgate_settings", [{"name": "mem", "refuse": "rm -rf"}])
def test_a_job_the_gate_refuses_ends_in_error_after_bounded_tries_and_the_next_one_runs(
    memgate_daemon: Daemon,
) -> None:
    """The gate's 400 at start is final: a few tries with a pause between, then E with its words.

    The log says so once per try, not once per pass, and the job behind it runs meanwhile.
    """
    with Client(memgate_daemon.url, ssl_context=memgate_daemon.ssl_context()) as client:
        refused = submit_job.sync(client=client, script_content=b"#!/bin/sh\nrm -rf scratch\n").decode()
        fine = submit_job.sync(client=client, script_content=b"#!/bin/sh\necho fine\n").decode()
        deadline = time.monotonic() + 60
        while (job := get_job.sync(client=client, job_id=refused)).state not in "FEC":
            assert time.monotonic() < deadline, job.state_details
            time.sleep(0.05)
        assert job.state == "E"
        assert "refuses scripts that contain 'rm -rf'" in job.state_details
        assert f"tried {MAX_ATTEMPTS} times" in job.state_details
        while (behind := get_job.sync(client=client, job_id=fine)).state not in "FEC":
            assert time.monotonic() < deadline, behind.state_details
            time.sleep(0.05)
        assert behind.state == "F", behind.state_details
        time.sleep(2)  # passes go on: nothing more may be logged about the refused job
    lines = [line for line in memgate_daemon.log.read_text().splitlines() if refused in line and "refuses" in line]
    assert MAX_ATTEMPTS <= len(lines) <= MAX_ATTEMPTS + 1, lines


@pytest.mark.parametrize("memgate_settings", [{"name": "mem", "no_partitions": "the account is closed"}])
def test_a_partition_the_gate_refuses_ends_the_job_in_error_after_bounded_tries(memgate_daemon: Daemon) -> None:
    with Client(memgate_daemon.url, ssl_context=memgate_daemon.ssl_context()) as client:
        job_id = submit_job.sync(client=client, script_content=b"#!/bin/sh\necho never\n").decode()
        deadline = time.monotonic() + 60
        while (job := get_job.sync(client=client, job_id=job_id)).state not in "FEC":
            assert time.monotonic() < deadline, job.state_details
            time.sleep(0.05)
        assert job.state == "E"
        assert "could not create its partition" in job.state_details, job.state_details
        assert "the account is closed" in job.state_details and f"tried {MAX_ATTEMPTS} times" in job.state_details
        time.sleep(2)  # passes go on: the refused partition is not asked for again
    lines = [line for line in memgate_daemon.log.read_text().splitlines() if "the account is closed" in line]
    assert MAX_ATTEMPTS <= len(lines) <= MAX_ATTEMPTS + 1, lines
