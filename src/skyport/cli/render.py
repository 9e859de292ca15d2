"""Output in one place: rich tables for people, JSON for scripts."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

import click
from rich.console import Console
from rich.table import Table

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
    if not out.is_terminal:
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
    return moment.strftime("%H:%M:%S" if moment.date() == today else "%Y-%m-%d %H:%M")


def money(value: float | None) -> str:
    return "" if value is None else f"${value:.4f}" if value < 1 else f"${value:.2f}"


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


def job_table(jobs: Sequence[dict[str, Any]]) -> None:
    rows = [
        (
            job["id"],
            job.get("name", ""),
            state(job["state"]),
            when(job.get("submit_time")),
            where(job),
            cost(job),
            job.get("state_details", ""),
        )
        for job in jobs
    ]
    table("Jobs", ("ID", "NAME", "STATE", "SUBMITTED", "WHERE", "COST", "DETAILS"), rows)


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


def job_details(job: dict[str, Any]) -> None:
    resources = ", ".join(f"{r['name']}={r.get('count', 0)}" for r in job.get("request", []))
    lines = [
        ("ID", job["id"]),
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
        ("Comment", job.get("comment")),
    ]
    out = Table(show_header=False, box=None)
    out.add_column(style="bold")
    out.add_column(overflow="fold")
    for label, value in lines:
        if value not in (None, "", []):
            out.add_row(label, str(value))
    console().print(out)
