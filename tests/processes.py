"""Finding a job's processes from outside its sandbox, where its own pids mean nothing, and killing
what a test left running."""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import signal
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


def kill_leftover_jobs(state_dir: Path) -> None:
    """SIGKILL every job process group a test left behind, so no test leaks processes."""
    for record in state_dir.glob("jobs/*/job.json"):
        pid = json.loads(record.read_text()).get("pid")
        if pid:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pid, signal.SIGKILL)
