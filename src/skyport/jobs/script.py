"""Job scripts: ``#SWM`` directives (Sky Port's, plus resources and limits) -> a JobRequest.

Each directive is one line ``#SWM <name> [value...]``; docs/jobscript.md lists them. A directive
that cannot be read, or whose value is outside its documented range, raises ScriptError naming the
line and the range, so nothing half-parsed or out of bounds is ever stored. A documented subset
of ``#SBATCH`` options is read where no ``#SWM`` line sets the same field; the other ``#SBATCH``
options are kept in ``JobRequest.ignored``, so the job says it ignored them.
"""

from __future__ import annotations

import dataclasses
import math
import re
import shlex
from collections.abc import Callable
from pathlib import PurePosixPath
from typing import Any

from skyport_gate_sdk.files import check_name

from skyport.config import Settings
from skyport.errors import BadRequest, ScriptError

MAX_SCRIPT_BYTES = 1024 * 1024
# Whole-number directives: (field, lowest, highest). The highest are beyond any machine or cluster
# a site offers, and small enough for the scheduler's 64-bit integers; the sites' real limits are
# checked at submit against what they offer.
RANGES = {
    "cpus": (1, 100_000),
    "mem": (0, 1024**3),  # MiB: 1 PiB
    "disk": (0, 1024**3),  # MiB: 1 PiB
    "gpus": (0, 10_000),
    "nodes": (1, 100_000),
    "priority": (-1_000_000, 1_000_000),
}
_DIGITS = 30  # a whole number with more digits is out of every range; not even converted
MAX_ARRAY_TASKS = 10_000  # tasks of one job array, all submitted in one request
MAX_ARRAY_INDEX = 4_000_000  # the highest task ID (Slurm's largest MaxArraySize less one)


@dataclasses.dataclass(frozen=True)
class JobRequest:
    """What a job script asks for."""

    name: str = ""
    comment: str = ""
    workdir: str = ""
    inputs: tuple[str, ...] = ()  # paths as written; staged under their base names
    outputs: tuple[str, ...] = ()  # file names in the job's work directory
    relocatable: bool = False
    image: str = ""  # the image a cloud node boots
    container_image: str = ""  # the image the job runs in, on a site with a container runtime
    run_in: str = ""  # the image the job must run in; a site that cannot run it ends the job in E (TES tasks)
    volumes: tuple[str, ...] = ()  # absolute paths where the job sees empty folders of its own (with run_in)
    ports: tuple[str, ...] = ()  # PORT/PROTOCOL/DIRECTION, e.g. 8888/tcp/in
    flavor: str = ""
    account_id: str = ""
    account: str = ""  # the account the job is charged to; "" = its owner's own (docs/budgets.md)
    storage: str = ""  # Sky Port's storage container for a cloud job's files (#SWM storage NAME)
    disk: int = 0  # MiB of disk per node (#SWM storage SIZE); 0 = no demand
    cpus: int = 1  # per node
    mem: int = 0  # MiB per node; 0 = no limit
    gpus: int = 0  # per node
    nodes: int = 1
    time_limit: int = 0  # seconds; 0 = the daemon's default
    priority: int = 0
    sites: tuple[str, ...] = ()  # allowed remote sites; () = any
    depends_on: tuple[str, ...] = ()
    max_price: float | None = None  # US dollars per hour for the whole job
    ignored: tuple[str, ...] = ()  # #SBATCH options Skyport does not read, as written
    array: str = ""  # task IDs and throttle of a job array, as written: "1-100%10"
    stdout: str = ""  # file name pattern `skyport fetch` writes standard output to (#SBATCH -o)
    stderr: str = ""  # the same for standard error (#SBATCH -e)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> JobRequest:
        values: dict[str, Any] = {
            k: tuple(v) if isinstance(v, list) else v for k, v in data.items() if k in _REQUEST_FIELDS
        }
        return cls(**values)


_REQUEST_FIELDS = frozenset(f.name for f in dataclasses.fields(JobRequest))


_PREFIX = re.compile(r"^#SWM(?:\s+(.*))?$")
_NAME = re.compile(r"^[A-Za-z0-9._-]{1,200}$")
_UUIDISH = re.compile(r"^[0-9a-fA-F-]{36}$")
_SIZE = re.compile(r"([0-9]+(?:\.[0-9]+)?)([KMGT]?)")
_MEM_UNITS = {"": 1, "K": 1 / 1024, "M": 1, "G": 1024, "T": 1024 * 1024}
_PORT_DEFAULTS = ("", "tcp", "in")  # a port without protocol or direction
_PROTOCOLS = ("tcp", "udp")
_DIRECTIONS = ("in", "out")


