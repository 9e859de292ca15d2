"""Where TES inputs come from and outputs go: the URL schemes the daemon reads and writes.

The daemon fetches every input when the task is created (it becomes one of the job's input
files) and delivers every output once the job has finished, from the files the job left (see
skyport.tes.task). ``file://`` URLs (and bare absolute paths) are files on the daemon's host:
only the daemon's owner may name them, as only they may submit a script by ``?path=``.
"""

from __future__ import annotations

import os
import shutil
import tarfile
import tempfile
import urllib.parse
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import IO, BinaryIO

from skyport.errors import BadRequest, Forbidden

_CHUNK = 1024 * 1024


class Storage:
    """The storage a daemon reaches for TES inputs and outputs."""

    def __init__(self, *, owner: str) -> None:
        self.owner = owner  # only they may name files on the daemon's host

    def schemes(self) -> list[str]:
        """What service-info lists as the storage this daemon reaches."""
        return ["file://"]

    def check(self, user: str, url: str, what: str) -> None:
        """Refuse at the door a URL this daemon cannot reach for ``user``, naming the fix."""
        scheme = _scheme(url)
        if scheme == "file":
            if user != self.owner:
                raise Forbidden(
                    f"{what} {url!r} is a file on the daemon's host; only the daemon's owner ({self.owner}) may name "
                    "such files: send the content inline or use storage the daemon reaches for you"
                )
            if not PurePosixPath(_local(url)).is_absolute():
                raise BadRequest(f"{what} {url!r} is not an absolute path (file:///path/to/file)")
            return
        raise BadRequest(f"{what} {url!r}: this server reaches {', '.join(self.schemes())} only")

    def fetch(self, user: str, url: str, directory: bool) -> BinaryIO:
        """The input at ``url`` as an open file; a tar archive of its files for a folder. Blocking."""
        self.check(user, url, "input")
        path = Path(_local(url))
        if directory:
            if not path.is_dir():
                raise BadRequest(f"input {url!r} is not a folder on the daemon's host")
            archive = tempfile.TemporaryFile()
            with tarfile.open(fileobj=archive, mode="w") as tar:
                tar.add(path, arcname=".")
            archive.seek(0)
            return archive
        if not path.is_file():
            raise BadRequest(f"input {url!r} is not a file on the daemon's host")
        return path.open("rb")

    def put(self, url: str, source: IO[bytes]) -> None:
        """Write ``source`` to ``url``, whole or not at all. Blocking; ``url`` was checked at create."""
        target = Path(_local(url))
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, part = tempfile.mkstemp(dir=target.parent, prefix=".tes-")
        try:
            with os.fdopen(fd, "wb") as copy:
                shutil.copyfileobj(source, copy, _CHUNK)
            os.replace(part, target)
        except BaseException:
            Path(part).unlink(missing_ok=True)
            raise


def _scheme(url: str) -> str:
    if url.startswith("/"):
        return "file"
    return urllib.parse.urlsplit(url).scheme.lower()


def _local(url: str) -> str:
    return url if url.startswith("/") else urllib.parse.unquote(urllib.parse.urlsplit(url).path)


def archive_members(archive: Path) -> Iterator[tuple[str, IO[bytes], int]]:
    """(relative path, content, size) of each regular file of a tar archive a job made; other members are
    skipped, and so are names that would leave the folder."""
    with tarfile.open(archive, mode="r:") as tar:
        for member in tar:
            name = PurePosixPath(member.name)
            parts = [part for part in name.parts if part != "."]
            if not member.isreg() or name.is_absolute() or ".." in parts or not parts:
                continue
            content = tar.extractfile(member)
            if content is not None:
                yield "/".join(parts), content, member.size
