"""``skyport submit``, ``jobs``, ``show``, ``cancel``, ``requeue``, ``logs``, ``fetch``, ``timetable``."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import click
from skyport_client import Client
from skyport_client.api.jobs import (
    cancel_job,
    download_job_file,
    get_job,
    job_stderr,
    job_stdout,
    list_job_files,
    list_jobs,
    modify_job,
    submit_job,
)
from skyport_client.api.timetable import get_timetable
from skyport_client.models import JobState, ModifyJobModification

from skyport.cli import render
from skyport.cli.context import Context
from skyport.jobs.script import decode, parse

ENDED = {"F", "E", "C"}
_POLL = 0.5


def _declared_inputs(folder: Path, script: bytes) -> list[Path]:
    """Input files the script declares that exist on this machine (relative to ``folder``)."""
    found = []
    for declared in parse(decode(script)).inputs:
        path = Path(declared).expanduser()
        path = path if path.is_absolute() else folder / path
        if path.is_file():
            found.append(path)
    return found


def _job(client: Client, job_id: str) -> dict[str, Any]:
    result: dict[str, Any] = get_job.sync(client=client, job_id=job_id).to_dict()
    return result


def _wait(client: Client, job_id: str, as_json: bool) -> dict[str, Any]:
    """Poll the job until it ends, showing its state as it changes."""
    job = _job(client, job_id)
    if as_json:
        while job["state"] not in ENDED:
            time.sleep(_POLL)
            job = _job(client, job_id)
        return job
    with render.console().status(f"{job_id}: {render.STATE_NAMES[job['state']]}") as status:
        while job["state"] not in ENDED:
            time.sleep(_POLL)
            job = _job(client, job_id)
            status.update(f"{job_id}: {render.STATE_NAMES[job['state']]} - {job.get('state_details', '')}")
    return job


@click.command()
@click.argument("script", type=click.Path(exists=True, dir_okay=False, allow_dash=True, path_type=Path))
@click.option(
    "-i",
    "--input",
    "inputs",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Input file to stage into the job's work directory (repeatable). Files named by the "
    "script's '#SWM input' lines are sent too when they exist here.",
)
@click.option("--wait", is_flag=True, help="Wait until the job ends; exit 0 only if it finished (F).")
@click.pass_obj
def submit(obj: Context, script: Path, inputs: tuple[Path, ...], wait: bool) -> None:
    """Submit the job script SCRIPT (- reads it from standard input) and print the new job's ID."""
    from_stdin = str(script) == "-"
    content = sys.stdin.buffer.read() if from_stdin else script.read_bytes()
    declared = _declared_inputs(Path.cwd() if from_stdin else script.parent, content)
    files = {path.name: path for path in (*declared, *inputs)}
    with obj.client() as client:
        job_id = submit_job.sync(
            client=client,
            script_content=content,
            input_files=[(name, path.read_bytes()) for name, path in files.items()],
        ).decode()
        job = _wait(client, job_id, obj.as_json) if wait else None
    if obj.as_json:
        render.as_json(job or {"id": job_id})
    elif job is None:
        click.echo(job_id)
    else:
        click.echo(f"{job_id} {render.STATE_NAMES[job['state']]}: {job.get('state_details', '')}")
    if job is not None and job["state"] != "F":
        sys.exit(1)


@click.command()
@click.option(
    "-s",
    "--state",
    "states",
    multiple=True,
    type=click.Choice(list(render.STATE_NAMES)),
    help="Only jobs in this state (repeatable).",
)
@click.option("-n", "--limit", type=click.IntRange(1, 10000), default=None, help="At most this many, newest first.")
@click.pass_obj
def jobs(obj: Context, states: tuple[str, ...], limit: int | None) -> None:
    """List your jobs, newest first."""
    with obj.client() as client:
        items = [
            j.to_dict() for j in list_jobs.sync(client=client, state=[JobState(s) for s in states] or None, limit=limit)
        ]
    if obj.as_json:
        return render.as_json(items)
    render.job_table(items)


