"""Every Swift call of the gate: the ``skyport_gate_sdk.staged.Staging`` of an openstack site, with temp URLs.

Objects live under ``<prefix><site>/`` in the site's container, laid out as ``skyport_gate_sdk.staged``
says. A server reaches them only through temp URLs
(https://docs.openstack.org/swift/latest/api/temporary_url_middleware.html): the gate keeps a random
key in the container's ``X-Container-Meta-Temp-URL-Key`` (made on first use, so it is the gate's own
and no other container's URL can be signed with it) and signs each URL with HMAC-SHA256 over
``METHOD\\nEXPIRES\\nPATH`` for one object and one method.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import logging
import secrets
import time
import urllib.parse
from typing import Any

from skyport_gate_openstack.settings import OpenStackSettings

logger = logging.getLogger(__name__)


class Staging:
    """One site's objects in its Swift container."""

    def __init__(self, settings: OpenStackSettings, connection: Any) -> None:
        self.settings = settings
        self.container = settings.container
        self.connection = connection
        self._key: bytes | None = None
        self._endpoint: str | None = None

    @property
    def store(self) -> Any:
        """openstacksdk's object-store proxy; made on first use, so a cloud down at start-up does not stop the gate."""
        return self.connection.object_store

    # -- keys -----------------------------------------------------------------------------------

    def job_prefix(self, job_id: str) -> str:
        return f"{self.settings.site_prefix}jobs/{job_id}/"

    def bundle_key(self, partition_id: str, rank: int) -> str:
        return f"{self.settings.site_prefix}partitions/{partition_id}/node-{rank}.sh"

    # -- temp URLs, the server's only access -----------------------------------------------------

    def _temp_url_key(self) -> bytes:
        """The container's temp URL key, set (with the container made) on first use."""
        if self._key is None:
            self.store.create_container(name=self.container)
            found = self.store.get_container_metadata(self.container).meta_temp_url_key
            if not found:
                found = secrets.token_hex(32)
                self.store.set_container_temp_url_key(self.container, found)
            self._key = str(found).encode()
            self._endpoint = str(self.store.get_endpoint()).rstrip("/")
        return self._key

    def _url(self, method: str, name: str) -> str:
        key = self._temp_url_key()
        assert self._endpoint is not None
        endpoint = urllib.parse.urlsplit(self._endpoint)
        path = f"{endpoint.path}/{self.container}/{name}"
        expires = int(time.time()) + self.settings.url_expiry
        signature = hmac.new(key, f"{method}\n{expires}\n{path}".encode(), hashlib.sha256).hexdigest()
        query = urllib.parse.urlencode({"temp_url_sig": signature, "temp_url_expires": expires})
        return f"{endpoint.scheme}://{endpoint.netloc}{urllib.parse.quote(path)}?{query}"

    def get_url(self, key: str) -> str:
        return self._url("GET", key)

    def put_url(self, key: str) -> str:
        return self._url("PUT", key)

    # -- objects --------------------------------------------------------------------------------

    def _object_path(self, name: str) -> str:
        return f"/{self.container}/{urllib.parse.quote(name)}"

    def put(self, key: str, data: bytes) -> None:
        self._temp_url_key()  # the container exists from here on
        self.store.upload_object(container=self.container, name=key, data=data)

    def read(self, key: str, offset: int = 0, length: int | None = None) -> bytes | None:
        """The object's bytes from ``offset`` on (at most ``length`` of them); None when it does not exist."""
        headers = {}
        if offset or length is not None:
            headers["Range"] = f"bytes={offset}-" + ("" if length is None else str(offset + length - 1))
        response = self.store.get(self._object_path(key), headers=headers, raise_exc=False)
        if response.status_code == 404:
            return None
        if response.status_code == 416:  # offset at or past the end: nothing more to read
            return b""
        response.raise_for_status()
        data: bytes = response.content
        return data

    def listing(self, prefix: str) -> dict[str, tuple[int, datetime.datetime]]:
        """Object names under ``prefix`` (relative to it) -> (size, last modified)."""
        found: dict[str, tuple[int, datetime.datetime]] = {}
        try:
            for item in self.store.objects(self.container, prefix=prefix):
                modified = datetime.datetime.fromisoformat(item.last_modified_at).replace(tzinfo=datetime.UTC)
                found[item.name[len(prefix) :]] = (int(item.content_length or 0), modified)
        except Exception as exc:
            if getattr(exc, "status_code", None) != 404:  # no container yet: nothing stored
                raise
        return found

    def delete_prefix(self, prefix: str) -> int:
        """Delete every object under ``prefix``; returns how many there were."""
        names = list(self.listing(prefix))
        for name in names:
            self.store.delete_object(prefix + name, container=self.container, ignore_missing=True)
        return len(names)
