"""Every Blob Storage call of the gate: job bundles, inputs, outputs, logs and markers, and SAS URLs.

The blobs of a site are under ``<prefix><site>/`` in the container, laid out as
:mod:`skyport_gate_sdk.staged` says; this is its ``Staging`` for Blob Storage.

A node holds SAS URLs of single blobs only (``sr=b``): read for its bundle and its job's inputs,
create and write for the blobs it reports to. A URL of one blob opens no other blob, so a job
cannot read or overwrite another job's files. The SAS is signed with the account key when the
site names one (``storage_key_env``), else with a user delegation key the gate's credential gets
(https://learn.microsoft.com/rest/api/storageservices/create-user-delegation-sas).
"""

from __future__ import annotations

import datetime
import functools
import logging
import os
import threading
import types
from typing import Any

from skyport_gate_sdk.errors import BadRequest

from skyport_gate_azure.settings import AzureSettings

logger = logging.getLogger(__name__)

# Every PUT of a node creates a block blob: https://learn.microsoft.com/rest/api/storageservices/put-blob
PUT_HEADERS = ("x-ms-blob-type: BlockBlob",)


def _storage() -> Any:
    try:
        from azure.core.exceptions import HttpResponseError, ResourceNotFoundError  # noqa: PLC0415
        from azure.storage.blob import BlobSasPermissions, BlobServiceClient, generate_blob_sas  # noqa: PLC0415
    except ImportError as exc:
        raise ImportError("the azure gate needs azure-storage-blob: pip install skyport-hpc-gate-azure") from exc
    return types.SimpleNamespace(
        error=HttpResponseError,
        missing=ResourceNotFoundError,
        permissions=BlobSasPermissions,
        service=BlobServiceClient,
        sign=generate_blob_sas,
    )


class Staging:
    """One site's blobs in its container."""

    def __init__(self, settings: AzureSettings, credential: Any) -> None:
        self.settings = settings
        self._key: str | None = None
        self._credential: Any = credential
        if settings.storage_key_env:
            self._key = os.environ.get(settings.storage_key_env)
            if not self._key:
                raise BadRequest(
                    f"azure setting 'storage_key_env': the environment variable {settings.storage_key_env} is not set"
                )
            self._credential = {"account_name": settings.storage_account, "account_key": self._key}
        self._delegation: Any = None
        self._lock = threading.Lock()

    @functools.cached_property
    def _sdk(self) -> Any:
        """azure-storage-blob, imported with the first call to Blob Storage (see arm.Credential)."""
        return _storage()

    @functools.cached_property
    def service(self) -> Any:
        retries = self.settings.api_max_attempts - 1
        return self._sdk.service(self.settings.blob_url, credential=self._credential, retry_total=retries)

    @functools.cached_property
    def container(self) -> Any:
        return self.service.get_container_client(self.settings.container)

    # -- names ------------------------------------------------------------------------------------

    def job_prefix(self, job_id: str) -> str:
        return f"{self.settings.site_prefix}jobs/{job_id}/"

    def bundle_key(self, partition_id: str, rank: int) -> str:
        return f"{self.settings.site_prefix}partitions/{partition_id}/node-{rank}.sh"

    def bundles_prefix(self, partition_id: str) -> str:
        return f"{self.settings.site_prefix}partitions/{partition_id}/"

    # -- SAS URLs, a node's only access ------------------------------------------------------------

    def get_url(self, name: str) -> str:
        return self._url(name, self._sdk.permissions(read=True))

    def put_url(self, name: str) -> str:
        return self._url(name, self._sdk.permissions(create=True, write=True))

    def _url(self, name: str, permission: Any) -> str:
        now = datetime.datetime.now(datetime.UTC)
        expiry = now + datetime.timedelta(seconds=self.settings.url_expiry)
        signer: dict[str, Any] = {"account_key": self._key} if self._key else {"user_delegation_key": self._user_key()}
        token = self._sdk.sign(
            account_name=self.settings.storage_account,
            container_name=self.settings.container,
            blob_name=name,
            permission=permission,
            expiry=expiry,
            start=now - datetime.timedelta(minutes=5),  # clocks differ a little
            protocol=None if self.settings.storage_url else "https",
            **signer,
        )
        return f"{self.container.get_blob_client(name).url}?{token}"

    def _user_key(self) -> Any:
        """A user delegation key valid for as long as a URL signed now must be; renewed when half spent."""
        with self._lock:
            now = datetime.datetime.now(datetime.UTC)
            key = self._delegation
            if key is None or _when(key.signed_expiry) - now < datetime.timedelta(seconds=self.settings.url_expiry):
                lifetime = datetime.timedelta(seconds=min(2 * self.settings.url_expiry, 7 * 24 * 3600))
                self._delegation = self.service.get_user_delegation_key(
                    now - datetime.timedelta(minutes=5), now + lifetime
                )
            return self._delegation

    # -- blobs ------------------------------------------------------------------------------------

    def put(self, name: str, data: bytes) -> None:
        self.container.upload_blob(name, data, overwrite=True)

    def read(self, name: str, offset: int = 0, length: int | None = None) -> bytes | None:
        """The blob's bytes from ``offset`` on (at most ``length`` of them); None when it does not exist."""
        try:
            ranged = offset or length is not None
            data: bytes = self.container.download_blob(name, offset=offset if ranged else None, length=length).readall()
        except self._sdk.missing:
            return None
        except self._sdk.error as exc:
            if getattr(exc, "status_code", None) == 416:  # offset at or past the end: nothing more to read
                return b""
            raise
        return data

    def listing(self, prefix: str) -> dict[str, tuple[int, datetime.datetime]]:
        """Blobs under ``prefix`` (names relative to it) -> (size, last modified)."""
        return {
            blob.name[len(prefix) :]: (int(blob.size), blob.last_modified)
            for blob in self.container.list_blobs(name_starts_with=prefix)
        }

    def delete_prefix(self, prefix: str) -> int:
        """Delete every blob under ``prefix``; returns how many there were."""
        names = [prefix + name for name in self.listing(prefix)]
        for start in range(0, len(names), 256):  # a blob batch holds at most 256 subrequests
            self.container.delete_blobs(*names[start : start + 256])
        return len(names)


def _when(moment: Any) -> datetime.datetime:
    """A user delegation key's expiry (a string in the SDK's model) as an aware datetime."""
    if isinstance(moment, datetime.datetime):
        return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)
    return datetime.datetime.fromisoformat(str(moment).replace("Z", "+00:00"))
