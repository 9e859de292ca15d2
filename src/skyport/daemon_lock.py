"""One daemon per home: an ``flock(2)`` on ``HOME/daemon.lock``, held for the daemon's whole life.

The kernel releases the lock when the daemon's process ends, however it ends, so a held lock
always means a live daemon and a file left behind by a killed one means nothing. The file records
the holder's PID and URL, for the message a second daemon gives and for ``skyport daemon status``
and ``skyport daemon stop``. The file itself is never deleted: a process that opened it just
before the deletion could lock the deleted file while a third one locks a new one.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import json
import os
import time
from collections.abc import Iterator
from pathlib import Path

from skyport.config import LOCK_FILE
from skyport.errors import Conflict, Forbidden

# ``status`` and ``stop`` look with a shared lock held for an instant; a daemon starting at that
# moment tries again for this long before it concludes that another daemon runs.
_RETRY = 0.5


@dataclasses.dataclass(frozen=True)
class Holder:
    """The daemon that holds a home's lock."""

    pid: int | None  # None only while it is between taking the lock and recording itself
    url: str

    def __str__(self) -> str:
        return f"PID {self.pid if self.pid is not None else '(not yet recorded)'}, {self.url}"


def holder(home: Path) -> Holder | None:
    """The daemon running on ``home``, or None when no process holds its lock."""
    try:
        fd = os.open(home / LOCK_FILE, os.O_RDONLY)
    except FileNotFoundError:
        return None
    except PermissionError:
        raise Forbidden(f"{home / LOCK_FILE}: permission denied; ask as the user the daemon runs as") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return _record(fd)
        return None  # closing the file below releases the shared lock
    finally:
        os.close(fd)


@contextlib.contextmanager
def hold(home: Path, url: str) -> Iterator[None]:
    """Hold ``home``'s lock while the block runs, recorded with this process's PID and ``url``.

    Raises Conflict, naming the running daemon, when another process holds it.
    """
    fd = os.open(home / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)  # not inherited by child processes
    try:
        if not _lock(fd):
            raise Conflict(
                f"a daemon already runs on {home} ({_record(fd)}); "
                "`skyport daemon status` shows it, `skyport daemon stop` stops it"
            )
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps({"pid": os.getpid(), "url": url}).encode() + b"\n", 0)
        yield
    finally:
        os.close(fd)


def _lock(fd: int) -> bool:
    deadline = time.monotonic() + _RETRY
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.05)


def _record(fd: int) -> Holder:
    """What the holder recorded; it does so right after taking the lock, so wait a moment for it."""
    deadline = time.monotonic() + _RETRY
    while True:
        with contextlib.suppress(ValueError, KeyError, TypeError):  # empty or half-written
            record = json.loads(os.pread(fd, 4096, 0))
            return Holder(int(record["pid"]), str(record["url"]))
        if time.monotonic() > deadline:
            return Holder(None, "URL not yet recorded")
        time.sleep(0.05)
