"""A TES task as one Skyport job: the job script that stages its inputs, runs its executors in
order and collects its outputs, with the names of the files the job and the core exchange.

The script is plain ``sh``. Every value from the task reaches it through :func:`shlex.quote`,
except the ``*`` and ``?`` of an output path's wildcards, which stay shell patterns. The job's
work folder holds what the core hands in and takes back::

    tes-input-N      input N (a tar archive for a folder), put at its path before the first executor
    tes-stdout-N     standard output of executor N (also copied to its stdout path, if any)
    tes-stderr-N     standard error of executor N
    tes-executors    one line per executor that ran: index, start, end, exit status
    tes-output-N     output N after the executors (a tar archive for a folder or a wildcard)

The paths of the task are absolute paths "inside the container"; the job sees an empty folder of
its own at each top-level folder they name (``#SWM volume``), except under ``/tmp``, which is the
job's own already. The job exits with the status of the executor that stopped it, so a failed
executor leaves the job in E with its logs and outputs copied back.
"""

from __future__ import annotations

import dataclasses
import math
import re
import shlex
from collections.abc import Mapping, Sequence
from pathlib import PurePosixPath
from typing import Any

from skyport.errors import BadRequest
from skyport.jobs.files import check_name
from skyport.jobs.script import is_directive

EXECUTORS_LOG = "tes-executors"
# The time in RFC 3339 with microseconds where date has GNU's %N, in whole seconds elsewhere
# (busybox's date prints %N as it is, so an image such as busybox or alpine gets seconds).
NOW = (
    "now() { t=$(date -u +%Y-%m-%dT%H:%M:%S.%6N); "
    'case "$t" in *[!0-9T:.-]*) t=$(date -u +%Y-%m-%dT%H:%M:%S);; esac; echo "${t}Z"; }'
)
MAX_TAG_KEY = 255
DEFAULT_NAME = "tes-task"
# backend_parameters Skyport reads (keys are case-insensitive), and the #SWM directive each sets.
BACKEND_PARAMETERS = {"site": "site", "flavor": "flavor", "account": "account", "time": "time"}
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,254}$")
_WILDCARD = re.compile(r"[*?]")


def input_name(index: int) -> str:
    return f"tes-input-{index}"


def output_name(index: int) -> str:
    return f"tes-output-{index}"


def log_name(index: int, stream: str) -> str:
    return f"tes-{stream}-{index}"


def is_directory(item: Mapping[str, Any]) -> bool:
    return item.get("type") == "DIRECTORY"


def is_wildcard(output: Mapping[str, Any]) -> bool:
    return bool(_WILDCARD.search(output["path"]))


def archived(output: Mapping[str, Any]) -> bool:
    """Whether output comes back as a tar archive of files rather than as one file."""
    return is_directory(output) or is_wildcard(output)


@dataclasses.dataclass(frozen=True)
class Plan:
    """The job a task becomes: its script, and the notes its system logs start with."""

    script: str
    notes: tuple[str, ...]


def plan(task: Mapping[str, Any]) -> Plan:
    """The job script of ``task`` (already valid against spec/tes.yaml); BadRequest naming what cannot run."""
    executors = task["executors"]
    images = sorted({executor["image"] for executor in executors})
    if len(images) > 1:
        raise BadRequest(
            f"the executors use {len(images)} images ({', '.join(images)}); Skyport runs a task as one job in "
            "one image, so give every executor the same image"
        )
    _check_dots(task)
    directives, notes = _directives(task)
    lines = ["#!/bin/sh", f"#SWM run-in {shlex.quote(images[0])}", *directives]
    lines += [f"#SWM volume {shlex.quote(path)}" for path in _volumes(task)]
    outputs = [log_name(n, s) for n in range(len(executors)) for s in ("stdout", "stderr")]
    outputs += [EXECUTORS_LOG, *(output_name(n) for n in range(len(task.get("outputs") or [])))]
    lines += [f"#SWM output {' '.join(outputs)}", 'W="$PWD"', "set -e"]
    lines += _stage_inputs(task.get("inputs") or [])
    lines += ["set +e", f': > "$W/{EXECUTORS_LOG}"', "status=0", NOW]
    for index, executor in enumerate(executors):
        lines += _run(index, executor)
    for index, output in enumerate(task.get("outputs") or []):
        lines += _collect(index, output)
    lines.append('exit "$status"')
    script = "\n".join(lines) + "\n"
    written = {line for line in lines if line.startswith("#SWM ")}
    for line in script.splitlines():
        if is_directive(line) and line not in written:
            raise BadRequest(
                f"a value of the task puts the line {line[:80]!r} in its job script, which would be read as a "
                "directive: no line of a command, path or value may start with #SWM or #SBATCH"
            )
    return Plan(script, tuple(notes))


