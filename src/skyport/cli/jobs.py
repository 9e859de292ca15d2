"""``skyport submit``, ``jobs``, ``show``, ``cancel``, ``requeue``, ``logs``, ``fetch``, ``timetable``, ``events``."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import shlex
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Generator
from pathlib import Path
from typing import Any

import click
import httpx
from skyport_client import Client
from skyport_client.api.jobs import (
    cancel_job,
    download_job_file,
    dry_run,
    get_job,
    job_stderr,
    job_stdout,
    list_job_files,
    list_jobs,
    modify_job,
    submit_job,
)
from skyport_client.api.timetable import get_timetable
from skyport_client.errors import ApiError
from skyport_client.models import JobEvent, JobState, ModifyJobModification

from skyport.cli import render
from skyport.cli.context import Context
from skyport.errors import ScriptError

ENDED = {"F", "E", "C"}
_POLL = 0.5  # seconds between reads of a running job's output while it writes
_POLL_QUIET = 5.0  # at most, while it writes nothing (the job's end is an event: that read comes at once)
_MOST = 10000  # the most jobs one list_jobs request gives
_ID_LENGTH = 36  # a full job ID, a UUID
_RECENT = 24 * 3600  # `skyport jobs` shows the jobs that ended this many seconds ago or later
_EVERY_EVENT = 10000  # the most stored events one stream starts with: all of one job's
_VARIABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_EXPORT_MOST = 64 * 1024  # bytes of the submitter's variables `submit --export` sends
# What a site sets in a job's environment itself, so `submit --export` leaves it out.
_SITE_SETS = frozenset({"PATH", "HOME", "LANG", "TMPDIR", "USER", "LOGNAME", "PWD", "OLDPWD", "SHLVL", "_"})
_SITE_SETS_PREFIXES = ("SKYPORT_", "SWM_", "SLURM_")


def _declared_inputs(folder: Path, script: bytes) -> list[Path]:
    """Input files the script declares that exist on this machine (relative to ``folder``)."""
    from skyport.jobs.script import decode, parse  # here: only submit reads scripts

    found = []
    for declared in parse(decode(script)).inputs:
        path = Path(declared).expanduser()
        path = path if path.is_absolute() else folder / path
        if path.is_file():
            found.append(path)
    return found


def _all_jobs(client: Client, **query: Any) -> list[dict[str, Any]]:
    """The user's jobs (those ``query`` selects), newest first (the latest 10,000: the most one request gives)."""
    return [j.to_dict() for j in list_jobs.sync(client=client, limit=_MOST, **query)]


def _tasks(client: Client, array_id: str, task: int | None = None) -> list[dict[str, Any]]:
    """The tasks of the array (or its one task ``task``), newest first."""
    return _all_jobs(client, array=array_id, task=task)


def _resolve(client: Client, given: str, known: list[dict[str, Any]] | None = None) -> tuple[str, bool]:
    """The full ID of the user's one job or array whose ID starts with ``given`` (as git and docker do),
    and whether it is an array. ``ARRAY_7`` is task 7 of an array."""
    wanted, underscore, task = given.strip().lower().partition("_")
    if underscore:
        if not task.isdigit():
            raise click.ClickException(
                f"{given!r}: a task of an array is ARRAY_N with N its task ID, such as 1a2b3c4d_7"
            )
        array_id, is_array = _resolve(client, wanted, known)
        if not is_array:
            raise click.ClickException(f"{wanted!r} is a job, not an array: give {wanted} alone")
        match = _tasks(client, array_id, int(task))
        if not match:
            raise click.ClickException(f"array {array_id} has no task {int(task)}")
        return str(match[0]["id"]), False
    if len(wanted) == _ID_LENGTH:
        return wanted, bool(list_jobs.sync(client=client, array=wanted, limit=1))
    jobs = _all_jobs(client) if known is None else known
    found = {j["id"]: j.get("name", "") for j in jobs if j["id"].startswith(wanted) and "array_id" not in j}
    arrays = {j["array_id"]: j.get("name", "") for j in jobs if j.get("array_id", "").startswith(wanted)}
    if not wanted or not (found or arrays):
        raise click.ClickException(f"no job or array of yours has an ID starting with {given!r}")
    if len(found) + len(arrays) > 1:
        both = [*found.items(), *((i, f"array {n}") for i, n in arrays.items())]
        listed = ", ".join(f"{i} ({n})" for i, n in both[:10])
        more = f" and {len(both) - 10} more" if len(both) > 10 else ""
        raise click.ClickException(f"{given!r} is the start of several IDs: {listed}{more}; give more of it")
    return (next(iter(found)), False) if found else (next(iter(arrays)), True)


