"""A job's files on the daemon's disk: inputs as submitted, outputs and logs as staged back.

Layout under ``<home>/jobs/<job id>/``: ``inputs/<name>``, ``outputs/<name>``, ``stdout``,
``stderr``. Every write goes to a temporary name first and is renamed into place, so a crash
never leaves half a file under a real name.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

from skyport.errors import BadRequest

INPUTS = "inputs"
OUTPUTS = "outputs"
_CHUNK = 1024 * 1024

InputSource = BinaryIO | Path  # an uploaded file, open; or a file on the daemon's host (owner only)


def check_name(name: str) -> str:
    """``name`` if it is a plain file name; BadRequest otherwise."""
    if not name or name in {".", ".."} or "/" in name or "\\" in name or "\x00" in name or len(name) > 255:
        raise BadRequest(f"file name {name!r} is not valid: use a plain name without '/' (at most 255 characters)")
    return name


def read_from(path: Path, offset: int) -> bytes:
    """The file's bytes from ``offset`` on; nothing when the offset is at or past its end, or there is no file."""
    try:
        with path.open("rb") as f:
            if offset >= os.fstat(f.fileno()).st_size:
                return b""  # seeking that far fails on some file systems (EINVAL on ext4 from 16 TiB)
            f.seek(offset)
            return f.read()
    except FileNotFoundError:
        return b""


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that a crash leaves the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


class JobFiles:
    """Where the daemon keeps job files."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)

    def folder(self, job_id: str) -> Path:
        return self.root / job_id

    def store_inputs(self, job_id: str, files: Iterable[tuple[str, InputSource]]) -> None:
        """Copy all inputs of a new job in at once, in chunks: a crash or an error leaves all of them or none."""
        staging = Path(tempfile.mkdtemp(dir=self.root, prefix=".new-"))
        try:
            (staging / INPUTS).mkdir()
            for name, source in files:
                target = staging / INPUTS / check_name(name)
                if isinstance(source, Path):
                    shutil.copyfile(source, target)
                    continue
                source.seek(0)
                with target.open("wb") as copy:
                    shutil.copyfileobj(source, copy, _CHUNK)
            os.replace(staging, self.folder(job_id))
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise

    def drop_incomplete(self, known: set[str]) -> None:
        """Remove staging folders of submissions that never committed, and folders of unknown jobs."""
        for entry in self.root.iterdir():
            if entry.name.startswith(".new-") or entry.name not in known:
                shutil.rmtree(entry, ignore_errors=True)

    def input_path(self, job_id: str, name: str) -> Path:
        return self.folder(job_id) / INPUTS / check_name(name)

    def write_output(self, job_id: str, name: str, data: bytes) -> None:
        write_atomic(self.folder(job_id) / OUTPUTS / check_name(name), data)

    def write_log(self, job_id: str, stream: str, data: bytes) -> None:
        write_atomic(self.folder(job_id) / stream, data)

    def read_log(self, job_id: str, stream: str, offset: int = 0) -> bytes:
        return read_from(self.folder(job_id) / stream, offset)

    def listing(self, job_id: str) -> list[tuple[str, int, str]]:
        """(name, size, kind) of every input and output, inputs first."""
        found = []
        for kind, sub in (("input", INPUTS), ("output", OUTPUTS)):
            folder = self.folder(job_id) / sub
            if folder.is_dir():
                found += [
                    (p.name, p.stat().st_size, kind) for p in sorted(folder.iterdir()) if not p.name.startswith(".tmp-")
                ]
        return found

    def find(self, job_id: str, name: str) -> Path | None:
        """The output called ``name``, else the input called ``name``, else None."""
        check_name(name)
        for sub in (OUTPUTS, INPUTS):
            path = self.folder(job_id) / sub / name
            if path.is_file():
                return path
        return None

    def clear_results(self, job_id: str) -> None:
        """Forget outputs and logs of an earlier run (requeue); inputs stay."""
        folder = self.folder(job_id)
        shutil.rmtree(folder / OUTPUTS, ignore_errors=True)
        for stream in ("stdout", "stderr"):
            (folder / stream).unlink(missing_ok=True)
