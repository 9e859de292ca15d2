"""Outputs of local jobs come back without following links, a range at a time."""

from __future__ import annotations

import httpx
from local_gate_support import wait_for

MAX_RANGE = 64 * 1024 * 1024


def start(gate: httpx.Client, job_id: str, script: str, outputs: list[str]) -> None:
    body = {"id": job_id, "partition_id": "p1", "script": script, "outputs": outputs}
    gate.post("/jobs", json=body).raise_for_status()


def test_an_output_linked_into_another_jobs_folder_is_refused_with_a_404_saying_why(gate: httpx.Client) -> None:
    start(gate, "victim", "echo the victim's secret > secret.txt", ["secret.txt"])
    wait_for(gate, "victim", "finished")
    start(gate, "thief", "ln -s ../../victim/work/secret.txt out.txt", ["out.txt"])
    wait_for(gate, "thief", "finished")

    listed = gate.get("/jobs/thief/outputs").json()
    assert listed == [{"name": "out.txt", "size": 0, "kind": "output", "refused": "it is a symbolic link"}]
    answer = gate.get("/jobs/thief/outputs/out.txt")
    assert answer.status_code == 404
    assert "refused: it is a symbolic link" in answer.json()["detail"]
    assert b"secret" not in answer.content


def test_a_large_output_comes_back_in_ranges_no_longer_than_asked(gate: httpx.Client) -> None:
    start(gate, "big", "head -c 20000000 /dev/zero > big.bin", ["big.bin"])
    wait_for(gate, "big", "finished")

    assert gate.get("/jobs/big/outputs").json() == [{"name": "big.bin", "size": 20_000_000, "kind": "output"}]
    assert len(gate.get("/jobs/big/outputs/big.bin").content) == 8 * 1024 * 1024  # the default range
    sizes = [
        len(gate.get("/jobs/big/outputs/big.bin", params={"offset": o, "length": 7_000_000}).content)
        for o in (0, 7_000_000, 14_000_000, 21_000_000)
    ]
    assert sizes == [7_000_000, 7_000_000, 6_000_000, 0]
    too_long = gate.get("/jobs/big/outputs/big.bin", params={"length": MAX_RANGE + 1})
    assert too_long.status_code == 400
    assert too_long.headers["content-type"].startswith("application/problem+json")
