"""A ``skyport_gate_sdk.staged.Staging`` on S3 or an S3-compatible store, with presigned URLs.

The aws gate stages through S3 with it; the openstack gate through a cloud's S3-compatible
endpoint (Ceph RGW, Swift's s3api) where configured. The caller makes the boto3 client (this
module imports no boto3): its credentials come from boto3's chain, never from a setting.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any


def client_error_code(exc: BaseException) -> str | None:
    """The error code of a botocore ``ClientError``, None for anything else."""
    response = getattr(exc, "response", None)
    if not isinstance(response, Mapping):
        return None
    code = response.get("Error", {}).get("Code")
    return str(code) if code else None


class S3Staging:
    """One site's keys under ``site_prefix`` in ``bucket``; URLs live ``url_expiry`` seconds."""

    def __init__(self, client: Any, bucket: str, site_prefix: str, url_expiry: int) -> None:
        self.client = client
        self.bucket = bucket
        self.site_prefix = site_prefix
        self.url_expiry = url_expiry

    # -- keys -----------------------------------------------------------------------------------

    def job_prefix(self, job_id: str) -> str:
        return f"{self.site_prefix}jobs/{job_id}/"

    def bundle_key(self, partition_id: str, rank: int) -> str:
        return f"{self.site_prefix}partitions/{partition_id}/node-{rank}.sh"

    # -- presigned URLs, the instance's only access ------------------------------------------------

    def get_url(self, key: str) -> str:
        url: str = self.client.generate_presigned_url(
            "get_object", Params={"Bucket": self.bucket, "Key": key}, ExpiresIn=self.url_expiry
        )
        return url

    def put_url(self, key: str) -> str:
        url: str = self.client.generate_presigned_url(
            "put_object", Params={"Bucket": self.bucket, "Key": key}, ExpiresIn=self.url_expiry
        )
        return url

    # -- objects --------------------------------------------------------------------------------

    def put(self, key: str, data: bytes) -> None:
        self.client.put_object(Bucket=self.bucket, Key=key, Body=data)

    def read(self, key: str, offset: int = 0, length: int | None = None) -> bytes | None:
        """The object's bytes from ``offset`` on (at most ``length`` of them); None when it does not exist."""
        kwargs: dict[str, Any] = {"Bucket": self.bucket, "Key": key}
        if offset or length is not None:
            kwargs["Range"] = f"bytes={offset}-" + ("" if length is None else str(offset + length - 1))
        try:
            data: bytes = self.client.get_object(**kwargs)["Body"].read()
        except Exception as exc:
            code = client_error_code(exc)
            if code in ("NoSuchKey", "404"):
                return None
            if code == "InvalidRange":  # offset at or past the end: nothing more to read
                return b""
            raise
        return data

    def listing(self, prefix: str) -> dict[str, tuple[int, datetime.datetime]]:
        """Keys under ``prefix`` (relative to it) -> (size, last modified)."""
        found: dict[str, tuple[int, datetime.datetime]] = {}
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix):
            for item in page.get("Contents", ()):
                found[item["Key"][len(prefix) :]] = (int(item["Size"]), item["LastModified"])
        return found

    def delete_prefix(self, prefix: str) -> int:
        """Delete every key under ``prefix``; returns how many there were."""
        keys = list(self.listing(prefix))
        for start in range(0, len(keys), 1000):  # DeleteObjects takes at most 1000 keys
            batch = [{"Key": prefix + key} for key in keys[start : start + 1000]]
            self.client.delete_objects(Bucket=self.bucket, Delete={"Objects": batch, "Quiet": True})
        return len(keys)
