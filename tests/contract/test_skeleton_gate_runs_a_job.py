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

from skyport.codegen.cli import codegen
from skyport.core.daemon import server_config
from tests.conftest import Daemon, free_port, running_daemon

FILLED = Path(__file__).parents[1] / "fixtures" / "memgate_handlers.py"


@pytest.fixture
def memgate_url(home: Path, tmp_path: Path) -> Iterator[str]:
    """The filled-in skeleton served on 127.0.0.1 with the home's server certificate; always stopped."""
    out = tmp_path / "memgate"
    result = CliRunner().invoke(codegen, ["gate-skeleton", "memgate", "--out", str(out)])
    assert result.exit_code == 0, result.output
    shutil.copy(FILLED, out / "skyport_gate_memgate" / "handlers.py")
    sys.path.insert(0, str(out))
    try:
        app = importlib.import_module("skyport_gate_memgate").create_app({"name": "mem"})
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