def job_name(name: str) -> str:
    """A valid job name made of a task's name: characters a job name cannot have become '_'."""
    cleaned = "".join("_" if c in "/\\" or not c.isprintable() else c for c in name).strip()
    while len(cleaned.encode("utf-8")) > 200:
        cleaned = cleaned[:-1]
    return cleaned if cleaned not in ("", ".", "..") else DEFAULT_NAME


def _directives(task: Mapping[str, Any]) -> tuple[list[str], list[str]]:
    """The #SWM lines of the task's name and resources, and notes on what Skyport does not use."""
    lines = [f"#SWM name {shlex.quote(check_name(job_name(task.get('name') or ''), 'task name'))}"]
    notes: list[str] = []
    resources = task.get("resources") or {}
    if "cpu_cores" in resources:
        lines.append(f"#SWM cpus {resources['cpu_cores']}")
    if resources.get("ram_gb"):
        lines.append(f"#SWM mem {math.ceil(resources['ram_gb'] * 1024)}M")
    if resources.get("disk_gb"):
        notes.append(f"disk_gb {resources['disk_gb']:g} is not planned: Skyport's scheduler has no disk demand")
    if resources.get("preemptible"):
        notes.append("preemptible is not used: the task runs on capacity that is not taken back")
    for zone in resources.get("zones") or []:
        lines.append(f"#SWM site {shlex.quote(zone)}")
    unknown = []
    for key, value in (resources.get("backend_parameters") or {}).items():
        directive = BACKEND_PARAMETERS.get(key.lower())
        if directive is None:
            unknown.append(key)
        else:
            lines.append(f"#SWM {directive} {shlex.quote(value)}")
    if unknown and resources.get("backend_parameters_strict"):
        raise BadRequest(
            f"backend_parameters {', '.join(sorted(unknown))} are not read by Skyport (it reads "
            f"{', '.join(BACKEND_PARAMETERS)}) and backend_parameters_strict is true"
        )
    if unknown:
        notes.append(f"backend_parameters not read and dropped: {', '.join(sorted(unknown))}")
    return lines, notes


def _paths(task: Mapping[str, Any]) -> list[str]:
    """Every folder the executors may write to: inputs' and outputs' folders, volumes, work and log folders."""
    found: list[str] = []
    for item in [*(task.get("inputs") or []), *(task.get("outputs") or [])]:
        if is_wildcard(item):  # its matches are under path_prefix (a folder); without one, plan() refuses it
            found.append(item.get("path_prefix") or str(PurePosixPath(item["path"]).parent))
        else:
            found.append(item["path"] if is_directory(item) else str(PurePosixPath(item["path"]).parent))
    found += task.get("volumes") or []
    for executor in task["executors"]:
        found += [executor[key] for key in ("workdir",) if executor.get(key)]
        found += [str(PurePosixPath(executor[key]).parent) for key in ("stdout", "stderr") if executor.get(key)]
    return found


def _check_dots(task: Mapping[str, Any]) -> None:
    """BadRequest for any path of the task with a '.' or '..' part (a folder's parent would hide it)."""
    items = [*(task.get("inputs") or []), *(task.get("outputs") or [])]
    paths = [item[key] for item in items for key in ("path", "path_prefix") if item.get(key)]
    paths += task.get("volumes") or []
    paths += [e[key] for e in task["executors"] for key in ("workdir", "stdin", "stdout", "stderr") if e.get(key)]
    for path in paths:
        if any(part in (".", "..") for part in path.split("/")):
            raise BadRequest(f"path {path!r} has a '.' or '..' part; give paths without them")


