"""Job scripts: ``#SWM`` directives (Sky Port's, plus resources and limits) -> a JobRequest.

Each directive is one line ``#SWM <name> [value...]``; docs/jobscript.md lists them. A directive
that cannot be read raises ScriptError naming the line, so nothing half-parsed is ever stored.
"""

from __future__ import annotations

import dataclasses
import re
import shlex
from collections.abc import Callable
from typing import Any

from skyport.errors import ScriptError

MAX_SCRIPT_BYTES = 1024 * 1024


@dataclasses.dataclass(frozen=True)
class JobRequest:
    """What a job script asks for."""

    name: str = ""
    comment: str = ""
    workdir: str = ""
    inputs: tuple[str, ...] = ()  # paths as written; staged under their base names
    outputs: tuple[str, ...] = ()  # file names in the job's work directory
    relocatable: bool = False
    image: str = ""
    ports: tuple[int, ...] = ()
    flavor: str = ""
    account_id: str = ""
    cpus: int = 1  # per node
    mem: int = 0  # MiB per node; 0 = no limit
    gpus: int = 0  # per node
    nodes: int = 1
    time_limit: int = 0  # seconds; 0 = the daemon's default
    priority: int = 0
    sites: tuple[str, ...] = ()  # allowed remote sites; () = any
    depends_on: tuple[str, ...] = ()
    max_price: float | None = None  # US dollars per hour for the whole job

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> JobRequest:
        known = {f.name for f in dataclasses.fields(cls)}
        values: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in data.items() if k in known}
        return cls(**values)


_PREFIX = re.compile(r"^#SWM(?:\s+(.*))?$")
_NAME = re.compile(r"^[A-Za-z0-9._-]{1,200}$")
_UUIDISH = re.compile(r"^[0-9a-fA-F-]{36}$")
_MEM_UNITS = {"": 1, "K": 1 / 1024, "M": 1, "G": 1024, "T": 1024 * 1024}


def _text(args: list[str]) -> str:
    return " ".join(args)


def _one(args: list[str], what: str) -> str:
    if len(args) != 1:
        raise ValueError(f"expects one {what}, got {len(args)} values")
    return args[0]


def _count(args: list[str], minimum: int = 0) -> int:
    value = _one(args, "whole number")
    if not value.isdigit() or int(value) < minimum:
        raise ValueError(f"expects a whole number >= {minimum}, got {value!r}")
    return int(value)


def _mem(args: list[str]) -> int:
    value = _one(args, "size").upper().removesuffix("B").removesuffix("I")
    match = re.fullmatch(r"(\d+(?:\.\d+)?)([KMGT]?)", value)
    if not match:
        raise ValueError(f"expects a size such as 512M or 4G, got {args[0]!r}")
    return max(0, round(float(match[1]) * _MEM_UNITS[match[2]]))


def _duration(args: list[str]) -> int:
    """Seconds from ``3600``, ``90m``, ``2h``, ``1d``, ``MM:SS``, ``HH:MM:SS`` or ``D-HH:MM:SS``."""
    value = _one(args, "duration")
    if match := re.fullmatch(r"(\d+)([smhd]?)", value):
        return int(match[1]) * {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}[match[2]]
    days = 0
    if "-" in value:
        head, _, value = value.partition("-")
        if not head.isdigit():
            raise ValueError(f"expects a duration such as 2h or 1-12:00:00, got {args[0]!r}")
        days = int(head)
    parts = value.split(":")
    if not 2 <= len(parts) <= 3 or not all(p.isdigit() for p in parts):
        raise ValueError(f"expects a duration such as 90m, 2h, 30:00 or 1:30:00, got {args[0]!r}")
    numbers = [int(p) for p in parts]
    seconds = numbers[-1] + 60 * numbers[-2] + (3600 * numbers[0] if len(numbers) == 3 else 0)
    return days * 86400 + seconds


def _file_names(args: list[str]) -> tuple[str, ...]:
    if not args:
        raise ValueError("expects one or more file names")
    for name in args:
        if "/" in name or name in {".", ".."}:
            raise ValueError(f"{name!r} must be a file name in the job's work directory, without '/'")
    return tuple(args)


def _paths(args: list[str]) -> tuple[str, ...]:
    if not args:
        raise ValueError("expects one or more file paths")
    return tuple(args)


def _ports(args: list[str]) -> tuple[int, ...]:
    ports = []
    for arg in ",".join(args).split(","):
        if arg and (not arg.isdigit() or not 0 < int(arg) < 65536):
            raise ValueError(f"expects port numbers 1-65535, got {arg!r}")
        if arg:
            ports.append(int(arg))
    return tuple(ports)