@click.command()
@click.argument("job_id")
@click.pass_obj
def show(obj: Context, job_id: str) -> None:
    """Show everything about job JOB_ID: state, why, where, when, cost."""
    with obj.client() as client:
        job = _job(client, job_id)
    if obj.as_json:
        return render.as_json(job)
    render.job_details(job)


@click.command()
@click.argument("job_id")
@click.pass_obj
def cancel(obj: Context, job_id: str) -> None:
    """Cancel job JOB_ID, stopping everything it runs."""
    with obj.client() as client:
        click.echo(cancel_job.sync(client=client, job_id=job_id).decode().strip())


@click.command()
@click.argument("job_id")
@click.pass_obj
def requeue(obj: Context, job_id: str) -> None:
    """Run the ended job JOB_ID again, with the same script and inputs."""
    with obj.client() as client:
        click.echo(
            modify_job.sync(client=client, job_id=job_id, modification=ModifyJobModification.REQUEUE).decode().strip()
        )


@click.command()
@click.argument("job_id")
@click.option("--stderr", "stream", flag_value="stderr", help="Standard error instead of standard output.")
@click.option("--stdout", "stream", flag_value="stdout", default=True, hidden=True)
@click.option("-f", "--follow", is_flag=True, help="Keep printing new output until the job ends.")
@click.pass_obj
def logs(obj: Context, job_id: str, stream: str, follow: bool) -> None:
    """Print what job JOB_ID wrote to standard output (or --stderr)."""
    read = job_stderr if stream == "stderr" else job_stdout
    out = sys.stdout.buffer
    with obj.client() as client:
        offset = 0
        while True:
            ended = _job(client, job_id)["state"] in ENDED if follow else True
            data: bytes = read.sync(client=client, job_id=job_id, offset=offset)
            out.write(data)
            out.flush()
            offset += len(data)
            if ended:
                return
            time.sleep(_POLL)


@click.command()
@click.argument("job_id")
@click.option(
    "-d",
    "--dest",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Folder to write the files into.",
)
@click.option("--inputs", "with_inputs", is_flag=True, help="Fetch the job's input files too.")
@click.pass_obj
def fetch(obj: Context, job_id: str, dest: Path, with_inputs: bool) -> None:
    """Download the output files of job JOB_ID (and stdout/stderr as JOB_ID.out/.err)."""
    dest.mkdir(parents=True, exist_ok=True)
    written = []
    with obj.client() as client:
        for info in list_job_files.sync(client=client, job_id=job_id):
            kind = getattr(info.kind, "value", info.kind)
            if kind == "input" and not with_inputs:
                continue
            target = dest / info.name
            target.write_bytes(download_job_file.sync(client=client, job_id=job_id, name=info.name))
            written.append({"name": info.name, "size": info.size, "path": str(target)})
        for suffix, read in ((".out", job_stdout), (".err", job_stderr)):
            target = dest / f"{job_id}{suffix}"
            data: bytes = read.sync(client=client, job_id=job_id)
            target.write_bytes(data)
            written.append({"name": target.name, "size": len(data), "path": str(target)})
    if obj.as_json:
        return render.as_json(written)
    render.table("Fetched", ("FILE", "BYTES"), [(w["path"], w["size"]) for w in written])


@click.command()
@click.pass_obj
def timetable(obj: Context) -> None:
    """Show where and when the scheduler plans to run your pending jobs, and at what cost."""
    with obj.client() as client:
        items = [p.to_dict() for p in get_timetable.sync(client=client)]
    if obj.as_json:
        return render.as_json(items)
    rows = [
        (
            p["job_id"],
            p.get("job_name", ""),
            render.when(p.get("start_time")) if p.get("placed") else "never",
            _placement(p),
            render.money(p.get("estimated_cost")),
            p.get("reason", ""),
        )
        for p in items
    ]
    render.table("Timetable", ("JOB", "NAME", "START", "WHERE", "COST", "REASON"), rows)


def _placement(entry: dict[str, Any]) -> str:
    if entry.get("new_nodes"):
        return f"new {entry['new_nodes']} x {entry.get('flavor_name')} on {entry.get('remote_name')}"
    return ", ".join(entry.get("node_names", []))
