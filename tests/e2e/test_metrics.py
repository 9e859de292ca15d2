"""Prometheus metrics of a real daemon running jobs through the local gate, scraped over mutual TLS
(and over plain HTTP on loopback with ``metrics_listen``) and read with prometheus_client's parser."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from prometheus_client.parser import text_string_to_metric_families
from skyport_client import Client
from skyport_client.api.jobs import cancel_job
from skyport_client.api.metrics import get_metrics
from skyport_client.api.tokens import create_token
from skyport_client.api.usage import usage_totals
from skyport_client.errors import ApiError
from skyport_client.models import TokenRequest, UsageTotalsBy
from skyport_client.tls import context_for_token

from skyport import pki
from tests.conftest import TEST_USERS, Daemon, free_port, running_daemon
from tests.e2e.test_jobs import submit, wait_for

PRICE = 3600.0  # per node-hour: a job of one node costs what it ran, in seconds
Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def scrape(text: str) -> Samples:
    """Every sample by name and labels."""
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    """The sample ``name`` with exactly ``labels``; 0 when there is none."""
    return samples.get((name, frozenset(labels.items())), 0.0)


def total(samples: Samples, name: str, **labels: str) -> float:
    """The sum of the samples ``name`` whose labels include ``labels``."""
    wanted = set(labels.items())
    return sum(v for (n, have), v in samples.items() if n == name and wanted <= have)


@pytest.fixture
def priced(home: Path, tmp_path: Path) -> Iterator[Daemon]:
    """A daemon whose local site charges PRICE per node-hour, beside a site whose gate is down."""
    local = {"cpus": 2, "mem": 2048, "users": TEST_USERS, "read_only": sorted({sys.prefix, sys.base_prefix})}
    sites = [
        {"name": "local", "kind": "local", "settings": {**local, "price": PRICE}},
        {"name": "down", "kind": "local", "url": f"https://127.0.0.1:{free_port()}"},  # nothing listens there
    ]
    with running_daemon(home, tmp_path / "daemon.log", sites) as daemon:
        yield daemon


def test_metrics_count_the_jobs_the_gate_requests_and_the_spend(priced: Daemon) -> None:
    with Client(priced.url, ssl_context=priced.ssl_context()) as client:
        finished = [submit(client, "#!/bin/sh\nsleep 0.2\n") for _ in range(3)]
        failed = submit(client, "#!/bin/sh\nexit 3\n")
        running = submit(client, "#!/bin/sh\nsleep 60\n")
        for job_id in [*finished, failed]:
            wait_for(client, job_id)
        wait_for(client, running, "R")
        during = scrape(get_metrics.sync(client=client))
        cancel_job.sync(client=client, job_id=running)
        wait_for(client, running)
        after = scrape(get_metrics.sync(client=client))
        deadline = time.monotonic() + 60
        while total(gone := scrape(get_metrics.sync(client=client)), "skyport_partitions", site="local"):
            assert time.monotonic() < deadline, "the idle partition was not deleted"  # after idle_timeout
            time.sleep(0.5)
        (totals,) = usage_totals.sync(client=client, by=UsageTotalsBy.ACCOUNT)

    assert value(during, "skyport_jobs", state="R", site="local") == 1
    assert value(during, "skyport_jobs", state="Q", site="") == 0
    assert value(during, "skyport_nodes", state="ready", site="local") >= 1
    assert value(during, "skyport_partitions", state="ready", site="local") >= 1
    assert value(during, "skyport_running_cost", site="local", account="alice") > 0

    assert value(after, "skyport_jobs_submitted_total") == 5
    assert value(after, "skyport_jobs_ended_total", state="F", site="local") == 3
    assert value(after, "skyport_jobs_ended_total", state="E", site="local") == 1
    assert value(after, "skyport_jobs_ended_total", state="C", site="local") == 1
    assert value(after, "skyport_jobs", state="R", site="local") == 0
    assert value(after, "skyport_job_queue_wait_seconds_count", site="local") == 5
    assert value(after, "skyport_job_run_seconds_count", state="F", site="local") == 3
    assert value(after, "skyport_job_run_seconds_sum", state="F", site="local") >= 3 * 0.2
    assert value(after, "skyport_store_seconds_count", query="group_commit") == 5
    assert value(after, "skyport_scheduling_pass_seconds_count") > 0
    assert value(after, "skyport_plan_seconds_count") > 0
    assert total(after, "skyport_gate_request_seconds_count", site="local", operation="start_jobs") >= 1
    # The site whose gate is down: each request failed, and says how.
    refused = value(after, "skyport_gate_errors_total", site="down", operation="get_site", kind="unreachable")
    assert refused >= 1
    assert value(after, "skyport_gate_request_seconds_count", site="down", operation="get_site") == refused
    assert total(after, "skyport_gate_errors_total", site="local") == 0
    # One node-hour costs PRICE: what alice's runs cost is what they ran, in seconds.
    ran = total(after, "skyport_job_run_seconds_sum", site="local")
    assert value(after, "skyport_spend_total", site="local", account="alice", kind="run") == pytest.approx(ran)
    # Once the partition left idle is deleted, its idle time is spend too: as much as `skyport usage` says.
    idle = value(gone, "skyport_spend_total", site="local", account="alice", kind="idle")
    assert idle > 0
    assert totals.key == "alice" and totals.idle_cost == pytest.approx(idle)
    assert totals.cost == pytest.approx(total(gone, "skyport_spend_total", account="alice"))


def test_the_owner_reads_them_with_a_token_and_another_user_may_not_read_them(daemon: Daemon) -> None:
    with Client(daemon.url, ssl_context=daemon.ssl_context()) as alice:
        token = create_token.sync(client=alice, body=TokenRequest(name="prometheus")).token
    with Client(daemon.url, ssl_context=context_for_token(daemon.home), token=token) as prometheus:
        assert "skyport_jobs_submitted_total 0.0" in get_metrics.sync(client=prometheus).splitlines()
    folder = pki.issue_user(daemon.home, "bob")
    with Client(daemon.url, ssl_context=daemon.ssl_context(folder / "cert.pem", folder / "key.pem")) as bob:
        with pytest.raises(ApiError) as refused:
            get_metrics.sync(client=bob)
    assert refused.value.status_code == 403
    assert "only the daemon's owner (alice)" in refused.value.detail


def test_metrics_listen_serves_them_over_plain_http_on_loopback(home: Path, tmp_path: Path) -> None:
    port = free_port()
    config = yaml.safe_load((home / "config.yaml").read_text())
    (home / "config.yaml").write_text(yaml.safe_dump({**config, "metrics_listen": f"127.0.0.1:{port}"}))
    with running_daemon(home, tmp_path / "daemon.log") as daemon:
        with Client(daemon.url, ssl_context=daemon.ssl_context()) as client:
            wait_for(client, submit(client, "#!/bin/sh\ntrue\n"))
        deadline = time.monotonic() + 10
        while True:  # the daemon listens for terminals first
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as answer:
                    samples = scrape(answer.read().decode())
                    break
            except urllib.error.URLError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        with pytest.raises(urllib.error.HTTPError) as elsewhere:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/user/job", timeout=5)
        elsewhere.value.close()
    assert value(samples, "skyport_jobs_submitted_total") == 1
    assert value(samples, "skyport_jobs_ended_total", state="F", site="local") == 1
    assert elsewhere.value.code == 404


def test_a_metrics_listen_address_other_than_loopback_stops_the_start_saying_why(home: Path) -> None:
    config = yaml.safe_load((home / "config.yaml").read_text())
    (home / "config.yaml").write_text(yaml.safe_dump({**config, "metrics_listen": "0.0.0.0:9464"}))
    started = subprocess.run(
        [sys.executable, "-m", "skyport", "daemon", "--port", str(free_port())],
        env={**os.environ, "SKYPORT_HOME": str(home)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert started.returncode == 1
    assert "metrics_listen is '0.0.0.0:9464'" in started.stderr
    assert "127.0.0.1:9464" in started.stderr
    assert not (home / "daemon.url").exists()
