"""How fast the ``skyport`` command starts: ``--version`` and ``jobs``, against ``python -c pass``.

Each command's module is imported only when that command runs (``_COMMANDS`` in
src/skyport/cli/__init__.py), so ``skyport jobs`` loads the generated client, httpx and rich, and
neither the core, the PKI (cryptography), YAML, the job-script parser, codegen nor httpx's own
command line; ``skyport --version`` loads click alone. The aim (issue 11) is ``skyport jobs``
within 5x the start of a bare interpreter of the same venv, the TLS handshake with the daemon
and the listing included. Each round runs ``python -c pass`` first (not timed by the benchmark)
and the command right after, so both see the same machine (with bytecode cached, as when
installed); ``extra_info`` has both medians, their ratio, and the slowest imports by
``python -X importtime``.

Run with numbers: ``.venv/bin/pytest tests/bench/test_cli_start.py --benchmark-enable``; without
``--benchmark-enable`` each runs once, as a smoke test.
"""

from __future__ import annotations

import subprocess
import sys
import time
from statistics import median

import pytest
from pytest_benchmark.fixture import BenchmarkFixture
from skyport_client import Client
from skyport_client.api.jobs import submit_job

from tests.conftest import Daemon
from tests.e2e.test_cli import import_times, skyport

ROUNDS = 20


@pytest.fixture(autouse=True)
def _bytecode_cached(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let the commands write and read their .pyc files, as an installed skyport does: under
    PYTHONDONTWRITEBYTECODE each run would compile every module of the source tree again."""
    monkeypatch.delenv("PYTHONDONTWRITEBYTECODE", raising=False)


def _bare_start(seconds: list[float]) -> None:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    seconds.append(time.perf_counter() - start)


def _slowest_imports(daemon: Daemon | None, *args: str, count: int = 6) -> tuple[float, list[str]]:
    """Total import time in ms of ``skyport ARGS``, and its ``count`` slowest top-level imports."""
    top = sorted(((ms, name) for ms, name in import_times(daemon, *args) if not name.startswith(" ")), reverse=True)
    return round(sum(ms for ms, _ in top), 1), [f"{name} {ms:.1f} ms" for ms, name in top[:count]]


def _report(benchmark: BenchmarkFixture, bare: list[float], imports: tuple[float, list[str]]) -> None:
    if benchmark.stats is None:
        return
    command = benchmark.stats.stats.median
    benchmark.extra_info["bare_python_ms"] = round(median(bare) * 1000, 1)
    benchmark.extra_info["command_ms"] = round(command * 1000, 1)
    benchmark.extra_info["ratio_to_bare_python"] = round(command / median(bare), 2)
    benchmark.extra_info["import_ms"], benchmark.extra_info["slowest_imports"] = imports


def test_skyport_version_against_a_bare_interpreter(benchmark: BenchmarkFixture) -> None:
    bare: list[float] = []
    result = benchmark.pedantic(
        lambda: skyport(None, "--version"), setup=lambda: _bare_start(bare), rounds=ROUNDS, warmup_rounds=1
    )
    assert result.stdout.startswith("skyport, version ")
    _report(benchmark, bare, _slowest_imports(None, "--version"))


def test_skyport_jobs_against_a_bare_interpreter(benchmark: BenchmarkFixture, daemon: Daemon, client: Client) -> None:
    """``skyport jobs`` listing three jobs: connect, TLS handshake, one request, a table."""
    ids = [submit_job.sync(client=client, script_content=b"#!/bin/sh\ntrue\n").decode() for _ in range(3)]
    bare: list[float] = []
    result = benchmark.pedantic(
        lambda: skyport(daemon, "jobs"), setup=lambda: _bare_start(bare), rounds=ROUNDS, warmup_rounds=1
    )
    assert all(job_id[:8] in result.stdout for job_id in ids), result.stdout
    _report(benchmark, bare, _slowest_imports(daemon, "jobs"))
