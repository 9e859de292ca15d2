"""A job's declared outputs read back from its work folder, trusting nothing the job left there.

The job wrote the folder, so any name in it may be a trap: a symbolic link to ``/etc/shadow`` or
into another job's folder, a FIFO that blocks its reader forever, a device. Gates that read a work
folder on their own file system (local, Slurm) hand out only regular files that sit in the folder
itself: each is looked at and opened relative to the folder's descriptor, never following a
link, and read one range at a time (``download_output`` in spec/core-gate.yaml), never whole.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from skyport_gate_sdk.errors import NotFound

DEFAULT_RANGE = 8 * 1024 * 1024  # bytes of a download_output answer when the request names no length
_OPEN = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC  # O_NONBLOCK: a FIFO must not block the open
_KINDS = (
    (stat.S_ISLNK, "it is a symbolic link"),
    (stat.S_ISDIR, "it is a directory"),
    (stat.S_ISFIFO, "it is a FIFO"),
    (stat.S_ISSOCK, "it is a socket"),
    (stat.S_ISCHR, "it is a device"),
    (stat.S_ISBLK, "it is a device"),
)


def refusal(mode: int) -> str:
    """Why a file with this ``st_mode`` is not handed out; empty for a regular file."""
    if stat.S_ISREG(mode):
        return ""
    return next((why for test, why in _KINDS if test(mode)), "it is not a regular file")


def _open_folder(folder: Path) -> int | None:
    """The work folder's descriptor; None when it is gone, or is no folder any more (a job swapped in a link)."""
    try:
        return os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError as exc:
        if exc.errno in (errno.ENOENT, errno.ELOOP, errno.ENOTDIR):
            return None
        raise


def output_listing(folder: Path, names: Iterable[str]) -> list[dict[str, Any]]:
    """The list_outputs answer for the declared ``names``: present ones, refused ones with the reason."""
    folder_fd = _open_folder(folder)
    if folder_fd is None:
        return []
    found: list[dict[str, Any]] = []
    try:
        for name in names:
            try:
                info = os.stat(name, dir_fd=folder_fd, follow_symlinks=False)
            except (FileNotFoundError, NotADirectoryError):
                continue
            why = refusal(info.st_mode)
            entry = {"name": name, "size": 0 if why else info.st_size, "kind": "output"}
            found.append({**entry, "refused": why} if why else entry)
    finally:
        os.close(folder_fd)
    return found


def read_output(folder: Path, name: str, offset: int, length: int) -> bytes:
    """At most ``length`` bytes of output ``name`` from ``offset`` on; NotFound saying why if it is refused."""
    fd = _open_regular(folder, name)
    try:
        chunks = []
        while length > 0:
            chunk = os.pread(fd, length, offset)
            if not chunk:
                break
            chunks.append(chunk)
            offset += len(chunk)
            length -= len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def _open_regular(folder: Path, name: str) -> int:
    folder_fd = _open_folder(folder)
    if folder_fd is None:
        raise NotFound(f"output {name!r} does not exist")
    try:
        # The look before opening keeps devices closed; fstat after the open catches a swap in between.
        why = refusal(os.stat(name, dir_fd=folder_fd, follow_symlinks=False).st_mode)
        if not why:
            fd = os.open(name, _OPEN, dir_fd=folder_fd)
            why = refusal(os.fstat(fd).st_mode)
            if not why:
                return fd
            os.close(fd)
    except FileNotFoundError:
        raise NotFound(f"output {name!r} does not exist") from None
    except OSError as exc:
        if exc.errno != errno.ELOOP:  # ELOOP: it became a symbolic link after the look
            raise
        why = "it is a symbolic link"
    finally:
        os.close(folder_fd)
    raise NotFound(f"output {name!r} is refused: {why}")
