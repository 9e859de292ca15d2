"""The daemon's memory under upload load: 50 parallel submissions of a 9 MiB input each.

Uploads are streamed to disk (spooled by the multipart parser, copied into the job's folder in
chunks), so the daemon's peak resident memory stays within ~100 MB of its idle size however big
the uploads are: measured 88 to 98 MiB over an idle 106 MiB, the same with 36 MiB inputs, and
half of it with 25 uploads. What remains is ~1.8 MiB per upload in flight of asyncio's TLS and
uvicorn's read buffers; before, the daemon held every upload whole, twice (1 GB for this load).
The numbers come from /proc/<daemon pid>/status: VmRSS when idle, VmHWM (the peak, reset just
before the load by writing 5 to clear_refs) after it. The jobs wait behind a running one, so
what is measured is the uploads, not the staging of inputs to the gate.

Run with numbers: ``.venv/bin/pytest tests/bench/test_memory.py --benchmark-enable``; without
``--benchmark-enable`` it runs once, as a test of the bound.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from pytest_benchmark.fixture import BenchmarkFixture

from tests.conftest import Daemon

UPLOADS = 50
INPUT_SIZE = 9 * 1024 * 1024
BOUND = 120 * 1024 * 1024  # peak over idle, in bytes: ~100 MB, with room for a busy machine


def memory(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM of process ``pid``, in bytes."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines())
    return {key: int(fields[key].split()[0]) * 1024 for key in ("VmRSS", "VmHWM")}


def test_peak_memory_of_50_parallel_9_mib_uploads(benchmark: BenchmarkFixture, daemon: Daemon) -> None:
    assert daemon.process is not None
    pid = daemon.process.pid
    data = os.urandom(INPUT_SIZE)

    def client() -> httpx.Client:
        return httpx.Client(base_url=daemon.url, verify=daemon.ssl_context(), timeout=120)

    with client() as http:
        blocker = http.post("/user/job", files={"script_content": ("block.sh", b"#!/bin/sh\nsleep 600\n")}).text
        script = f"#!/bin/sh\n#SWM depends {blocker}\n#SWM input data.bin\ntrue\n".encode()
        http.post("/user/job", files=[("script_content", ("job.sh", script)), ("input_files", ("data.bin", b"x"))])

    def upload(_: int) -> str:
        with client() as http:
            files = [("script_content", ("job.sh", script)), ("input_files", ("data.bin", data))]
            response = http.post("/user/job", files=files)
            response.raise_for_status()
            return response.text

    def load() -> tuple[int, int]:
        Path(f"/proc/{pid}/clear_refs").write_text("5")  # VmHWM := VmRSS
        idle = memory(pid)["VmRSS"]
        with ThreadPoolExecutor(UPLOADS) as pool:
            ids = list(pool.map(upload, range(UPLOADS)))
        assert len(set(ids)) == UPLOADS
        return idle, memory(pid)["VmHWM"]

    idle, peak = benchmark.pedantic(load, rounds=1, iterations=1)
    benchmark.extra_info["idle_rss_mib"] = round(idle / 2**20, 1)
    benchmark.extra_info["peak_rss_mib"] = round(peak / 2**20, 1)
    benchmark.extra_info["peak_over_idle_mib"] = round((peak - idle) / 2**20, 1)
    assert peak - idle < BOUND, f"idle {idle / 2**20:.0f} MiB, peak {peak / 2**20:.0f} MiB"
    stored = sorted((daemon.home / "jobs").glob("*/inputs/data.bin"))
    assert sum(path.stat().st_size == INPUT_SIZE for path in stored) == UPLOADS
