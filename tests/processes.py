"""Finding a job's processes from outside its sandbox, where its own pids mean nothing."""

from __future__ import annotations

import itertools
import os
from pathlib import Path

_numbers = itertools.count(1)


def marked_sleep() -> str:
    """A `sleep` duration no other process on this machine uses: about 1000 s, marked by this test process."""
    return f"1000.{os.getpid()}{next(_numbers):03d}"


def sleeping() -> set[str]:
    """The durations of every `sleep` process on this machine (zombies excluded)."""
    found = set()
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            argv = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if Path(argv[0].decode(errors="replace")).name == "sleep" and len(argv) > 1:
            found.add(argv[1].decode(errors="replace"))
    return found