def _resolve_all(client: Client, given: tuple[str, ...]) -> list[tuple[str, bool]]:
    """The full IDs of ``given`` and whether each is an array, asking for the job list once at most."""
    known = _all_jobs(client) if any(len(p.strip()) != _ID_LENGTH or "_" in p for p in given) else None
    return list(dict.fromkeys(_resolve(client, p, known) for p in given))


def _resolve_job(client: Client, given: str) -> str:
    """The full ID of the one job ``given`` names; an array is refused, naming how to give one task."""
    job_id, is_array = _resolve(client, given)
    if is_array:
        raise click.ClickException(f"{job_id} is a job array: give one of its tasks as {given}_N (N its task ID)")
    return job_id


def display_ids(jobs: list[dict[str, Any]]) -> dict[str, str]:
    """Job ID -> what tables show: the shortest unique start (at least 8 characters); ARRAY_N for a task."""
    short = render.short_ids(list({j.get("array_id") or j["id"]: None for j in jobs}))
    return {
        j["id"]: f"{short[j['array_id']]}_{j['array_task_id']}" if "array_id" in j else short[j["id"]] for j in jobs
    }


def _fold_queued_tasks(jobs: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The jobs with the queued tasks of each array as one row, as squeue shows ``ARRAY_[4-100]``,
    and what the ID column shows for each row."""
    shown = display_ids(jobs)
    rows: list[dict[str, Any]] = []
    queued: dict[str, list[int]] = {}
    for job in jobs:
        if "array_id" not in job or job["state"] != "Q":
            rows.append(job)
            continue
        if job["array_id"] not in queued:
            queued[job["array_id"]] = []
            rows.append({**job, "id": job["array_id"]})
        queued[job["array_id"]].append(job["array_task_id"])
    for array_id, tasks in queued.items():
        start = shown[next(j["id"] for j in jobs if j.get("array_id") == array_id)].rpartition("_")[0]
        shown[array_id] = f"{start}_[{_ranges(sorted(tasks))}]" if len(tasks) > 1 else f"{start}_{tasks[0]}"
    return rows, shown


def _ranges(tasks: list[int]) -> str:
    """``1-3,7,9-12`` for sorted task IDs; the first and last only when that is long."""
    parts: list[list[int]] = []
    for task in tasks:
        if parts and task == parts[-1][1] + 1:
            parts[-1][1] = task
        else:
            parts.append([task, task])
    text = ",".join(f"{a}-{b}" if a != b else str(a) for a, b in parts)
    return text if len(text) <= 24 else f"{tasks[0]}..{tasks[-1]}"


def _each(job_ids: list[str], act: Callable[[str], str]) -> None:
    """Do ``act`` to each job, printing what it says; a job refused is a line on stderr and exit status 1."""
    failed = False
    for job_id in job_ids:
        try:
            click.echo(act(job_id))
        except ApiError as exc:
            click.echo(f"Error: {job_id}: {exc.detail or exc.title or f'HTTP {exc.status_code}'}", err=True)
            failed = True
    if failed:
        sys.exit(1)


def _job(client: Client, job_id: str) -> dict[str, Any]:
    result: dict[str, Any] = get_job.sync(client=client, job_id=job_id).to_dict()
    return result


def _events(client: Client, **query: Any) -> contextlib.closing[Generator[JobEvent]]:
    """The event stream ``query`` selects, closed (its connection too) when the ``with`` block ends."""
    from skyport_client.api.events import stream_events  # it loads asyncio, which `skyport jobs` need not

    return contextlib.closing(stream_events.sync(client=client, **query))


def _state_line(state: str, details: str) -> str:
    name = render.STATE_NAMES[state]
    return details if details.startswith(name) else f"{name}: {details}" if details else name


def _wait(client: Client, job_id: str, as_json: bool) -> dict[str, Any]:
    """Follow the job's events until it ends; without --json, print each state it reaches, one a line, as it does."""
    with _events(client, job=job_id, tail=_EVERY_EVENT) as events:
        for event in events:
            if not as_json:
                click.echo(_state_line(event.state, event.reason))
            if event.state in ENDED:
                break
    return _job(client, job_id)


def _last_event(client: Client) -> int:
    """The ID of the user's last event (0: none yet)."""
    with _events(client, tail=1, follow=False) as events:
        return max((event.id for event in events), default=0)


def _wait_array(client: Client, array_id: str, after: int, as_json: bool) -> list[dict[str, Any]]:
    """Follow the user's events after event ``after`` until every task of the array ended; without --json,
    print how many are in each state when that changes."""
    states = {task["id"]: task["state"] for task in _tasks(client, array_id)}
    said = ""

    def ended() -> bool:
        nonlocal said
        counts = Counter(states.values())
        news = ", ".join(f"{counts[s]} {render.STATE_NAMES[s]}" for s in render.STATE_NAMES if counts[s])
        if not as_json and news != said:
            click.echo(f"{len(states)} tasks: {news}")
            said = news
        return all(state in ENDED for state in states.values())

    with _events(client, after=after) as events:
        if not ended():
            for event in events:
                if event.array_id == array_id:
                    states[event.job_id] = event.state
                    if ended():
                        break
    return _tasks(client, array_id)


def _with_options(
    content: bytes, file_name: str, given: dict[str, str | None], sites: tuple[str, ...], envs: tuple[str, ...]
) -> bytes:
    """The script with the submit options as #SWM lines at its end, and --env as exports after its first line."""
    from skyport.jobs.script import decode, parse

    request = parse(decode(content))  # first, so that errors name the lines as the user wrote them
    lines = [f"{name} {shlex.quote(value)}" for name, value in given.items() if value is not None]
    lines += [f"site {shlex.quote(site)}" for site in sites]
    for line in lines:
        try:
            parse(f"#SWM {line}\n")
        except ScriptError as exc:
            raise click.BadParameter(
                exc.detail.partition(": ")[2] or exc.detail, param_hint=f"--{line.split()[0]}"
            ) from None
    if given.get("name") is None and file_name and not request.name:
        lines.insert(0, f"name {shlex.quote(file_name)}")
    exports = []
    for env in envs:
        key, equals, value = env.partition("=")
        if not equals or not _VARIABLE.fullmatch(key):
            raise click.BadParameter(f"expects KEY=VAL with KEY a shell variable name, got {env!r}", param_hint="--env")
        exports.append(f"export {key}={shlex.quote(value)}\n".encode())
    head, newline, body = content.partition(b"\n")
    if exports and head.startswith(b"#!"):
        content = head + newline + b"".join(exports) + body
    elif exports:
        content = b"".join(exports) + content
    tail = b"" if not content or content.endswith(b"\n") else b"\n"
    return content + tail + b"".join(f"#SWM {line}\n".encode() for line in lines)


def _exported(names: str) -> list[str]:
    """``KEY=VAL`` for the submitter's variables --export passes: ALL of them but those the site sets
    for the job, or those ``names`` lists (comma-separated), within _EXPORT_MOST bytes."""
    if names == "ALL":
        chosen = [
            key
            for key in sorted(os.environ)
            if _VARIABLE.fullmatch(key) and key not in _SITE_SETS and not key.startswith(_SITE_SETS_PREFIXES)
        ]
    else:
        chosen = [name for name in names.split(",") if name]
        for name in chosen:
            if not _VARIABLE.fullmatch(name):
                raise click.BadParameter(f"expects names of shell variables, got {name!r}", param_hint="--export")
            if name not in os.environ:
                raise click.BadParameter(f"{name} is not set here", param_hint="--export")
    pairs = [f"{key}={os.environ[key]}" for key in chosen]
    size = sum(len(pair.encode()) for pair in pairs)
    if size > _EXPORT_MOST:
        largest = sorted(chosen, key=lambda key: -len(os.environ[key].encode()))[:3]
        raise click.BadParameter(
            f"the variables to export take {size} bytes; at most {_EXPORT_MOST} are sent (largest: "
            f"{', '.join(largest)}); name the ones the job needs: --export=NAME,NAME",
            param_hint="--export",
        )
    return pairs


def _missing_outputs(client: Client, job: dict[str, Any]) -> list[str]:
    """The outputs an ended job declares but did not produce."""
    declared = job.get("output_files") or []
    if not declared or job["state"] not in ENDED:
        return []
    produced = {f.name for f in list_job_files.sync(client=client, job_id=job["id"])}
    return [name for name in declared if name not in produced]


def _dry_run(obj: Context, content: bytes, files: list[tuple[str, bytes]]) -> None:
    with obj.client() as client:
        plan = dry_run.sync(client=client, script_content=content, input_files=files).to_dict()
    if obj.as_json:
        return render.as_json(plan)
    where = f"{plan['flavor_name']} on {plan['remote_name']}" if plan.get("remote_name") else "-"
    click.echo(f"would {'start' if plan['placed'] else 'wait'}: {plan['reason']}")
    click.echo(f"where: {where}; when: {render.when(plan.get('start_time')) or 'unknown'}")
    click.echo(f"worst-case cost: {render.money(plan['worst_case_cost'])} (price x nodes x time limit)")
    if "expected_cost" in plan:
        click.echo(f"expected cost: {render.money(plan['expected_cost'])} ({plan.get('expected_basis', '')})")
    if "array_tasks" in plan:
        throttle = f", at most {plan['array_throttle']} at once" if "array_throttle" in plan else ""
        waves = f" in {plan['array_waves']} waves" if plan.get("array_waves", 1) > 1 else ""
        click.echo(
            f"array: {plan['array_tasks']} tasks{throttle}{waves}; all of them: worst case "
            f"{render.money(plan['array_worst_case_cost'])}, expected {render.money(plan['array_expected_cost'])}"
        )
        if "array_end_time" in plan:
            click.echo(
                f"array ends: {render.when(plan['array_end_time'])} at the latest, "
                f"{render.when(plan['array_expected_end_time'])} as expected"
            )
    for budget in plan["budgets"]:
        click.echo(
            f"draws on {budget['name']}: {render.money(max(0.0, budget['left']))} left {budget.get('period', '')}"
        )
    rows = [
        (
            o["remote_name"],
            o["flavor_name"],
            o["partition_id"][:10] if o.get("partition_id") else "new",
            render.money(o["price"]),
            render.money(o["worst_case_cost"]),
            render.when(o.get("ready_at")),
            _marks(o),
        )
        for o in plan["alternatives"]
    ]
    columns = ("SITE", "FLAVOR", "PARTITION", "PRICE/H", "WORST CASE", "READY", "")
    render.table("Where it could run", columns, rows)


def _marks(option: dict[str, Any]) -> str:
    """``planned``, ``cheaper, sooner``: how an alternative of a dry run compares with the plan."""
    return ", ".join(mark for mark in ("planned", "cheaper", "sooner") if option.get(mark))


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
@click.option("--name", help="The job's name.  [default: the script's file name]")
@click.option("--cpus", help="CPUs per node.")
@click.option("--mem", help="Memory per node: 512M, 4G, ...")
@click.option("--gpus", help="GPUs per node.")
@click.option("--nodes", help="Number of nodes.")
@click.option("--time", help="Time limit: 90m, 2h, 1:30:00, ...")
@click.option("--site", "sites", multiple=True, help="A site the job may run on (repeatable; adds to the script's).")
@click.option("--flavor", help="The flavor (node type) to run on.")
@click.option("--account", help="The account to charge.  [default: your own]")
@click.option(
    "--env",
    "envs",
    multiple=True,
    metavar="KEY=VAL",
    help="Set KEY to VAL in the job's environment (repeatable).",
)
@click.option(
    "--export",
    "export",
    is_flag=False,
    flag_value="ALL",
    default=None,
    metavar="[=NAMES]",
    help="Pass your environment to the job (all of it but what the site sets, within 64 KiB), "
    "or with =NAME,NAME only those variables. Off by default: see docs/jobscript.md.",
)
@click.option("--array", help="Submit a job array: task IDs such as 1-100, 1,3,5-9 or 1-99:2, then %N to throttle.")
@click.option(
    "--wait",
    is_flag=True,
    help="Wait until the job ends, printing each state it reaches; exit 0 only if it finished (F).",
)
@click.option(
    "--dry-run",
    is_flag=True,
    help="Store nothing: say where and when the job would start now, its worst-case cost, the budgets it "
    "would draw on, and the flavors that could run it.",
)
@click.pass_obj
def submit(
    obj: Context,
    /,
    *,
    script: Path,
    inputs: tuple[Path, ...],
    wait: bool,
    dry_run: bool,
    sites: tuple[str, ...],
    envs: tuple[str, ...],
    export: str | None,
    **given: str | None,
) -> None:
    """Submit the job script SCRIPT (- reads it from standard input) and print the new job's ID.

    The options override the script's #SWM (and #SBATCH) lines: the command adds them to the end
    of the script as #SWM lines, where the last line of a kind wins. --env adds `export KEY=VAL`
    lines after the first line (the shebang), after those of --export.

    With --array (or an `array` line in the script) the printed ID is the job array's: `skyport
    jobs ARRAY` lists its tasks, and `ARRAY_N` names task N in every command."""
    from skyport.jobs.script import decode, parse  # here: only submit reads scripts

    from_stdin = str(script) == "-"
    content = sys.stdin.buffer.read() if from_stdin else script.read_bytes()
    exported = _exported(export) if export is not None else []
    content = _with_options(content, "" if from_stdin else script.name, given, sites, (*exported, *envs))
    declared = _declared_inputs(Path.cwd() if from_stdin else script.parent, content)
    files = {path.name: path for path in (*declared, *inputs)}
    if dry_run:
        return _dry_run(obj, content, [(name, path.read_bytes()) for name, path in files.items()])
    with obj.client() as client:
        after = _last_event(client) if wait else 0
        job_id = submit_job.sync(
            client=client,
            script_content=content,
            input_files=[(name, path.read_bytes()) for name, path in files.items()],
        ).decode()
        if not obj.as_json:
            click.echo(job_id)  # first, so a script or an interrupted wait has it
        if parse(decode(content)).array:
            tasks = _wait_array(client, job_id, after, obj.as_json) if wait else None
            if obj.as_json:
                render.as_json(tasks if tasks is not None else {"array_id": job_id})
            if tasks is not None and any(task["state"] != "F" for task in tasks):
                sys.exit(1)
            return
        job = _wait(client, job_id, obj.as_json) if wait else None
    if obj.as_json:
        render.as_json(job or {"id": job_id})
    if job is not None and job["state"] != "F":
        sys.exit(1)


@click.command()
@click.option(
    "-s",
    "--state",
    "states",
    multiple=True,
    type=click.Choice(list(render.STATE_NAMES)),
    help="Only jobs in this state (repeatable), whenever they ended.",
)
@click.option("--name", help="Only jobs of this name.")
@click.option("-a", "--all", "everything", is_flag=True, help="Also jobs that ended more than 24 hours ago.")
@click.option("--since", metavar="DURATION", help="Jobs that ended in the last DURATION (90m, 2h, 7d) instead of 24 h.")
@click.option("-n", "--limit", type=click.IntRange(1, _MOST), default=None, help="At most this many, newest first.")
@click.argument("array", metavar="[ARRAY]", required=False)
@click.pass_obj
def jobs(
    obj: Context,
    /,
    *,
    states: tuple[str, ...],
    name: str | None,
    everything: bool,
    since: str | None,
    limit: int | None,
    array: str | None,
) -> None:
    """List your active jobs and those that ended in the last 24 hours, newest first; with ARRAY
    (an array's ID or a unique start of it), all the tasks of that job array.

    IDs are shown as their shortest unique start (at least 8 characters), which every command
    taking a job accepts; a task of an array shows as ARRAY_N, and an array's queued tasks as one
    row, ARRAY_[4-100]. --json gives whole jobs."""
    window = _RECENT if since is None else _seconds(since)
    query: dict[str, Any] = {"limit": limit or _MOST, "name": name}
    if states:
        query["state"] = [JobState(s) for s in states]
    if not everything and not array and (since is not None or not states):
        query["since"] = dt.datetime.fromtimestamp(time.time() - window, dt.UTC).isoformat()
    with obj.client() as client:
        if array:
            array_id, is_array = _resolve(client, array)
            if not is_array:
                raise click.ClickException(f"{array!r} is a job, not an array: `skyport show {array}` shows it")
            query["array"] = array_id
        items = [j.to_dict() for j in list_jobs.sync(client=client, **query)]
    if obj.as_json:
        return render.as_json(items)
    render.job_table(*_fold_queued_tasks(items))


def _seconds(since: str) -> int:
    """``--since`` in seconds, written as a job's time limit is (``2h``, ``1-00:00:00``)."""
    from skyport.jobs.script import duration  # here: `skyport jobs` alone reads no script

    try:
        return duration([since])
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--since") from None


@click.command()
@click.argument("job_ids", metavar="ID...", nargs=-1, required=True)
@click.pass_obj
def show(obj: Context, job_ids: tuple[str, ...]) -> None:
    """Show everything about jobs: state, why, where, when, cost.

    An ID may be any unique start of one (at least what `skyport jobs` shows); an array's ID
    shows its tasks, ARRAY_N its task N."""
    with obj.client() as client:
        chosen = _resolve_all(client, job_ids)
        found: list[dict[str, Any]] = [
            {"array_id": i, "tasks": _tasks(client, i)} if array else _job(client, i) for i, array in chosen
        ]
        if obj.as_json:
            return render.as_json(found[0] if len(found) == 1 else found)
        missing = [[] if "tasks" in job else _missing_outputs(client, job) for job in found]
    for number, job in enumerate(found):
        if number:
            click.echo()
        if "tasks" in job:
            _array_details(job["array_id"], job["tasks"])
        else:
            render.job_details(job, missing[number])


def _array_details(array_id: str, tasks: list[dict[str, Any]]) -> None:
    counts = Counter(task["state"] for task in tasks)
    states = ", ".join(f"{counts[s]} {render.STATE_NAMES[s]}" for s in render.STATE_NAMES if counts[s])
    spec = tasks[0].get("array", "") if tasks else ""
    click.echo(f"Array {array_id} ({spec}): {len(tasks)} tasks: {states}")
    ordered = sorted(tasks, key=lambda task: task.get("array_task_id", 0))
    render.job_table(ordered, display_ids(ordered))


@click.command()
@click.argument("job_ids", metavar="[ID...]", nargs=-1)
@click.option(
    "-s",
    "--state",
    "states",
    multiple=True,
    type=click.Choice(sorted(set(render.STATE_NAMES) - ENDED)),
    help="Cancel your active jobs in this state (repeatable).",
)
@click.option("--name", help="Cancel your active jobs of this name.")
@click.option("--all", "everything", is_flag=True, help="Cancel all your active jobs.")
@click.pass_obj
def cancel(obj: Context, job_ids: tuple[str, ...], states: tuple[str, ...], name: str | None, everything: bool) -> None:
    """Cancel jobs by ID, or those --state, --name or --all select, stopping all they run.

    An ID may be any unique start of one; an array's ID cancels all its tasks not ended, ARRAY_N
    its task N. Jobs are cancelled newest first, so a job that depends on another one given is
    cancelled before that one ends it (in E). Each job cancelled is a line; a job that cannot be
    cancelled (it ended) is a line on stderr, and the exit status is then 1."""
    if not (job_ids or states or name or everything):
        raise click.UsageError("say which jobs: IDs, --state, --name or --all")
    with obj.client() as client:
        chosen = [job_id for job_id, _ in _resolve_all(client, job_ids)]
        if states or name or everything:
            chosen += [
                j["id"]
                for j in _all_jobs(client)
                if j["state"] not in ENDED
                and (not states or j["state"] in states)
                and (name is None or j.get("name") == name)
                and j["id"] not in chosen
            ]
        if not chosen:
            click.echo("no job to cancel")
            return
        newest_first = _newest_first(client, chosen)
        _each(newest_first, lambda job_id: cancel_job.sync(client=client, job_id=job_id).decode().strip())


def _newest_first(client: Client, chosen: list[str]) -> list[str]:
    """Job and array IDs newest first (those not among the latest listed last): a job's dependencies are
    older than it, so each job goes before the jobs it depends on."""
    if len(chosen) < 2:
        return chosen
    submitted: dict[str, float] = {}
    for job in _all_jobs(client):
        if not job.get("submit_time"):
            continue
        at = dt.datetime.fromisoformat(job["submit_time"]).timestamp()
        for key in (job["id"], job.get("array_id")):
            if key:
                submitted[key] = min(at, submitted.get(key, at))
    return sorted(chosen, key=lambda job_id: submitted.get(job_id, 0.0), reverse=True)


@click.command()
@click.argument("job_ids", metavar="ID...", nargs=-1, required=True)
@click.pass_obj
def requeue(obj: Context, job_ids: tuple[str, ...]) -> None:
    """Run ended jobs again, with the same scripts and inputs.

    An ID may be any unique start of one."""
    with obj.client() as client:
        _each(
            [_resolve_job(client, job_id) for job_id in job_ids],
            lambda job_id: (
                modify_job.sync(client=client, job_id=job_id, modification=ModifyJobModification.REQUEUE)
                .decode()
                .strip()
            ),
        )


@click.command()
@click.argument("job_id", metavar="ID")
@click.option("--stderr", "stream", flag_value="stderr", help="Standard error instead of standard output.")
@click.option("--stdout", "stream", flag_value="stdout", default=True, hidden=True)
@click.option("-f", "--follow", is_flag=True, help="Keep printing new output until the job ends.")
@click.pass_obj
def logs(obj: Context, job_id: str, stream: str, follow: bool) -> None:
    """Print what job ID (or a unique start of it) wrote to standard output (or --stderr)."""
    read = job_stderr if stream == "stderr" else job_stdout
    out = sys.stdout.buffer
    with obj.client() as client:
        job = _job(client, _resolve_job(client, job_id))
        job_id = job["id"]
        if job["state"] in ("Q", "W"):
            waiting = "waiting for it to start" if follow else "nothing to print yet"
            click.echo(f"job {job_id} is {render.STATE_NAMES[job['state']]}: {waiting}", err=True)
        watch = _Watch(client, job_id)
        if follow and job["state"] not in ENDED:
            watch.start()
            watch.started.wait()  # no reads while it waits to start
        offset, pause, cut = 0, _POLL, 0
        while True:
            last = not follow or job["state"] in ENDED or watch.ended.is_set()
            try:
                data: bytes = read.sync(client=client, job_id=job_id, offset=offset)
            except httpx.TransportError:  # the daemon restarting, say: its event stream reconnects too
                from skyport_client.api.events.stream_events import RETRIES

                if not follow or cut == RETRIES:
                    raise
                cut += 1
                time.sleep(_POLL * 2**cut)
                continue
            cut = 0
            out.write(data)
            out.flush()
            offset += len(data)
            if last:
                watch.check()
                return
            # Output that grows is no event (a gate has no way to say so): read again soon while the
            # job writes, twice as late each time it wrote nothing.
            pause = _POLL if data else min(pause * 2, _POLL_QUIET)
            watch.ended.wait(pause)


class _Watch(threading.Thread):
    """Follows a job's events in the background: ``started`` once it left Q and W, ``ended`` once it
    ended (both also when the stream failed: :meth:`check` then raises its error)."""

    def __init__(self, client: Client, job_id: str) -> None:
        super().__init__(daemon=True)
        self.client = client
        self.job_id = job_id
        self.started = threading.Event()
        self.ended = threading.Event()
        self.error: Exception | None = None

    def run(self) -> None:
        try:
            with _events(self.client, job=self.job_id, tail=_EVERY_EVENT) as events:
                for event in events:
                    if event.state not in ("Q", "W"):
                        self.started.set()
                    if event.state in ENDED:
                        break
        except Exception as exc:
            self.error = exc
        finally:
            self.started.set()
            self.ended.set()

    def check(self) -> None:
        if self.error is not None:
            raise self.error


@click.command()
@click.argument("job_id", metavar="ID")
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
    """Download the output files of job ID, or a unique start of it (and stdout/stderr as ID.out/.err).

    A script's #SBATCH -o/-e name the files stdout and stderr go to instead (Slurm's %j, %A, %a,
    %x, %u patterns expanded; only the file name is used, in --dest)."""
    dest.mkdir(parents=True, exist_ok=True)
    written = []
    with obj.client() as client:
        job = _job(client, _resolve_job(client, job_id))
        job_id = job["id"]
        if job["state"] not in ENDED:
            raise click.ClickException(
                f"job {job_id} is {render.STATE_NAMES[job['state']]}, not ended: fetch it once it has "
                "(`skyport logs -f` follows it)"
            )
        missing = _missing_outputs(client, job)
        for info in list_job_files.sync(client=client, job_id=job_id):
            kind = getattr(info.kind, "value", info.kind)
            if kind == "input" and not with_inputs:
                continue
            target = dest / info.name
            target.write_bytes(download_job_file.sync(client=client, job_id=job_id, name=info.name))
            written.append({"name": info.name, "size": info.size, "path": str(target)})
        logs: dict[Path, bytes] = {}  # stdout and stderr go to one file when -o and -e name the same
        for stream, read in (("stdout", job_stdout), ("stderr", job_stderr)):
            target = dest / _log_name(job, stream)
            data: bytes = read.sync(client=client, job_id=job_id)
            logs[target] = logs.get(target, b"") + data
        for target, data in logs.items():
            target.write_bytes(data)
            written.append({"name": target.name, "size": len(data), "path": str(target)})
    if obj.as_json:
        render.as_json(written)
    else:
        render.table("Fetched", ("FILE", "BYTES"), [(w["path"], w["size"]) for w in written])
    if missing:
        raise click.ClickException(f"job {job_id} did not produce the outputs it declares: {', '.join(missing)}")


def _log_name(job: dict[str, Any], stream: str) -> str:
    """The file name ``stream`` is fetched to: the script's #SBATCH -o/-e as the daemon expanded it, or ID.out/.err."""
    name = Path(job.get(f"{stream}_file") or "").name
    return name if name not in ("", ".", "..") else f"{job['id']}.{stream[3:]}"


@click.command()
@click.pass_obj
def timetable(obj: Context) -> None:
    """Show where and when the scheduler plans to run your pending jobs, and at what cost."""
    with obj.client() as client:
        items = [p.to_dict() for p in get_timetable.sync(client=client)]
        if obj.as_json:
            return render.as_json(items)
        short = display_ids(_all_jobs(client))
    rows = [
        (
            short.get(p["job_id"], p["job_id"]),
            p.get("job_name", ""),
            render.when(p.get("start_time")) or "-",  # as `show` prints it; the reason says how sure
            _placement(p),
            render.money(p.get("estimated_cost")),
            p.get("reason", ""),
        )
        for p in items
    ]
    render.table("Timetable", ("ID", "NAME", "START", "WHERE", "COST", "REASON"), rows)


def _placement(entry: dict[str, Any]) -> str:
    if entry.get("new_nodes"):
        return f"new {entry['new_nodes']} x {entry.get('flavor_name')} on {entry.get('remote_name')}"
    return ", ".join(entry.get("node_names", []))


@click.command()
@click.option("-f", "--follow", is_flag=True, help="Keep printing events as they happen, until Ctrl-C.")
@click.option("--job", "job_id", metavar="ID", help="Only the events of this job (all of them).")
@click.option(
    "-n",
    "--last",
    type=click.IntRange(0, _EVERY_EVENT),
    default=20,
    show_default=True,
    help="Start with this many of the latest events (without --job).",
)
@click.option("--all-users", "everyone", is_flag=True, help="Everyone's jobs (the daemon's owner only).")
@click.pass_obj
def events(obj: Context, follow: bool, job_id: str | None, last: int, everyone: bool) -> None:
    """Print job events: submissions and changes of state with their reasons, placements, costs and
    the outputs staged back. --json prints each as one line of JSON."""
    with obj.client() as client:
        job = _resolve_job(client, job_id) if job_id else None
        tail = _EVERY_EVENT if job else last
        with _events(client, job=job, tail=tail, follow=follow, all_users=everyone or None) as stream:
            for event in stream:
                if obj.as_json:
                    click.echo(json.dumps(event.to_dict(), sort_keys=True))
                else:
                    click.echo(_event_line(event, everyone))
                sys.stdout.flush()


def _event_line(event: JobEvent, everyone: bool) -> str:
    """One event as a line: time, job, name, the state it reached and why; cost and outputs once ended."""
    parts = [render.when(event.time), event.job_id[:8]]
    if everyone:
        parts.append(event.owner)
    parts += [event.name or "", _state_line(event.state, event.reason)]
    if event.cost is not None and event.state in ENDED:
        parts.append(f"cost {render.money(event.cost)}")
    if event.outputs:
        parts.append(f"outputs {', '.join(event.outputs)}")
    return "  ".join(parts)
