"""Tasks as TES shows them, in the MINIMAL, BASIC and FULL views of spec/tes.yaml."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from skyport.jobs.record import Job
from skyport.jobs.states import TERMINAL
from skyport.store.tes import TaskRecord
from skyport.tes.states import TaskState

TAIL = 64 * 1024  # bytes of an executor's stdout and stderr shown in the FULL view


@dataclasses.dataclass(frozen=True)
class ExecutorRun:
    """One line of the executors' log a task's job writes."""

    index: int
    start: str
    end: str
    exit_code: int


def parse_executor_log(text: str) -> list[ExecutorRun]:
    """The executor runs of a ``tes-executors`` file; lines that do not read are skipped (the job wrote them)."""
    runs = []
    for line in text.splitlines():
        words = line.split()
        if len(words) == 4 and words[0].isdigit() and words[3].lstrip("-").isdigit():
            runs.append(ExecutorRun(int(words[0]), words[1], words[2], int(words[3])))
    return runs


def rfc3339(seconds: float | None) -> str | None:
    if seconds is None:
        return None
    return dt.datetime.fromtimestamp(seconds, dt.UTC).isoformat().replace("+00:00", "Z")


@dataclasses.dataclass(frozen=True)
class Seen:
    """What the job left that a task view shows: its executor runs and their output tails (FULL only)."""

    runs: tuple[ExecutorRun, ...] = ()
    tails: dict[tuple[int, str], str] = dataclasses.field(default_factory=dict)
    contents: dict[int, str] = dataclasses.field(default_factory=dict)  # inputs' content (FULL only)


def task(job: Job, record: TaskRecord, state: TaskState, view: str, seen: Seen) -> dict[str, Any]:
    """The task as ``view`` shows it."""
    if view == "MINIMAL":
        return {"id": job.id, "state": state.value}
    full = view == "FULL"
    shown: dict[str, Any] = {**record.document, "id": job.id, "state": state.value}
    shown["creation_time"] = rfc3339(job.submit_time)
    inputs = []
    for index, stored in enumerate(record.document.get("inputs") or []):
        item = dict(stored)
        if item.pop("has_content", False) and full:
            item["content"] = seen.contents.get(index, "")
        inputs.append(item)
    if inputs:
        shown["inputs"] = inputs
    if job.start_time is not None or job.state in TERMINAL:
        shown["logs"] = [_log(job, record, seen, full)]
    return shown


def _log(job: Job, record: TaskRecord, seen: Seen, full: bool) -> dict[str, Any]:
    executors = []
    for run in seen.runs:
        entry: dict[str, Any] = {"start_time": run.start, "end_time": run.end, "exit_code": run.exit_code}
        if full:
            entry["stdout"] = seen.tails.get((run.index, "stdout"), "")
            entry["stderr"] = seen.tails.get((run.index, "stderr"), "")
        executors.append(entry)
    metadata = {"skyport_job_id": job.id, "skyport_state": job.state.value}
    metadata.update({k: v for k, v in (("site", job.site), ("flavor", job.flavor)) if v})
    if job.node_names:
        metadata["nodes"] = ",".join(job.node_names)
    log: dict[str, Any] = {
        "logs": executors,
        "outputs": (record.delivered or {}).get("files", []),
        "metadata": metadata,
    }
    for key, value in (("start_time", rfc3339(job.start_time)), ("end_time", rfc3339(job.end_time))):
        if value is not None:
            log[key] = value
    if full:
        system = [job.state_details, *record.notes]
        if record.delivered and record.delivered.get("error"):
            system.append(record.delivered["error"])
        log["system_logs"] = system
    return log
