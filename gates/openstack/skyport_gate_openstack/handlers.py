"""The gate API's operations for one OpenStack site, one method per operationId (those of jobs and
files in ``skyport_gate_sdk.staged.StagedJobs``).

openstacksdk calls block, so every operation runs its work in a thread (``asyncio.to_thread``).
No call waits for a server to build: create_partition asks Nova for the servers and answers
``creating``; each later get_partition or list_partitions (the core's loop polls them) reads the
servers' status, retries a refused build when its backoff has passed, and deletes servers that
powered off after their job. Records of partitions and jobs are JSON files in the site's state
directory (``skyport_gate_sdk.staged.Records``); changes to them happen under one lock.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import threading
import time
from collections.abc import Mapping
from typing import Any

from skyport_gate_sdk import bootstrap
from skyport_gate_sdk.errors import BadRequest, NotFound
from skyport_gate_sdk.s3 import S3Staging
from skyport_gate_sdk.staged import Records, StagedJobs

from skyport_gate_openstack import converters
from skyport_gate_openstack.cloud import Cloud, connect_s3, http_fault
from skyport_gate_openstack.converters import PartitionRecord
from skyport_gate_openstack.settings import OpenStackSettings
from skyport_gate_openstack.swift import Staging as Swift

logger = logging.getLogger(__name__)

VERSION = "0.1.0"
_CACHE_SECONDS = 600.0  # flavors and images are asked of Nova and Glance at most this often
_KEEP_DELETED_PARTITIONS = 86400.0  # seconds a deleted partition stays in list_partitions


class Handlers(StagedJobs):
    """One OpenStack site's gate: the object ``skyport_gate_sdk.apps.gate_app`` looks operationIds up on.

    The job and file operations are ``skyport_gate_sdk.staged.StagedJobs``'s, on Nova servers.
    """

    version = VERSION
    converters = converters

    def __init__(self, settings: OpenStackSettings, connection: Any) -> None:
        self.settings = settings
        self.site, self.kind = settings.name, "openstack"
        self.keep_job_files = settings.keep_job_files
        self.cloud = Cloud(settings, connection)
        self.staging: Swift | S3Staging
        if settings.s3:
            self.storage = "S3"
            bucket, expiry = settings.s3["bucket"], settings.url_expiry
            self.staging = S3Staging(connect_s3(settings), bucket, settings.site_prefix, expiry)
        else:
            self.storage = "Swift"
            self.staging = Swift(settings, connection)
        self.records = Records(settings.state_dir, PartitionRecord)
        self._lock = threading.RLock()
        self._flavors: dict[str, tuple[str, dict[str, Any]]] = {}
        self._images: dict[str, dict[str, Any]] = {}
        self._cached_at = 0.0

    # -- site -------------------------------------------------------------------------------------

    async def get_user(self, name: str) -> tuple[dict[str, str], int]:
        # Every job has servers of its own and runs as their root.
        return {"name": name, "run_as": "root on the job's own servers"}, 200

    async def list_flavors(self) -> tuple[list[dict[str, Any]], int]:
        flavors = await asyncio.to_thread(self._flavor_table)
        return [spec for _, spec in flavors.values()], 200

    async def list_images(self) -> tuple[list[dict[str, Any]], int]:
        images = await asyncio.to_thread(self._image_table)
        return [converters.image(name, found) for name, found in images.items()], 200

    def _refresh(self) -> None:
        """Ask Nova and Glance again once the cache is old."""
        with self._lock:
            if self._flavors and time.monotonic() - self._cached_at < _CACHE_SECONDS:
                return
            wanted = set(self.settings.flavors)
            flavors = {
                f["name"]: (f["id"], converters.flavor(f, self.settings.prices.get(f["name"], 0.0)))
                for f in self.cloud.flavors()
                if not wanted or f["name"] in wanted
            }
            missing = wanted - set(flavors)
            if missing:
                logger.warning("flavors %s of setting 'flavors' are not in Nova: not offered", sorted(missing))
            found = self.cloud.images()
            images = {}
            for name, ref in self.settings.images.items():
                match = next((i for i in found if ref in (i["id"], i["name"]) and i["status"] == "active"), None)
                if match is None:
                    logger.warning("image %s (%s) is not an active Glance image: not offered", name, ref)
                else:
                    images[name] = match
            self._flavors, self._images, self._cached_at = flavors, images, time.monotonic()

    def _flavor_table(self) -> dict[str, tuple[str, dict[str, Any]]]:
        self._refresh()
        return self._flavors

    def _image_table(self) -> dict[str, dict[str, Any]]:
        self._refresh()
        return self._images

    # -- partitions ---------------------------------------------------------------------------------

    async def list_partitions(self) -> tuple[list[dict[str, Any]], int]:
        return await asyncio.to_thread(self._list_partitions), 200

    def _list_partitions(self) -> list[dict[str, Any]]:
        # Servers and server groups without a record are listed too: the core deletes every
        # partition it has no record of, which makes this listing the sweeper (docs/gates/openstack.md).
        groups = converters.partition_ids(self.cloud.servers())
        server_groups = self.cloud.server_groups()
        result = []
        for record in self.records.partitions():
            if record.deleted_at and time.time() - record.deleted_at > _KEEP_DELETED_PARTITIONS:
                self.records.drop_partition(record.id)
                continue
            result.append(self._reconciled(record, groups.get(record.id, [])))
        known = {p["id"] for p in result}
        orphans = (set(groups) | set(server_groups)) - known
        result.extend(converters.orphan_partition(pid, groups.get(pid, [])) for pid in sorted(orphans))
        return result

    async def create_partition(self, body: Mapping[str, Any]) -> tuple[dict[str, Any], int]:
        return await asyncio.to_thread(self._create_partition, body)

    def _create_partition(self, body: Mapping[str, Any]) -> tuple[dict[str, Any], int]:
        with self._lock:
            existing = self.records.partition(body["id"])
            if existing is not None:
                return converters.partition(existing, self.cloud.servers(existing.id)), 200
            flavors, images = self._flavor_table(), self._image_table()
            image = self._checked_partition(body, flavors, images, self.settings.default_image, self.settings.max_nodes)
            if body.get("spot"):
                raise BadRequest(f"site {self.settings.name} does not offer spot capacity (OpenStack has none)")
            record = PartitionRecord(
                id=body["id"],
                flavor=body["flavor"],
                flavor_id=flavors[body["flavor"]][0],
                image=image,
                image_id=images[image]["id"],
                count=int(body["count"]),
                owner=str(body.get("owner") or "unknown"),
                created_at=converters.now_iso(),
            )
            record = self._build(record, [])
            return converters.partition(record, self.cloud.servers(record.id)), 201

    def _build(self, record: PartitionRecord, servers: list[dict[str, Any]]) -> PartitionRecord:
        """Ask Nova for the partition's missing servers; a refusal is recorded, retried later or final."""
        try:
            if not record.group_id:
                record = dataclasses.replace(record, group_id=self.cloud.create_server_group(record.id))
                self.records.save(record)
            built = {converters.rank(s) for s in servers}
            for rank in sorted(set(range(record.count)) - built):
                user_data = bootstrap.user_data(
                    site=self.settings.name,
                    partition_id=record.id,
                    rank=rank,
                    bundle_url=self.staging.get_url(self.staging.bundle_key(record.id, rank)),
                    poll=self.settings.bundle_poll_interval,
                    wait=self.settings.bundle_wait,
                )
                self.cloud.create_server(
                    partition_id=record.id,
                    rank=rank,
                    flavor_id=record.flavor_id,
                    image_id=record.image_id,
                    group_id=record.group_id,
                    user_data=user_data,
                    owner=record.owner,
                )
        except Exception as exc:
            fault = http_fault(exc)
            if fault is None:
                raise
            status, message, retry_after = fault
            retry, words = converters.build_refusal(status, message)
            return self._refused(record, retry, words, retry_after)
        record = dataclasses.replace(record, state_details="", next_attempt_at=0.0)
        self.records.save(record)
        return record

    def _refused(self, record: PartitionRecord, retry: bool, words: str, retry_after: float | None) -> PartitionRecord:
        attempts = record.attempts + 1
        logger.warning("partition %s: build attempt %d: %s", record.id, attempts, words)
        if retry and attempts < self.settings.launch_attempts:
            delay = min(self.settings.launch_backoff * 2 ** (attempts - 1), self.settings.launch_backoff_max)
            if retry_after is not None:
                delay = min(max(delay, retry_after), self.settings.launch_backoff_max)
            details = f"{words}; attempt {attempts} of {self.settings.launch_attempts}, next try in {delay:g} s"
            record = dataclasses.replace(
                record, attempts=attempts, next_attempt_at=time.time() + delay, state_details=details
            )
        else:
            tries = f" after {attempts} attempts" if retry else ""
            details = f"could not start {record.count} x {record.flavor}{tries}: {words}"
            self._tear_down(record)
            record = dataclasses.replace(record, intent="failed", attempts=attempts, state_details=details)
        self.records.save(record)
        return record

    def _tear_down(self, record: PartitionRecord) -> None:
        self.cloud.delete_servers(s["id"] for s in self.cloud.servers(record.id))
        if record.group_id:
            self.cloud.delete_server_group(record.group_id)

    def _reconciled(self, record: PartitionRecord, servers: list[dict[str, Any]]) -> dict[str, Any]:
        """The partition as it stands, after the steps its servers call for."""
        if record.intent == "create":
            with self._lock:
                record = self.records.partition(record.id) or record
                record, servers = self._step(record, servers)
        return converters.partition(record, servers)

    def _step(
        self, record: PartitionRecord, servers: list[dict[str, Any]]
    ) -> tuple[PartitionRecord, list[dict[str, Any]]]:
        failed = [s for s in servers if s["status"] == "ERROR"]
        if failed and record.job_id is None:
            # A server Nova could not build: drop it, and build it again later or give up.
            retry, words = converters.build_failure(failed[0])
            self.cloud.delete_servers(s["id"] for s in failed)
            record = self._refused(record, retry, words, None)
            return record, self.cloud.servers(record.id)
        if record.job_id is not None and servers and not any(converters.SERVER_ALIVE.get(s["status"]) for s in servers):
            # Powered off after its job: on OpenStack a SHUTOFF server still holds its resources.
            self._tear_down(record)
            return record, servers
        if record.next_attempt_at and time.time() >= record.next_attempt_at:
            record = self._build(record, servers)
            return record, self.cloud.servers(record.id)
        return record, servers

    async def get_partition(self, partition_id: str) -> tuple[dict[str, Any], int]:
        return await asyncio.to_thread(self._get_partition, partition_id), 200

    def _get_partition(self, partition_id: str) -> dict[str, Any]:
        record = self.records.partition(partition_id)
        servers = self.cloud.servers(partition_id)
        if record is None:
            if servers or partition_id in self.cloud.server_groups():
                return converters.orphan_partition(partition_id, servers)
            raise NotFound(f"partition {partition_id} does not exist on site {self.settings.name}")
        return self._reconciled(record, servers)

    async def delete_partition(self, partition_id: str) -> tuple[dict[str, Any], int]:
        return await asyncio.to_thread(self._delete_partition, partition_id), 200

    def _delete_partition(self, partition_id: str) -> dict[str, Any]:
        with self._lock:
            self.cloud.delete_servers(s["id"] for s in self.cloud.servers(partition_id))
            group = self.cloud.server_groups().get(partition_id)
            if group is not None:
                self.cloud.delete_server_group(group)
            # Bundles hold temp URLs; nothing should read them once the servers are gone.
            self.staging.delete_prefix(self.staging.bundle_key(partition_id, 0).rsplit("/", 1)[0] + "/")
            record = self.records.partition(partition_id)
            after = self.cloud.servers(partition_id)
            if record is None:
                return {"id": partition_id, "state": "deleting" if after else "deleted"}
            if record.intent != "delete":
                record = dataclasses.replace(record, intent="delete", deleted_at=time.time(), state_details="deleted")
                self.records.save(record)
            return converters.partition(record, after)

    # -- what skyport_gate_sdk.staged.StagedJobs asks of Nova ----------------------------------------

    def _nodes(self, partition_id: str | None) -> list[dict[str, Any]]:
        return self.cloud.servers(partition_id)

    def _by_partition(self, nodes: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
        return converters.partition_ids(nodes)

    def _stop(self, nodes: list[dict[str, Any]]) -> None:
        self.cloud.delete_servers(s["id"] for s in nodes)
