"""Output in one place: rich tables for people, JSON for scripts."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable, Sequence
from typing import Any

import click
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

STATE_NAMES = {
    "Q": "queued",
    "W": "waiting",
    "R": "running",
    "T": "transferring",
    "F": "finished",
    "E": "error",
    "C": "cancelled",
}
_STATE_STYLES = {"R": "cyan", "F": "green", "E": "red", "C": "yellow", "W": "magenta", "T": "cyan"}


_PIPE_WIDTH = 200  # a pipe or a log file has no width; don't squeeze tables into 80 columns


def console() -> Console:
    out = Console(soft_wrap=False)
    if not out.is_terminal and "COLUMNS" not in os.environ:
        out.width = _PIPE_WIDTH
    return out


def as_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, sort_keys=True))


def when(value: str | None) -> str:
    """An ISO timestamp as local time, short."""
    if not value:
        return ""
    moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone()
    today = dt.datetime.now().astimezone().date()
    if moment.date() == today:
        return moment.strftime("%H:%M:%S")
    return moment.strftime("%m-%d %H:%M" if moment.year == today.year else "%Y-%m-%d %H:%M")


def money(value: float | None) -> str:
    return "" if value is None else f"${value:.4f}" if value < 1 else f"${value:.2f}"


def size(value: int | None) -> str:
    """``51.2M``: bytes in KiB, MiB, GiB or TiB as sacct shows MaxRSS; ``unknown`` for None."""
    if value is None:
        return "unknown"
    amount = value / 1024
    for unit in ("K", "M", "G"):
        if amount < 1024:
            return f"{amount:.1f}{unit}"
        amount /= 1024
    return f"{amount:.1f}T"


def state(letter: str) -> str:
    style = _STATE_STYLES.get(letter, "")
    text = f"{letter} {STATE_NAMES.get(letter, '')}"
    return f"[{style}]{text}[/]" if style else text


def table(title: str | None, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Print a table; an empty one says so."""
    if not rows:
        click.echo(f"No {title.lower() if title else 'rows'}.")
        return
    out = Table(title=title, title_justify="left", header_style="bold")
    for column in columns:
        # IDs are copied into the next command: never fold them.
        out.add_column(column, overflow="fold", no_wrap=column == "ID")
    for row in rows:
        out.add_row(*("" if cell is None else str(cell) for cell in row))
    console().print(out)


def listing(
    items: Sequence[dict[str, Any]],
    json_output: bool,
    title: str,
    columns: Sequence[str],
    row: Callable[[dict[str, Any]], Sequence[Any]],
) -> None:
    """``items`` as JSON (``--json``), else as a table with the row ``row(item)`` of each."""
    if json_output:
        as_json(items)
    else:
        table(title, columns, [row(item) for item in items])


SHORT_ID = 8  # the fewest characters of a job ID tables show


def short_ids(ids: Sequence[str]) -> dict[str, str]:
    """Each of ``ids`` cut to its shortest start that no other has, and at least SHORT_ID long."""
    ordered = sorted(ids)
    shared = [0] * len(ordered)  # how long a start each ID shares with its neighbours
    for i in range(1, len(ordered)):
        before, this = ordered[i - 1], ordered[i]
        common = next((k for k, (a, b) in enumerate(zip(before, this, strict=False)) if a != b), len(before))
        shared[i - 1] = max(shared[i - 1], common)
        shared[i] = max(shared[i], common)
    return {job_id: job_id[: max(SHORT_ID, length + 1)] for job_id, length in zip(ordered, shared, strict=True)}


def job_table(jobs: Sequence[dict[str, Any]], short: dict[str, str]) -> None:
    """The jobs, one a line that fits the terminal: IDs cut to ``short`` but whole, other cells cut with "…".

    Rich narrows only columns that may wrap, so NAME, WHERE and DETAILS are such columns whose cells
    never wrap but end in "…"; the others keep their width.
    """
    if not jobs:
        click.echo("No jobs.")
        return
    out = Table(
        title="Jobs",
        title_justify="left",
        header_style="bold",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        collapse_padding=True,
    )
    out.add_column("ID", no_wrap=True, min_width=max(len(short[j["id"]]) for j in jobs))
    out.add_column("NAME", max_width=24)
    out.add_column("STATE", no_wrap=True, min_width=10)
    out.add_column("SUBMITTED", no_wrap=True, min_width=8)
    out.add_column("WHERE")
    out.add_column("COST", no_wrap=True)
    out.add_column("DETAILS")
    for job in jobs:
        out.add_row(
            short[job["id"]],
            _cut(job.get("name", "")),
            state(job["state"]),
            when(job.get("submit_time")),
            _cut(where(job)),
            cost(job),
            _cut(job.get("state_details", "")),
        )
    console().print(out)


def _cut(text: str) -> Text:
    return Text(text, no_wrap=True, overflow="ellipsis")


def cost(job: dict[str, Any]) -> str:
    """What the job cost so far, or "~" what it is expected to cost when it has not started."""
    if job.get("state") in ("Q", "W") and job.get("estimated_cost") is not None:
        return f"~{money(job['estimated_cost'])}"
    return money(job.get("cost"))


def where(job: dict[str, Any]) -> str:
    if job.get("state") in ("Q", "W") and job.get("placement"):
        start = when(job.get("planned_start_time"))
        return f"{job['placement']} at {start}" if start else str(job["placement"])
    return str(job.get("remote_name", ""))


def job_details(job: dict[str, Any], missing_outputs: Sequence[str] = ()) -> None:
    resources = ", ".join(f"{r['name']}={r.get('count', 0)}" for r in job.get("request", []))
    array = f"{job['array_id']} task {job.get('array_task_id')} of {job.get('array')}" if job.get("array_id") else None
    lines = [
        ("ID", job["id"]),
        ("Array", array),
        ("Name", job.get("name")),
        ("Owner", job.get("owner")),
        ("State", state(job["state"])),
        ("Details", job.get("state_details")),
        ("Submitted", when(job.get("submit_time"))),
        ("Started", when(job.get("start_time"))),
        ("Ended", when(job.get("end_time"))),
        ("Duration", f"{job['duration']} s" if job.get("duration") is not None else None),
        ("Exit code", job.get("exitcode")),
        ("Signal", job.get("signal")),
        ("Request", resources),
        ("Site", job.get("remote_name")),
        ("Flavor", job.get("flavor_name")),
        ("Nodes", ", ".join(job.get("node_names", []))),
        ("Planned start", when(job.get("planned_start_time"))),
        ("Placement", job.get("placement")),
        ("Estimated cost", money(job.get("estimated_cost"))),
        ("Cost", money(job.get("cost"))),
        ("Inputs", ", ".join(job.get("input_files", []))),
        ("Outputs", ", ".join(job.get("output_files", []))),
        ("Not produced", ", ".join(missing_outputs)),
        ("Stdout to", job.get("stdout_file")),
        ("Stderr to", job.get("stderr_file")),
        ("Comment", job.get("comment")),
        ("Ignored #SBATCH", ", ".join(job.get("ignored_directives", []))),
    ]
    out = Table(show_header=False, box=None)
    out.add_column(style="bold")
    out.add_column(overflow="fold")
    for label, value in lines:
        if value not in (None, "", []):
            out.add_row(label, str(value))
    console().print(out)
