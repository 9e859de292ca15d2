"""The daemon on PostgreSQL: a real server started by the tests (tests/conftest.py ``postgres_url``).

Same lifecycle as on SQLite, including a SIGKILL of the daemon mid-run.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
import yaml
from skyport_client import Client
from skyport_client.api.jobs import get_job, job_stdout, list_jobs

from tests.conftest import Daemon, running_daemon
from tests.e2e.test_jobs import submit, wait_for

pytestmark = pytest.mark.postgres


@pytest.fixture
def postgres_daemon(home: Path, tmp_path: Path, postgres_url: str) -> Iterator[Daemon]:
    """A daemon whose store is a fresh database of the test PostgreSQL server."""
    database = f"skyport_{uuid.uuid4().hex[:12]}"
    server = postgres_url.rsplit("/", 1)[0]  # postgresql+psycopg://user@host:port
    with psycopg.connect(f"{server.replace('+psycopg', '')}/postgres", autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {database}")
    config = yaml.safe_load((home / "config.yaml").read_text())
    (home / "config.yaml").write_text(yaml.safe_dump({**config, "store": f"{server}/{database}"}))
    with running_daemon(home, tmp_path / "daemon.log") as daemon:
        yield daemon


def test_jobs_run_and_survive_a_killed_daemon_on_postgres(postgres_daemon: Daemon) -> None:
    assert not (postgres_daemon.home / "skyport.db").exists()  # the store really is PostgreSQL
    with Client(postgres_daemon.url, ssl_context=postgres_daemon.ssl_context()) as client:
        done = submit(client, "#!/bin/sh\necho on postgres\n")
        assert wait_for(client, done)["state"] == "F"
        running = submit(client, "#!/bin/sh\nsleep 2\necho survived\n")
        wait_for(client, running, "R")
    postgres_daemon.kill()
    postgres_daemon.start()
    with Client(postgres_daemon.url, ssl_context=postgres_daemon.ssl_context()) as client:
        assert wait_for(client, running)["state"] == "F"
        assert job_stdout.sync(client=client, job_id=running) == b"survived\n"
        assert get_job.sync(client=client, job_id=done).state == "F"
        assert {job.id for job in list_jobs.sync(client=client)} == {done, running}