def _price(args: list[str]) -> float:
    value = _one(args, "price").removeprefix("$")
    try:
        price = float(value)
    except ValueError:
        raise ValueError(f"expects a price in US dollars per hour, got {args[0]!r}") from None
    if price < 0:
        raise ValueError("expects a price >= 0")
    return price


def _priority(args: list[str]) -> int:
    value = _one(args, "whole number")
    if not re.fullmatch(r"[+-]?\d+", value) or abs(int(value)) > 1_000_000:
        raise ValueError(f"expects a whole number between -1000000 and 1000000, got {value!r}")
    return int(value)


def _job_ids(args: list[str]) -> tuple[str, ...]:
    ids = tuple(a for arg in args for a in arg.split(",") if a)
    if not ids or not all(_UUIDISH.fullmatch(i) for i in ids):
        raise ValueError(f"expects job IDs, got {' '.join(args)!r}")
    return ids


def _names(args: list[str]) -> tuple[str, ...]:
    names = tuple(a for arg in args for a in arg.split(",") if a)
    if not names or not all(_NAME.fullmatch(n) for n in names):
        raise ValueError(f"expects names of letters, digits, '.', '_' or '-', got {' '.join(args)!r}")
    return names


# directive -> (field, reader, repeatable). Repeatable directives add to what earlier lines gave.
_DIRECTIVES: dict[str, tuple[str, Callable[[list[str]], Any], bool]] = {
    "name": ("name", _text, False),
    "comment": ("comment", _text, False),
    "workdir": ("workdir", lambda a: _one(a, "path"), False),
    "input": ("inputs", _paths, True),
    "output": ("outputs", _file_names, True),
    "image": ("image", lambda a: _one(a, "image name"), False),
    "ports": ("ports", _ports, True),
    "flavor": ("flavor", lambda a: _one(a, "flavor name"), False),
    "account_id": ("account_id", lambda a: _one(a, "account ID"), False),
    "cpus": ("cpus", lambda a: _count(a, 1), False),
    "mem": ("mem", _mem, False),
    "gpus": ("gpus", _count, False),
    "nodes": ("nodes", lambda a: _count(a, 1), False),
    "time": ("time_limit", _duration, False),
    "priority": ("priority", _priority, False),
    "site": ("sites", _names, True),
    "depends": ("depends_on", _job_ids, True),
    "max-price": ("max_price", _price, False),
}
_ALIASES = {
    "input-files": "input",
    "output-files": "output",
    "remote": "site",
    "after": "depends",
    "max_price": "max-price",
}
_FLAGS = {"relocatable": "relocatable"}


def decode(script: bytes) -> str:
    """The script as text; raise ScriptError when it is too large or not UTF-8."""
    if len(script) > MAX_SCRIPT_BYTES:
        raise ScriptError(0, f"the script is {len(script)} bytes; the limit is {MAX_SCRIPT_BYTES}")
    try:
        return script.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScriptError(script[: exc.start].count(b"\n") + 1, "is not valid UTF-8 text") from None


def parse(script: str) -> JobRequest:
    """Read the ``#SWM`` directives of ``script``; raise ScriptError naming the first bad line."""
    if not script.strip():
        raise ScriptError(1, "the script is empty")
    values: dict[str, Any] = {}
    for number, line in enumerate(script.splitlines(), start=1):
        match = _PREFIX.match(line.rstrip())
        if not match:
            continue
        try:
            words = shlex.split(match[1] or "")
        except ValueError as exc:
            raise ScriptError(number, f"cannot split {line.strip()!r}: {exc}") from None
        if not words:
            raise ScriptError(number, "#SWM needs a directive name, e.g. '#SWM name my-job'")
        directive, args = _ALIASES.get(words[0], words[0]), words[1:]
        if directive in _FLAGS:
            if args:
                raise ScriptError(number, f"'{directive}' takes no value")
            values[_FLAGS[directive]] = True
            continue
        if directive not in _DIRECTIVES:
            known = ", ".join(sorted([*_DIRECTIVES, *_FLAGS]))
            raise ScriptError(number, f"unknown directive {words[0]!r}; known directives: {known}")
        field, reader, repeatable = _DIRECTIVES[directive]
        try:
            value = reader(args)
        except ValueError as exc:
            raise ScriptError(number, f"'{directive}' {exc}") from None
        if repeatable and field in values:
            value = values[field] + value
        values[field] = value
    return JobRequest(**values)