def _text(args: list[str]) -> str:
    return " ".join(args)


def _one(args: list[str], what: str) -> str:
    if len(args) != 1:
        raise ValueError(f"expects one {what}, got {len(args)} values")
    return args[0]


def _digits(text: str) -> int | None:
    """``text`` as a whole number when it is ASCII digits, else None; huge ones are not converted."""
    if not re.fullmatch(r"[0-9]+", text):
        return None
    return int(text) if len(text.lstrip("0")) <= _DIGITS else 10**_DIGITS


def _whole(field: str) -> Callable[[list[str]], int]:
    """The reader of a whole-number directive, checked against its range in RANGES."""
    low, high = RANGES[field]

    def read(args: list[str]) -> int:
        value = _one(args, "whole number")
        match = re.fullmatch(r"([+-]?)([0-9]+)", value)
        number = _digits(match[2]) if match else None
        if match is None or number is None or not low <= (-number if match[1] == "-" else number) <= high:
            raise ValueError(f"expects a whole number from {low} to {high}, got {value!r}")
        return -number if match[1] == "-" else number

    return read


def _mem(args: list[str]) -> int:
    value = _one(args, "size").upper().removesuffix("B").removesuffix("I")
    match = _SIZE.fullmatch(value)
    if not match:
        raise ValueError(f"expects a size such as 512M or 4G, got {args[0]!r}")
    mib = float(match[1]) * _MEM_UNITS[match[2]]
    high = RANGES["mem"][1]
    if mib > high:
        raise ValueError(f"expects at most {high // 1024**2}T (1 PiB) per node, got {args[0]!r}")
    return round(mib)


def _storage(args: list[str]) -> int | str:
    """Sky Port's ``storage``: a size (``20G``) is disk per node in MiB; a name is Sky Port's storage container."""
    value = _one(args, "size or storage name")
    if _SIZE.fullmatch(value.upper().removesuffix("B").removesuffix("I")):
        return _mem(args)
    return _name("storage name")(args)


def duration(args: list[str]) -> int:
    """Seconds from ``3600``, ``90m``, ``2h``, ``1d``, ``MM:SS``, ``HH:MM:SS`` or ``D-HH:MM:SS``."""
    value = _one(args, "duration")
    if match := re.fullmatch(r"([0-9]+)([smhd]?)", value):
        return (_digits(match[1]) or 0) * {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}[match[2]]
    head, dash, value = value.rpartition("-")
    days = _digits(head) if dash else 0
    numbers = [_digits(p) for p in value.split(":")]
    if days is None or not 2 <= len(numbers) <= 3 or None in numbers:
        raise ValueError(f"expects a duration such as 90m, 2h, 30:00, 1:30:00 or 1-12:00:00, got {args[0]!r}")
    whole = [n or 0 for n in numbers]
    seconds = whole[-1] + 60 * whole[-2] + (3600 * whole[0] if len(whole) == 3 else 0)
    return days * 86400 + seconds