def _volumes(task: Mapping[str, Any]) -> list[str]:
    """The top-level folders of the task's paths (not /tmp, the job's own); BadRequest for a path they miss."""
    tops = set()
    for path in _paths(task):
        parts = PurePosixPath(path).parts
        if len(parts) < 2:
            raise BadRequest(
                f"a file directly in / ({path!r}) cannot be given a folder of its own; put it in a folder such as /data"
            )
        for part in parts[1:]:
            check_name(part, "path part")
        if parts[1] != "tmp":
            tops.add(f"/{parts[1]}")
    return sorted(tops)


def _stage_inputs(inputs: Sequence[Mapping[str, Any]]) -> list[str]:
    lines = []
    for index, item in enumerate(inputs):
        path, source = shlex.quote(item["path"]), f'"$W/{input_name(index)}"'
        if is_directory(item):
            lines += [f"mkdir -p {path}", f"tar -x -f {source} -C {path}"]
        else:
            lines += [f'mkdir -p "$(dirname {path})"', f"cp {source} {path}"]
    return lines


def _run(index: int, executor: Mapping[str, Any]) -> list[str]:
    """Run executor ``index`` unless an earlier one failed; record its times and exit status."""
    command = executor["command"]
    if "=" in command[0]:
        raise BadRequest(f"executor {index}: the program {command[0]!r} contains '=': name a program file")
    env = [f"{name}={value}" for name, value in (executor.get("env") or {}).items()]
    for name in executor.get("env") or {}:
        if not _ENV_NAME.match(name):
            raise BadRequest(f"executor {index}: {name!r} is not an environment variable name (letters, digits, _)")
    argv = " ".join(shlex.quote(word) for word in ["env", *env, *command])
    workdir = shlex.quote(executor["workdir"]) if executor.get("workdir") else '"$W"'
    stdin = shlex.quote(executor["stdin"]) if executor.get("stdin") else "/dev/null"
    out, err = f'"$W/{log_name(index, "stdout")}"', f'"$W/{log_name(index, "stderr")}"'
    lines = [
        'if [ "$status" -eq 0 ]; then',
        "  start=$(now)",
        f"  ( mkdir -p {workdir} && cd {workdir} && exec {argv} ) < {stdin} > {out} 2> {err}",
        "  code=$?",
        f'  echo "{index} $start $(now) $code" >> "$W/{EXECUTORS_LOG}"',
    ]
    for stream, target in (("stdout", out), ("stderr", err)):
        if executor.get(stream):
            lines.append(f"  cp {target} {shlex.quote(executor[stream])}")
    if not executor.get("ignore_error"):
        lines.append('  [ "$code" -eq 0 ] || status=$code')
    return [*lines, "fi"]


def _pattern(text: str) -> str:
    """``text`` as a shell word whose ``*`` and ``?`` match and whose other characters are literal."""
    pieces = re.split(r"([*?])", text)
    return "".join(piece if piece in ("*", "?") else shlex.quote(piece) for piece in pieces if piece)


def _collect(index: int, output: Mapping[str, Any]) -> list[str]:
    """Copy output ``index`` into the work folder when it is there: a file as it is, else a tar archive."""
    path, target = output["path"], f'"$W/{output_name(index)}"'
    if is_wildcard(output):
        prefix = output.get("path_prefix") or ""
        if not prefix or not path.startswith(prefix) or not prefix.startswith("/"):
            raise BadRequest(f"output {path!r} has wildcards: give path_prefix, the folder its matches are under")
        relative = path[len(prefix) :].lstrip("/")
        return [
            f"( cd {shlex.quote(prefix)} 2>/dev/null && set -- {_pattern(relative)} && "
            f'[ -e "$1" ] && tar -c -f {target} -- "$@" )'
        ]
    if is_directory(output):
        return [f"[ -d {shlex.quote(path)} ] && tar -c -f {target} -C {shlex.quote(path)} ."]
    return [f"[ -f {shlex.quote(path)} ] && cp {shlex.quote(path)} {target}"]
