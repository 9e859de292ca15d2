"""What the cloud sites' end-to-end tests (aws, azure, openstack) share: the site in a daemon's config
and a job that reverses an input file, submitted, fetched and priced."""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import Daemon
from tests.e2e.test_cli import skyport


def site(kind: str, settings: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """The site ``kind`` (also its name) of a daemon's config: the gate's settings less what the core adds."""
    kept = {key: value for key, value in settings.items() if key not in ("name", "state_dir")}
    return {"name": kind, "kind": kind, "settings": {**kept, **changes}}


def seconds(value: str) -> float:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


def reverse_job(daemon: Daemon, tmp_path: Path, kind: str, flavor: str, *, price: float, pause: int) -> dict[str, Any]:
    """Submit a job that reverses an input file on the site ``kind`` and sleeps ``pause`` seconds; once it
    finished, check its log, its fetched output and its cost at ``price`` per hour, and give it."""
    script = tmp_path / "reverse.job"
    script.write_text(
        f"#!/bin/sh\n#SWM name {kind}-reverse\n#SWM site {kind}\n#SWM flavor {flavor}\n"
        "#SWM input words.txt\n#SWM output reversed.txt\n"
        f'tac words.txt > reversed.txt\nsleep {pause}\necho "reversed $(wc -l < words.txt) lines"\n'
    )
    (tmp_path / "words.txt").write_text("one\ntwo\nthree\n")

    job: dict[str, Any] = json.loads(skyport(daemon, "--json", "submit", str(script), "--wait", check=False).stdout)

    assert job["state"] == "F", job["state_details"]
    assert (job["remote_name"], job["flavor_name"]) == (kind, flavor)
    assert skyport(daemon, "logs", job["id"]).stdout == "reversed 3 lines\n"
    dest = tmp_path / "results"
    skyport(daemon, "fetch", job["id"], "--dest", str(dest))
    assert (dest / "reversed.txt").read_text() == "three\ntwo\none\n"
    ran_hours = (seconds(job["end_time"]) - seconds(job["start_time"])) / 3600
    assert job["cost"] == pytest.approx(price * ran_hours, abs=2e-6)
    assert job["cost"] > 0
    return job


def details_until_ended(daemon: Daemon, job_id: str) -> tuple[dict[str, Any], list[str]]:
    """The ended job, and every state_details it showed while waiting for its partition."""
    seen: list[str] = []
    deadline = time.monotonic() + 60
    with httpx.Client(base_url=daemon.url, verify=daemon.ssl_context()) as http:
        while (job := http.get(f"/user/job/{job_id}").json())["state"] not in "FEC":
            if job["state"] == "W" and job["state_details"] not in seen:
                seen.append(job["state_details"])
            assert time.monotonic() < deadline, job
            time.sleep(0.05)
    return job, seen