def duration_text(seconds: int) -> str:
    """``365 days``, ``36 hours``, ``90 s``: a time limit as a person reads it."""
    for unit, size in (("days", 86400), ("hours", 3600), ("minutes", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds // size} {unit}"
    return f"{seconds} s"


def _check_time(seconds: int, max_time_limit: int, given: str) -> int:
    if seconds > max_time_limit:
        raise ValueError(
            f"expects a time limit of at most {duration_text(max_time_limit)} ({max_time_limit} s, "
            f"the daemon's max_time_limit), got {given!r}"
        )
    return seconds


def _file_names(args: list[str]) -> tuple[str, ...]:
    return tuple(check_name(name) for name in args)  # none: Sky Port's empty `#SWM output-files`


def _paths(args: list[str]) -> tuple[str, ...]:
    for path in args:  # none: Sky Port's empty `#SWM input-files`
        check_input_path(path)
    return tuple(args)


def check_input_path(path: str) -> str:
    """The name an input declared as ``path`` is staged under; BadRequest when a part of it is not a valid name."""
    for part in PurePosixPath(path).parts:
        if part not in ("/", ".", ".."):
            check_name(part, "input path part")
    return check_name(PurePosixPath(path).name, "input file name")


MAX_IMAGE_NAME = 1024
MAX_VOLUMES = 100


def check_image(name: str) -> str:
    """``name`` if it can be a container image name (no spaces or control characters); ValueError otherwise."""
    if not 0 < len(name) <= MAX_IMAGE_NAME or not name.isprintable() or any(c.isspace() for c in name):
        raise ValueError(f"expects an image name of 1 to {MAX_IMAGE_NAME} printable characters without spaces")
    return name


def check_volume(path: str) -> str:
    """``path`` normalised, if it is an absolute path below ``/`` whose parts are valid names; ValueError otherwise."""
    pure = PurePosixPath(path)
    if not pure.is_absolute() or len(pure.parts) < 2 or any(part in (".", "..") for part in path.split("/")):
        raise ValueError(f"expects an absolute path below / without '.' or '..' parts, got {path!r}")
    for part in pure.parts[1:]:
        check_name(part, "volume path part")
    return str(pure)


def _ports(args: list[str]) -> tuple[str, ...]:
    """Sky Port's ``PORT[/PROTOCOL[/DIRECTION]]`` list, e.g. ``8888/tcp/in,8081/tcp/out``; a bare port is tcp/in."""
    ports = []
    for arg in filter(None, ",".join(args).split(",")):
        parts = arg.split("/")
        port, protocol, direction = [*parts, *_PORT_DEFAULTS[len(parts) :]] if len(parts) <= 3 else ("", "", "")
        if not (port.isdigit() and 0 < int(port) < 65536 and protocol in _PROTOCOLS and direction in _DIRECTIONS):
            raise ValueError(f"expects port numbers 1-65535, each optionally /tcp or /udp and /in or /out, got {arg!r}")
        ports.append(f"{int(port)}/{protocol}/{direction}")
    return tuple(ports)


def _price(args: list[str]) -> float:
    value = _one(args, "price").removeprefix("$")
    try:
        price = float(value)
    except ValueError:
        raise ValueError(f"expects a price in US dollars per hour, got {args[0]!r}") from None
    return _check_price(price)


def _check_price(price: float) -> float:
    if not math.isfinite(price) or price < 0:
        raise ValueError(f"expects a price in US dollars per hour, a finite number >= 0, got {price}")
    return price


def _name(what: str) -> Callable[[list[str]], str]:
    def read(args: list[str]) -> str:
        name = _one(args, what)
        if not _NAME.fullmatch(name):
            raise ValueError(f"expects a name of letters, digits, '.', '_' or '-', got {name!r}")
        return name

    return read


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


def array_tasks(text: str) -> tuple[tuple[int, ...], int]:
    """The task IDs and the throttle (0: none) of ``1-100%10``, ``1,3,5-9`` or ``1-99:2``, as Slurm reads them.

    Counted before they are listed, so a huge range is refused without being built.
    """
    spec, percent, throttle_text = text.partition("%")
    throttle = _digits(throttle_text) if percent else 0
    if throttle is None or (percent and throttle < 1):
        raise ValueError(f"expects a throttle %N with N a whole number of at least 1, got {text!r}")
    parts = []
    for part in spec.split(","):
        match = re.fullmatch(r"([0-9]+)(?:-([0-9]+)(?::([0-9]+))?)?", part)
        numbers = [_digits(n) if n else None for n in match.groups()] if match else []
        if not match or numbers[0] is None:
            raise ValueError(f"expects task IDs such as 1-100, 1,3,5-9 or 1-99:2 (then %N to throttle), got {text!r}")
        first, last, step = numbers[0], numbers[1], numbers[2]
        last = first if last is None else last
        step = 1 if step is None else step
        if not first <= last <= MAX_ARRAY_INDEX or step < 1:
            raise ValueError(
                f"expects task IDs from 0 to {MAX_ARRAY_INDEX}, ranges low-high and steps >= 1, got {part!r}"
            )
        parts.append(range(first, last + 1, step))
    count = sum(len(r) for r in parts)
    if count > MAX_ARRAY_TASKS:
        raise ValueError(f"gives {count} tasks; an array has at most {MAX_ARRAY_TASKS} tasks")
    return tuple(sorted({task for r in parts for task in r})), throttle


def _array(args: list[str]) -> str:
    text = _one(args, "task list")
    array_tasks(text)
    return text


def _log_pattern(args: list[str]) -> str:
    """A file name pattern of #SBATCH -o/-e; only its last part is used, so it must be a valid name."""
    pattern = _one(args, "file name")
    check_name(PurePosixPath(pattern).name or pattern, "file name")
    return pattern


# directive -> (field, reader, repeatable). Repeatable directives add to what earlier lines gave.
_DIRECTIVES: dict[str, tuple[str, Callable[[list[str]], Any], bool]] = {
    "name": ("name", lambda a: check_name(_text(a), "job name"), False),
    "comment": ("comment", _text, False),
    "workdir": ("workdir", lambda a: _one(a, "path"), False),
    "input": ("inputs", _paths, True),
    "output": ("outputs", _file_names, True),
    "image": ("image", lambda a: _one(a, "image name"), False),
    "container-image": ("container_image", lambda a: _one(a, "container image"), False),
    "run-in": ("run_in", lambda a: check_image(_one(a, "image name")), False),
    "volume": ("volumes", lambda a: tuple(check_volume(path) for path in a), True),
    "ports": ("ports", _ports, True),
    "flavor": ("flavor", lambda a: _one(a, "flavor name"), False),
    "account_id": ("account_id", lambda a: _one(a, "account ID"), False),
    "account": ("account", _name("account name"), False),
    "storage": ("storage", _storage, False),  # a size sets disk instead (_disk_from_storage)
    "cpus": ("cpus", _whole("cpus"), False),
    "mem": ("mem", _mem, False),
    "gpus": ("gpus", _whole("gpus"), False),
    "nodes": ("nodes", _whole("nodes"), False),
    "time": ("time_limit", duration, False),
    "priority": ("priority", _whole("priority"), False),
    "site": ("sites", _names, True),
    "depends": ("depends_on", _job_ids, True),
    "max-price": ("max_price", _price, False),
    "array": ("array", _array, False),
}
_ALIASES = {
    "input-files": "input",
    "output-files": "output",
    "cloud-image": "image",
    "remote": "site",
    "after": "depends",
    "max_price": "max-price",
}
_FLAGS = {"relocatable": "relocatable"}

_SBATCH = re.compile(r"^#SBATCH(?:\s+(.*))?$")


def _slurm_time(args: list[str]) -> int:
    """Slurm's ``-t``: a bare number is minutes; the rest reads as ``#SWM time``."""
    value = _one(args, "duration")
    return duration([f"{value}m" if value.isdigit() else value])


def _gres(args: list[str]) -> int:
    kind, _, count = _one(args, "gres").rpartition(":")
    if kind.split(":")[0] != "gpu" or not count.isdigit():
        raise ValueError(f"reads only gpu:N (or gpu:TYPE:N), got {args[0]!r}")
    return _whole("gpus")([count])


def _afterok(args: list[str]) -> tuple[str, ...]:
    kind, _, ids = _one(args, "dependency").partition(":")
    if kind != "afterok" or not ids:
        raise ValueError(f"reads only afterok:ID[:ID...], got {args[0]!r}")
    return _job_ids(ids.split(":"))


# The #SBATCH options read (docs/jobscript.md), short and long -> (field, reader).
_SBATCH_OPTIONS: dict[str, tuple[str, Callable[[list[str]], Any]]] = {
    "--job-name": ("name", lambda a: check_name(_text(a), "job name")),
    "--cpus-per-task": ("cpus", _whole("cpus")),
    "--mem": ("mem", _mem),
    "--tmp": ("disk", _mem),
    "--time": ("time_limit", _slurm_time),
    "--nodes": ("nodes", _whole("nodes")),
    "--gres": ("gpus", _gres),
    "--dependency": ("depends_on", _afterok),
    "--array": ("array", _array),
    "--output": ("stdout", _log_pattern),
    "--error": ("stderr", _log_pattern),
    "--account": ("account", _name("account name")),
}
_SBATCH_SHORT = {
    "-J": "--job-name",
    "-c": "--cpus-per-task",
    "-t": "--time",
    "-N": "--nodes",
    "-d": "--dependency",
    "-a": "--array",
    "-o": "--output",
    "-e": "--error",
    "-A": "--account",
}


def _sbatch(words: list[str]) -> tuple[list[tuple[str, str]], list[str]]:
    """The ``(option, value)`` pairs of one #SBATCH line that Skyport reads, and the words it does not."""
    read: list[tuple[str, str]] = []
    ignored: list[str] = []
    rest = list(words)
    while rest:
        word = rest.pop(0)
        option, equals, value = word.partition("=") if word.startswith("--") else (word[:2], "", word[2:])
        option = _SBATCH_SHORT.get(option, option)
        if option not in _SBATCH_OPTIONS:
            takes_next = not equals and not value and rest and not rest[0].startswith("-")
            ignored.append(f"{word} {rest.pop(0)}" if takes_next else word)
            continue
        if not equals and not value:
            if not rest:
                raise ValueError(f"#SBATCH {word} needs a value")
            value = rest.pop(0)
        read.append((option, value))
    return read, ignored


def decode(script: bytes) -> str:
    """The script as text; raise ScriptError when it is too large or not UTF-8."""
    if len(script) > MAX_SCRIPT_BYTES:
        raise ScriptError(0, f"the script is {len(script)} bytes; the limit is {MAX_SCRIPT_BYTES}")
    try:
        return script.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScriptError(script[: exc.start].count(b"\n") + 1, "is not valid UTF-8 text") from None


def is_directive(line: str) -> bool:
    """Whether :func:`parse` reads ``line`` (one of a script's lines) as a ``#SWM`` or ``#SBATCH`` directive."""
    return bool(_PREFIX.match(line.rstrip()) or _SBATCH.match(line.rstrip()))


def parse(script: str, *, max_time_limit: int = Settings.max_time_limit) -> JobRequest:
    """Read the ``#SWM`` (and ``#SBATCH``) directives of ``script``; raise ScriptError naming the first bad line."""
    if not script.strip():
        raise ScriptError(1, "the script is empty")
    values: dict[str, Any] = {}
    from_sbatch: dict[str, Any] = {}  # used where no #SWM line sets the same field
    ignored: list[str] = []
    for number, line in enumerate(script.splitlines(), start=1):
        match = _PREFIX.match(line.rstrip())
        if not match:
            if sbatch := _SBATCH.match(line.rstrip()):
                ignored += _read_sbatch(number, sbatch[1] or "", from_sbatch, max_time_limit)
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
            if field == "time_limit":
                _check_time(value, max_time_limit, " ".join(args))
        except ValueError as exc:
            raise ScriptError(number, f"'{directive}' {exc}") from None
        if repeatable and field in values:
            value = values[field] + value
        values[field] = value
    return _request({**from_sbatch, **_disk_from_storage(values), "ignored": tuple(ignored)})


def _disk_from_storage(values: dict[str, Any]) -> dict[str, Any]:
    """``#SWM storage SIZE`` reads as a number: the disk per node, not Sky Port's container name."""
    if isinstance(values.get("storage"), int):
        values["disk"] = values.pop("storage")
    return values


def _request(values: dict[str, Any]) -> JobRequest:
    """The request of a script's directives, checked as a whole."""
    if len(values.get("volumes", ())) > MAX_VOLUMES:
        raise ScriptError(0, f"the script declares {len(values['volumes'])} volumes; at most {MAX_VOLUMES} are allowed")
    return JobRequest(**values)


def _read_sbatch(number: int, text: str, values: dict[str, Any], max_time_limit: int) -> list[str]:
    """Read the options of an #SBATCH line into ``values``; return those Skyport does not read."""
    try:
        read, ignored = _sbatch(shlex.split(text))
        for option, value in read:
            field, reader = _SBATCH_OPTIONS[option]
            try:
                values[field] = reader([value])
                if field == "time_limit":
                    _check_time(values[field], max_time_limit, value)
            except ValueError as exc:
                raise ValueError(f"#SBATCH {option} {exc}") from None
    except ValueError as exc:
        raise ScriptError(number, str(exc)) from None
    return ignored


def check_request(request: JobRequest, *, max_time_limit: int) -> None:
    """Raise BadRequest when a stored job's ``request`` is outside what :func:`parse` accepts now.

    An older daemon, or one with a larger ``max_time_limit``, may have accepted it.
    """
    directive = ""
    try:
        for directive in RANGES:
            _whole(directive)([str(getattr(request, directive))])
        directive = "time"
        digits = str(request.time_limit)
        _check_time(
            request.time_limit,
            max_time_limit,
            f"{digits} s" if len(digits) < 20 else f"a {len(digits)}-digit number of seconds",
        )
        directive = "max-price"
        if request.max_price is not None:
            _check_price(request.max_price)
        directive = "name"
        if request.name:
            check_name(request.name, "job name")
        directive = "input"
        for path in request.inputs:
            check_input_path(path)
        directive = "output"
        for name in request.outputs:
            check_name(name)
    except ValueError as exc:
        raise BadRequest(f"'{directive}' {exc}; this daemon does not accept it") from None
