"""Throughput of a real daemon over HTTPS with mTLS: trivial jobs through the local gate, submissions
per second with the daemon's CPU per submit, and the job listing against the size of the store.

Run with numbers: ``.venv/bin/pytest tests/bench/test_throughput.py --benchmark-enable``. Without
``--benchmark-enable`` (the default test run) each benchmark runs once on a smaller load, as a
smoke test. ``SKYPORT_BENCH_JOBS=2000`` runs 2,000 trivial jobs instead of 200;
``SKYPORT_BENCH_STORE=100000`` adds a listing over 100,000 stored jobs to the 100 and 10,000. The
run beside Slurm starts the one-node Slurm of the test fixtures, so it runs only with
``--benchmark-enable``.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from pytest_benchmark.fixture import BenchmarkFixture

from skyport.jobs import script as scripts
from skyport.jobs.record import Job
from skyport.jobs.states import JobState
from skyport.store import Store
from skyport.store import jobs as queries
from tests.conftest import Daemon, running_daemon

from .test_memory import memory

TRUE = b"#!/bin/sh\ntrue\n"
JOBS = int(os.environ.get("SKYPORT_BENCH_JOBS", "200"))
STORED = [100, 10_000, *([int(os.environ["SKYPORT_BENCH_STORE"])] if "SKYPORT_BENCH_STORE" in os.environ else [])]


def load(benchmark: BenchmarkFixture, full: int, smoke: int) -> int:
    """``full`` when measuring, ``smoke`` in the default test run (benchmarks disabled)."""
    return smoke if benchmark.disabled else full


def http(daemon: Daemon) -> httpx.Client:
    return httpx.Client(base_url=daemon.url, verify=daemon.ssl_context(), timeout=120)


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of process ``pid`` so far, from /proc/<pid>/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def submit(client: httpx.Client, script: bytes) -> str:
    response = client.post("/user/job", files={"script_content": ("job.sh", script)})
    response.raise_for_status()
    return response.text


def listed(client: httpx.Client, states: str, limit: int) -> list[dict[str, object]]:
    response = client.get("/user/job", params={"state": states, "limit": limit})
    response.raise_for_status()
    jobs: list[dict[str, object]] = response.json()
    return jobs


def trivial_jobs(daemon: Daemon, count: int) -> tuple[float, float, int]:
    """Submit ``count`` trivial jobs and wait until all are F: (seconds to submit them, seconds to
    all F, how many ended after the last submit). The daemon must be fresh: every job it lists is
    one of these. Polling asks for one active job, so it costs the daemon little."""
    with http(daemon) as client:
        start = time.perf_counter()
        for _ in range(count):
            submit(client, TRUE)
        submitted = time.perf_counter()
        ended_by_then = len(listed(client, "F,E,C", 10_000))
        while listed(client, "Q,W,R,T", 1):
            time.sleep(0.05)
        seconds = time.perf_counter() - start
        assert len(listed(client, "F", 10_000)) == count
        return submitted - start, seconds, count - ended_by_then


def test_trivial_jobs_submit_to_all_finished_and_drain_rate(benchmark: BenchmarkFixture, daemon: Daemon) -> None:
    """(a) First submit to all jobs F through the local gate with 2 CPUs; (d) the drain rate, jobs
    finished per second from the last submit to the last F."""
    count = load(benchmark, JOBS, 20)
    submit_seconds, seconds, drained = benchmark.pedantic(trivial_jobs, args=(daemon, count), rounds=1, iterations=1)
    benchmark.extra_info["jobs"] = count
    benchmark.extra_info["submit_seconds"] = round(submit_seconds, 2)
    benchmark.extra_info["seconds_to_all_finished"] = round(seconds, 2)
    benchmark.extra_info["jobs_per_second"] = round(count / seconds, 1)
    benchmark.extra_info["drain_jobs_per_second"] = round(drained / max(seconds - submit_seconds, 1e-6), 1)


def slurm_trivial_jobs(slurm_conf: str, count: int, logs: Path) -> float:
    """Seconds from the first ``sbatch`` of ``count`` trivial jobs to the last one ending."""
    env = {**os.environ, "SLURM_CONF": slurm_conf}
    logs.mkdir()
    start = time.perf_counter()
    for _ in range(count):
        command = ["sbatch", "--quiet", "--mem=16M", f"--output={logs}/%j.out", "--wrap", "true"]
        subprocess.run(command, env=env, check=True, capture_output=True)
    squeue = ["squeue", "--noheader", "--format=%i"]
    while subprocess.run(squeue, env=env, check=True, capture_output=True, text=True).stdout.strip():
        time.sleep(0.05)
    seconds = time.perf_counter() - start
    assert len(list(logs.glob("*.out"))) == count
    return seconds


@pytest.mark.slurm
def test_trivial_jobs_beside_slurm(
    benchmark: BenchmarkFixture, daemon: Daemon, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """(a) side by side: the same trivial jobs, first submit to all ended, through Skyport's local gate
    and through the one-node Slurm (2 CPUs, like the local site) that the test fixtures start, with
    one sbatch per job; ``extra_info`` has the ratio. Only with --benchmark-enable: it starts Slurm."""
    if benchmark.disabled:
        pytest.skip("a benchmark, run with --benchmark-enable: it starts Slurm")
    slurm_conf = request.getfixturevalue("slurm_cluster")

    def run() -> tuple[float, float]:
        return trivial_jobs(daemon, JOBS)[1], slurm_trivial_jobs(slurm_conf, JOBS, tmp_path / "slurm-logs")

    skyport_seconds, slurm_seconds = benchmark.pedantic(run, rounds=1, iterations=1)
    benchmark.extra_info["jobs"] = JOBS
    benchmark.extra_info["skyport_seconds"] = round(skyport_seconds, 2)
    benchmark.extra_info["slurm_seconds"] = round(slurm_seconds, 2)
    benchmark.extra_info["slurm_to_skyport_ratio"] = round(slurm_seconds / skyport_seconds, 1)


@pytest.mark.parametrize("clients", [1, 16])
def test_submissions_per_second_and_daemon_cpu_per_submit(
    benchmark: BenchmarkFixture, daemon: Daemon, clients: int
) -> None:
    """Submissions per second from ``clients`` concurrent clients, each on its own keep-alive
    connection; the daemon's CPU per submit comes from /proc. The jobs wait behind a blocker, so
    what is measured is accepting them, not running them."""
    assert daemon.process is not None
    pid = daemon.process.pid
    count = load(benchmark, 25 * clients if clients > 1 else 200, 4 * clients)
    with http(daemon) as client:
        blocker = submit(client, b"#!/bin/sh\nsleep 600\n")
    script = f"#!/bin/sh\n#SWM depends {blocker}\ntrue\n".encode()
    latencies: list[float] = []

    def one_client(_: int) -> None:
        with http(daemon) as client:
            for _ in range(count // clients):
                start = time.perf_counter()
                submit(client, script)
                latencies.append(time.perf_counter() - start)

    def run() -> tuple[float, float]:
        cpu = cpu_seconds(pid)
        start = time.perf_counter()
        with ThreadPoolExecutor(clients) as pool:
            list(pool.map(one_client, range(clients)))
        return time.perf_counter() - start, cpu_seconds(pid) - cpu

    seconds, cpu = benchmark.pedantic(run, rounds=1, iterations=1)
    submitted = count // clients * clients
    latencies.sort()
    benchmark.extra_info["clients"] = clients
    benchmark.extra_info["submissions"] = submitted
    benchmark.extra_info["submissions_per_second"] = round(submitted / seconds, 1)
    benchmark.extra_info["daemon_cpu_ms_per_submit"] = round(cpu / submitted * 1000, 2)
    benchmark.extra_info["p50_ms"] = round(statistics.median(latencies) * 1000, 1)
    benchmark.extra_info["p95_ms"] = round(latencies[int(len(latencies) * 0.95)] * 1000, 1)


def fill(home: Path, count: int) -> None:
    """``count`` ended jobs of alice's, written straight into the daemon's store before it starts."""
    request = scripts.parse(TRUE.decode())
    now = time.time()
    rows = [
        Job(
            id=str(uuid.uuid4()),
            owner="alice",
            script=TRUE.decode(),
            request=request,
            submit_time=now - count + i,
            state=JobState.FINISHED,
            state_details="finished",
            site="local",
            start_time=now - count + i,
            end_time=now - count + i + 1,
            exitcode=0,
            gate_done=True,
        )
        for i in range(count)
    ]
    store = Store(f"sqlite:///{home / 'skyport.db'}")
    try:
        store.call(lambda connection: [queries.insert_job(connection, job) for job in rows])
        assert store.call(lambda c: c.execute(sa.text("select count(*) from jobs")).scalar()) == count
    finally:
        store.close()


@pytest.mark.parametrize("stored", STORED, ids=[f"{n}-jobs" for n in STORED])
def test_default_listing_latency_against_jobs_in_the_store(
    benchmark: BenchmarkFixture, home: Path, tmp_path: Path, stored: int
) -> None:
    """GET /user/job with no parameters, as Sky Port's swmclient sends it, with ``stored`` ended jobs
    (at most 1,000 in the default test run)."""
    fill(home, load(benchmark, stored, min(stored, 1_000)))
    with running_daemon(home, tmp_path / "daemon.log") as daemon, http(daemon) as client:
        reads = []
        for _ in range(20):
            start = time.perf_counter()
            client.get("/user/flavor").raise_for_status()
            reads.append(time.perf_counter() - start)
        response = benchmark.pedantic(client.get, args=("/user/job",), rounds=20, warmup_rounds=2)
        response.raise_for_status()
        assert response.json(), "the listing is empty"
        benchmark.extra_info["stored_jobs"] = load(benchmark, stored, min(stored, 1_000))
        benchmark.extra_info["listed_jobs"] = len(response.json())
        benchmark.extra_info["response_kb"] = round(len(response.content) / 1024, 1)
        benchmark.extra_info["flavor_read_median_ms"] = round(statistics.median(reads) * 1000, 2)
        assert daemon.process is not None
        benchmark.extra_info["daemon_rss_mib"] = round(memory(daemon.process.pid)["VmRSS"] / 2**20, 1)
        if benchmark.stats is not None:
            benchmark.extra_info["list_median_ms"] = round(benchmark.stats.stats.median * 1000, 2)
