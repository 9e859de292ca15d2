"""Files a gate handles for the core: job and file names checked by one rule, whole-or-nothing writes.

:func:`check_name` is the one rule for names, checked at submit by the core and again by every
gate; :func:`write_atomic` writes through a temporary name, so a crash never leaves half a file
under a real name; :func:`read_from` reads a log or an output from an offset.
"""

from __future__ import annotations

import os
import tempfile
import unicodedata
from pathlib import Path

from skyport_gate_sdk.errors import BadRequest

MAX_NAME_BYTES = 255  # what every file system a gate stages to allows for one name
NAME_RULE = f"a name is 1 to {MAX_NAME_BYTES} bytes of UTF-8, not '.' or '..', without '/', '\\' or control characters"


def _problem(name: str) -> str:
    try:
        size = len(name.encode("utf-8"))
    except UnicodeEncodeError:
        return "is not valid UTF-8"
    control = next((c for c in name if unicodedata.category(c) == "Cc"), None)
    problems = (
        (not name, "is empty"),
        (name in {".", ".."}, "names a folder"),
        (size > MAX_NAME_BYTES, f"is {size} bytes long in UTF-8; at most {MAX_NAME_BYTES} are allowed"),
        ("/" in name, "contains '/'"),
        ("\\" in name, "contains '\\'"),
        (control is not None, f"contains the control character {control!r}"),
    )
    return next((problem for found, problem in problems if found), "")


def check_name(name: str, what: str = "file name") -> str:
    """``name`` if it is a valid name for a file, input, output or job; BadRequest saying why not otherwise.

    The one rule for names, checked at submit, by the core and by every gate: no directories, at
    most one name's length on any file system, and no control characters, so it cannot split a
    line of a log.
    """
    problem = _problem(name)
    if problem:
        shown = name if len(name) <= 80 else f"{name[:60]}...{name[-10:]}"
        raise BadRequest(f"{what} {shown!r} {problem}: {NAME_RULE}")
    return name


def read_from(path: Path, offset: int, length: int | None = None) -> bytes:
    """The file's bytes from ``offset`` on (at most ``length``); nothing at or past its end, or without a file."""
    try:
        with path.open("rb") as f:
            if offset >= os.fstat(f.fileno()).st_size:
                return b""  # seeking that far fails on some file systems (EINVAL on ext4 from 16 TiB)
            f.seek(offset)
            return f.read(length)
    except FileNotFoundError:
        return b""


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that a crash leaves the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.replace(tmp, path)
