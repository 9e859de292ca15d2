"""A job's files on the daemon's disk: inputs as submitted, outputs and logs as staged back.

Layout under ``<home>/jobs/<job id>/``: ``inputs/<name>``, ``outputs/<name>``, ``stdout``,
``stderr``. Every write goes to a temporary name first and is renamed into place, so a crash
never leaves half a file under a real name.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import BinaryIO

from skyport_gate_sdk.files import check_name, read_from, write_atomic

# check_name is the gate SDK's (one rule for names, at submit and in every gate), named here too.
__all__ = ["INPUTS", "OUTPUTS", "InputSource", "JobFiles", "check_name", "read_from", "write_atomic"]

INPUTS = "inputs"
OUTPUTS = "outputs"
_CHUNK = 1024 * 1024

InputSource = BinaryIO | Path  # an uploaded file, open; or a file on the daemon's host (owner only)


class JobFiles:
    """Where the daemon keeps job files."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)

    def folder(self, job_id: str) -> Path:
        return self.root / job_id

    def store_inputs(self, job_ids: Sequence[str], files: Iterable[tuple[str, InputSource]]) -> None:
        """Copy all inputs of new jobs in at once, in chunks: a crash or an error leaves all of them or none.

        The tasks of an array share one copy: the first task's files are hard-linked into the others.
        A job without inputs gets its folder when its first output or log comes back.
        """
        files = list(files)
        if not files:
            return
        staged: list[Path] = []
        try:
            for _ in job_ids:
                staging = Path(tempfile.mkdtemp(dir=self.root, prefix=".new-"))
                staged.append(staging)
                (staging / INPUTS).mkdir()
                if len(staged) == 1:
                    self._copy_in(staging / INPUTS, files)
                    names = [p.name for p in (staging / INPUTS).iterdir()]
                    continue
                for name in names:
                    os.link(staged[0] / INPUTS / name, staging / INPUTS / name)
            for job_id, staging in zip(job_ids, staged, strict=True):
                os.replace(staging, self.folder(job_id))
        except BaseException:
            for path in (*staged, *(self.folder(job_id) for job_id in job_ids)):
                shutil.rmtree(path, ignore_errors=True)
            raise

    @staticmethod
    def _copy_in(folder: Path, files: Iterable[tuple[str, InputSource]]) -> None:
        for name, source in files:
            target = folder / check_name(name)
            if isinstance(source, Path):
                shutil.copyfile(source, target)
                continue
            source.seek(0)
            with target.open("wb") as copy:
                shutil.copyfileobj(source, copy, _CHUNK)

    def drop_incomplete(self, known: set[str]) -> None:
        """Remove staging folders of submissions that never committed, and folders of unknown jobs."""
        for entry in self.root.iterdir():
            if entry.name.startswith(".new-") or entry.name not in known:
                shutil.rmtree(entry, ignore_errors=True)

    def input_path(self, job_id: str, name: str) -> Path:
        return self.folder(job_id) / INPUTS / check_name(name)

    def new_part(self, job_id: str) -> BinaryIO:
        """An empty temporary file in the job's outputs folder to copy an output or a log into, range by range."""
        folder = self.folder(job_id) / OUTPUTS
        folder.mkdir(parents=True, exist_ok=True)
        fd, part = tempfile.mkstemp(dir=folder, prefix=".tmp-")
        os.close(fd)
        return Path(part).open("wb")

    def keep_output(self, job_id: str, name: str, part: BinaryIO) -> None:
        """Close a complete download and rename it into place as output ``name``."""
        part.close()
        os.replace(part.name, self.folder(job_id) / OUTPUTS / check_name(name))

    def keep_log(self, job_id: str, stream: str, part: BinaryIO) -> None:
        """Close a complete copy of a log and rename it into place."""
        part.close()
        os.replace(part.name, self.folder(job_id) / stream)

    def drop_part(self, part: BinaryIO) -> None:
        """Close and delete a download that is not kept (over the cap, or interrupted)."""
        part.close()
        Path(part.name).unlink(missing_ok=True)

    def start_staging(self, job_id: str, empty_logs: Iterable[str] = ()) -> None:
        """Delete downloads a crash interrupted, before staging the job's outputs again, and write
        the logs the gate said are empty (they are not copied)."""
        for part in (self.folder(job_id) / OUTPUTS).glob(".tmp-*"):
            part.unlink(missing_ok=True)
        for stream in empty_logs:
            write_atomic(self.folder(job_id) / stream, b"")

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
