"""Where TES inputs come from and outputs go: the URL schemes the daemon reads and writes.

The daemon fetches every input when the task is created (it becomes one of the job's input
files) and delivers every output once the job has finished, from the files the job left (see
skyport.tes.task). Three kinds of storage:

- ``file://`` URLs (and bare absolute paths): files on the daemon's host. Only the daemon's owner
  may name them, as only they may submit a script by ``?path=``.
- ``s3://bucket/key``: through the AWS credentials the daemon finds (boto3's default chain:
  environment, ``~/.aws``, instance role) and ``tes_s3_endpoint`` in config.yaml (MinIO, say).
  They are the daemon's, not the user's, so a user other than the owner may name only the buckets
  ``tes_s3_buckets`` lists (none by default). A folder is every object under ``key/``.
- ``http://`` and ``https://`` inputs, only from the URL prefixes ``tes_http_inputs`` in
  config.yaml lists (none by default): the daemon makes no request to an address its owner did
  not allow, and follows no redirect.

Every fetched input counts against ``max_upload`` as it arrives, and so do all of a task's inputs together.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import urllib.parse
from collections.abc import Iterator, Sequence
from pathlib import Path, PurePosixPath
from typing import IO, Any, BinaryIO

import httpx

from skyport.errors import BadRequest, Forbidden, TooLarge

_CHUNK = 1024 * 1024
_HTTP_TIMEOUT = 30.0  # seconds without progress before an http(s) input is given up
AWS_HINT = "install the AWS extra (pip install 'skyport-hpc[aws]') to read and write s3:// URLs"


class Storage:
    """The storage a daemon reaches for TES inputs and outputs."""

    def __init__(
        self,
        *,
        owner: str,
        max_size: int,
        s3_endpoint: str = "",
        s3_buckets: Sequence[str] = (),
        http_inputs: Sequence[str] = (),
    ) -> None:
        self.owner = owner  # only they may name files on the daemon's host, and any bucket
        self.max_size = max_size  # bytes one input may have
        self.s3_endpoint = s3_endpoint
        self.s3_buckets = frozenset(s3_buckets)  # buckets other users may name
        self.http_inputs = [_allowed_prefix(prefix) for prefix in http_inputs]
        self._s3: Any = None

    def schemes(self) -> list[str]:
        """What service-info lists as the storage this daemon reaches."""
        schemes = ["file://", "s3://"]
        return [*schemes, *(urllib.parse.urlunsplit(prefix) for prefix in self.http_inputs)]

    def check(self, user: str, url: str, what: str, *, output: bool = False) -> None:
        """Refuse at the door a URL this daemon cannot reach for ``user``, naming the fix."""
        scheme = _scheme(url)
        if scheme == "file":
            if user != self.owner:
                raise Forbidden(
                    f"{what} {url!r} is a file on the daemon's host; only the daemon's owner ({self.owner}) may name "
                    "such files: send the content inline or use s3://"
                )
            if not PurePosixPath(_local(url)).is_absolute():
                raise BadRequest(f"{what} {url!r} is not an absolute path (file:///path/to/file)")
            return
        if scheme == "s3":
            bucket, _ = _bucket_key(url, what)
            if user != self.owner and bucket not in self.s3_buckets:
                raise Forbidden(
                    f"{what} {url!r} is in bucket {bucket}, which the daemon's owner does not list in tes_s3_buckets "
                    "(config.yaml): the daemon reaches S3 with its own credentials, so other users may name only "
                    "the buckets listed there"
                )
            return
        if scheme in ("http", "https") and not output:
            if not any(_under(urllib.parse.urlsplit(url), prefix) for prefix in self.http_inputs):
                raise Forbidden(
                    f"{what} {url!r} is not under a URL prefix the daemon's owner allows (tes_http_inputs in "
                    "config.yaml); the daemon fetches nothing else"
                )
            return
        kinds = "file://, s3://" + ("" if output else " and the allowed http(s):// prefixes")
        raise BadRequest(f"{what} {url!r}: this server reaches {kinds} only")

    # -- inputs -----------------------------------------------------------------------------------

    def fetch(self, user: str, url: str, directory: bool) -> BinaryIO:
        """The input at ``url`` as an open file; a tar archive of its files for a folder. Blocking."""
        self.check(user, url, "input")
        scheme = _scheme(url)
        if scheme == "s3":
            return self._fetch_s3(url, directory)
        if scheme in ("http", "https"):
            if directory:
                raise BadRequest(f"input {url!r}: an http(s) URL is one file, not a DIRECTORY")
            return self._fetch_http(url)
        path = Path(_local(url))
        if directory:
            import tarfile  # here: ~10 ms the daemon's start need not pay

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

    def _fetch_http(self, url: str) -> BinaryIO:
        spool = tempfile.TemporaryFile()
        try:
            with httpx.stream("GET", url, follow_redirects=False, timeout=_HTTP_TIMEOUT) as answer:
                if answer.status_code != 200:
                    raise BadRequest(f"input {url!r}: the server answered {answer.status_code}, not 200 with the file")
                for chunk in answer.iter_bytes(_CHUNK):
                    spool.write(chunk)
                    self._within(spool.tell(), url)
        except httpx.HTTPError as exc:
            spool.close()
            raise BadRequest(f"input {url!r} could not be fetched: {exc}") from None
        except BaseException:
            spool.close()
            raise
        spool.seek(0)
        return spool

    def _fetch_s3(self, url: str, directory: bool) -> BinaryIO:
        import tarfile

        bucket, key = _bucket_key(url, "input")
        client, errors = self._client()
        spool = tempfile.TemporaryFile()
        try:
            if not directory:
                self._within(client.head_object(Bucket=bucket, Key=key)["ContentLength"], url)
                client.download_fileobj(bucket, key, spool)
            else:
                prefix = key.rstrip("/") + "/"
                with tarfile.open(fileobj=spool, mode="w") as tar:
                    total = 0
                    for item in self._objects(bucket, prefix):
                        relative = item["Key"][len(prefix) :]
                        if not relative or relative.endswith("/"):
                            continue
                        total += item["Size"]
                        self._within(total, url)
                        body = client.get_object(Bucket=bucket, Key=item["Key"])["Body"]
                        member = tarfile.TarInfo(relative)
                        member.size = item["Size"]
                        tar.addfile(member, body)
        except errors as exc:
            spool.close()
            raise BadRequest(f"input {url!r} could not be read: {exc}") from None
        except BaseException:
            spool.close()
            raise
        spool.seek(0)
        return spool

    def _objects(self, bucket: str, prefix: str) -> Iterator[dict[str, Any]]:
        client, _ = self._client()
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
            yield from page.get("Contents", [])

    def _within(self, size: int, url: str) -> None:
        if size > self.max_size:
            raise TooLarge(f"input {url!r} is larger than the {self.max_size} bytes a task may bring (max_upload)")

    # -- outputs ----------------------------------------------------------------------------------

    def put(self, url: str, source: IO[bytes]) -> None:
        """Write ``source`` to ``url``, whole or not at all. Blocking; ``url`` was checked at create."""
        if _scheme(url) == "s3":
            bucket, key = _bucket_key(url, "output")
            client, _ = self._client()
            client.upload_fileobj(source, bucket, key)
            return
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

    def _client(self) -> tuple[Any, tuple[type[Exception], ...]]:
        """The S3 client (made once; boto3 clients are thread-safe) and the errors it raises."""
        try:
            import boto3
            import botocore.exceptions
        except ImportError:
            raise BadRequest(f"this daemon cannot reach s3://: {AWS_HINT}") from None
        if self._s3 is None:
            self._s3 = boto3.client("s3", endpoint_url=self.s3_endpoint or None)
        return self._s3, (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError)


def _scheme(url: str) -> str:
    if url.startswith("/"):
        return "file"
    return urllib.parse.urlsplit(url).scheme.lower()


def _local(url: str) -> str:
    return url if url.startswith("/") else urllib.parse.unquote(urllib.parse.urlsplit(url).path)


def _bucket_key(url: str, what: str) -> tuple[str, str]:
    parts = urllib.parse.urlsplit(url)
    key = parts.path.lstrip("/")
    if not parts.netloc or not key or parts.query or parts.fragment:
        raise BadRequest(f"{what} {url!r} is not an S3 object URL: give s3://BUCKET/KEY")
    return parts.netloc, key


def _allowed_prefix(prefix: str) -> urllib.parse.SplitResult:
    parts = urllib.parse.urlsplit(prefix)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise BadRequest(f"tes_http_inputs: {prefix!r} is not an http(s) URL prefix such as https://data.example/pub/")
    return parts


def _under(url: urllib.parse.SplitResult, prefix: urllib.parse.SplitResult) -> bool:
    """Whether ``url`` is at or below ``prefix``: same scheme, host and port, and a path under the prefix's
    (whole segments, no '..')."""
    try:
        same = (url.scheme, url.hostname, url.port) == (prefix.scheme, prefix.hostname, prefix.port)
    except ValueError:  # a port that is not a number
        return False
    if not same or url.username or url.password or ".." in urllib.parse.unquote(url.path).split("/"):
        return False
    base = prefix.path if prefix.path.endswith("/") else prefix.path + "/"
    return url.path == prefix.path or url.path.startswith(base) or not prefix.path.strip("/")


def archive_members(archive: Path) -> Iterator[tuple[str, IO[bytes], int]]:
    """(relative path, content, size) of each regular file of a tar archive a job made; other members are
    skipped, and so are names that would leave the folder."""
    import tarfile

    with tarfile.open(archive, mode="r:") as tar:
        for member in tar:
            name = PurePosixPath(member.name)
            parts = [part for part in name.parts if part != "."]
            if not member.isreg() or name.is_absolute() or ".." in parts or not parts:
                continue
            content = tar.extractfile(member)
            if content is not None:
                yield "/".join(parts), content, member.size
