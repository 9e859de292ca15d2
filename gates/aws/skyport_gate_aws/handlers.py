"""The gate API's operations for one AWS site, one method per operationId (those of jobs and files
in ``skyport_gate_sdk.staged.StagedJobs``).

boto3 calls block, so every operation runs its work in a thread (``asyncio.to_thread``). Records
of partitions and jobs are JSON files in the site's state directory; EC2 and S3 are asked for
everything else on each call, so a restarted gate picks up where it left off. Changes to records
happen under one lock, which also makes a repeated create or start answer 200 instead of racing.
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
from skyport_gate_sdk.s3 import S3Staging, client_error_code
from skyport_gate_sdk.staged import Records, StagedJobs

from skyport_gate_aws import converters
from skyport_gate_aws.converters import PartitionRecord
from skyport_gate_aws.ec2 import TAG_NODE, Ec2, tag
from skyport_gate_aws.settings import AwsSettings, load_prices

logger = logging.getLogger(__name__)

VERSION = "0.1.0"
_FLAVOR_CACHE_SECONDS = 3600.0
_KEEP_DELETED_PARTITIONS = 86400.0  # seconds a deleted partition stays in list_partitions


class Handlers(StagedJobs):
    """One AWS site's gate: the object ``skyport_gate_sdk.apps.gate_app`` looks operationIds up on.

    The job and file operations are ``skyport_gate_sdk.staged.StagedJobs``'s, on EC2 instances.
    """

    version = VERSION
    converters = converters

    def __init__(self, settings: AwsSettings, clients: Mapping[str, Any]) -> None:
        self.settings = settings
        self.spot = settings.spot
        self.site, self.kind, self.storage = settings.name, "aws", "S3"
        self.keep_job_files = settings.keep_job_files
        self.ec2 = Ec2(settings, clients)
        self.staging = S3Staging(clients["s3"], settings.bucket, settings.site_prefix, settings.url_expiry)
        self.prices = load_prices(settings)
        self.records = Records(settings.state_dir, PartitionRecord)
        self._lock = threading.RLock()
        self._flavors: dict[str, dict[str, Any]] = {}
        self._flavors_at = 0.0

    # -- site -------------------------------------------------------------------------------------

    async def get_user(self, name: str) -> tuple[dict[str, str], int]:
        # Every job has an instance of its own and runs as that instance's root.
        return {"name": name, "run_as": "root on the job's own instance"}, 200

    async def list_flavors(self) -> tuple[list[dict[str, Any]], int]:
        return list((await asyncio.to_thread(self._flavor_table)).values()), 200

    async def list_images(self) -> tuple[list[dict[str, Any]], int]:
        images = await asyncio.to_thread(self._image_table)
        return [converters.image(name, ami, description) for name, (ami, description) in images.items()], 200

    def _flavor_table(self) -> dict[str, dict[str, Any]]:
        with self._lock:
            if self._flavors and time.monotonic() - self._flavors_at < _FLAVOR_CACHE_SECONDS:
                return self._flavors
            table = {}
            for instance_type in self.ec2.instance_types():
                name = instance_type["InstanceType"]
                price = self.ec2.on_demand_price(name)
                if price is None:
                    price = self.prices.get(name)
                if price is None:
                    # An unpriced flavor would look free to the scheduler, so it is not offered.
                    logger.warning(
                        "flavor %s has no price for %s: not offered; add it to 'prices'", name, self.settings.region
                    )
                    continue
                table[name] = converters.flavor(instance_type, price, self.settings.root_volume)
            self._flavors, self._flavors_at = table, time.monotonic()
            return table

    def _image_table(self) -> dict[str, tuple[str, str]]:
        """Image name -> (AMI ID, description): configured images, then those the filters find."""
        images = {name: (ami, "configured") for name, ami in self.settings.images.items()}
        for found in self.ec2.filtered_images():
            images.setdefault(found.get("Name") or found["ImageId"], (found["ImageId"], found.get("Description", "")))
        return images

    # -- partitions ---------------------------------------------------------------------------------

    async def list_partitions(self) -> tuple[list[dict[str, Any]], int]:
        return await asyncio.to_thread(self._list_partitions), 200

    def _list_partitions(self) -> list[dict[str, Any]]:
        # Tagged instances without a record are listed too: the core deletes every partition it
        # has no record of, which makes this listing the sweeper (see docs/gates/aws.md).
        groups = converters.partition_ids(self.ec2.instances())
        result = []
        for record in self.records.partitions():
            if record.deleted_at and time.time() - record.deleted_at > _KEEP_DELETED_PARTITIONS:
                self.records.drop_partition(record.id)
                continue
            found = groups.get(record.id, [])
            retried = self._retry_launch_if_due(record, found)
            if retried is not record:
                found = self.ec2.instances(record.id)
            result.append(converters.partition(retried, found))
        known = {p["id"] for p in result}
        result.extend(converters.orphan_partition(pid, found) for pid, found in groups.items() if pid not in known)
        return result

    async def create_partition(self, body: Mapping[str, Any]) -> tuple[dict[str, Any], int]:
        return await asyncio.to_thread(self._create_partition, body)

    def _create_partition(self, body: Mapping[str, Any]) -> tuple[dict[str, Any], int]:
        with self._lock:
            existing = self.records.partition(body["id"])
            if existing is not None:
                return converters.partition(existing, self.ec2.instances(existing.id)), 200
            images = self._image_table()
            image = self._checked_partition(
                body, self._flavor_table(), images, self.settings.default_image, self.settings.max_nodes
            )
            spot = bool(body.get("spot", False))
            if spot and not self.settings.spot:
                raise BadRequest(f"site {self.settings.name} does not offer spot capacity (setting spot: false)")
            record = PartitionRecord(
                id=body["id"],
                flavor=body["flavor"],
                image=image,
                image_id=images[image][0],
                count=int(body["count"]),
                owner=str(body.get("owner") or "unknown"),
                spot=spot,
                created_at=converters.now_iso(),
            )
            record = self._launch(record, [])
            return converters.partition(record, self.ec2.instances(record.id)), 201

    def _launch(self, record: PartitionRecord, instances: list[dict[str, Any]]) -> PartitionRecord:
        """Start the partition's missing instances; a refusal is recorded, retried later or final."""
        launched = {int(tag(i, TAG_NODE) or 0) for i in instances}
        for rank in sorted(set(range(record.count)) - launched):
            user_data = bootstrap.user_data(
                site=self.settings.name,
                partition_id=record.id,
                rank=rank,
                bundle_url=self.staging.get_url(self.staging.bundle_key(record.id, rank)),
                poll=self.settings.bundle_poll_interval,
                wait=self.settings.bundle_wait,
            )
            try:
                self.ec2.launch(
                    partition_id=record.id,
                    rank=rank,
                    instance_type=record.flavor,
                    image_id=record.image_id,
                    user_data=user_data,
                    owner=record.owner,
                    spot=record.spot,
                )
            except Exception as exc:
                code = client_error_code(exc)
                if code is None:
                    raise
                record = self._refused(record, code, str(getattr(exc, "response", {}).get("Error", {}).get("Message")))
                self.records.save(record)
                return record
        record = dataclasses.replace(record, state_details="", next_attempt_at=0.0)
        self.records.save(record)
        return record

    def _refused(self, record: PartitionRecord, code: str, message: str) -> PartitionRecord:
        retry, words = converters.launch_refusal(code, message)
        attempts = record.attempts + 1
        logger.warning("partition %s: launch attempt %d: %s", record.id, attempts, words)
        if retry and attempts < self.settings.launch_attempts:
            delay = min(self.settings.launch_backoff * 2 ** (attempts - 1), self.settings.launch_backoff_max)
            details = f"{words}; attempt {attempts} of {self.settings.launch_attempts}, next try in {delay:g} s"
            return dataclasses.replace(
                record, attempts=attempts, next_attempt_at=time.time() + delay, state_details=details
            )
        tries = f" after {attempts} attempts" if retry else ""
        details = f"could not start {record.count} x {record.flavor}{tries}: {words}"
        self.ec2.terminate(i["InstanceId"] for i in self.ec2.instances(record.id))
        return dataclasses.replace(record, intent="failed", attempts=attempts, state_details=details)

    def _retry_launch_if_due(self, record: PartitionRecord, instances: list[dict[str, Any]]) -> PartitionRecord:
        if record.intent != "create" or not record.next_attempt_at or time.time() < record.next_attempt_at:
            return record
        with self._lock:
            return self._launch(record, instances)

    async def get_partition(self, partition_id: str) -> tuple[dict[str, Any], int]:
        return await asyncio.to_thread(self._get_partition, partition_id), 200

    def _get_partition(self, partition_id: str) -> dict[str, Any]:
        record = self.records.partition(partition_id)
        instances = self.ec2.instances(partition_id)
        if record is None:
            if instances:
                return converters.orphan_partition(partition_id, instances)
            raise NotFound(f"partition {partition_id} does not exist on site {self.settings.name}")
        record = self._retry_launch_if_due(record, instances)
        return converters.partition(record, self.ec2.instances(partition_id))

    async def delete_partition(self, partition_id: str) -> tuple[dict[str, Any], int]:
        return await asyncio.to_thread(self._delete_partition, partition_id), 200

    def _delete_partition(self, partition_id: str) -> dict[str, Any]:
        with self._lock:
            instances = self.ec2.instances(partition_id)
            self.ec2.terminate(
                i["InstanceId"] for i in instances if i["State"]["Name"] not in ("terminated", "shutting-down")
            )
            record = self.records.partition(partition_id)
            if record is None:
                after = self.ec2.instances(partition_id)
                alive = any(converters.INSTANCE_ALIVE[i["State"]["Name"]] for i in after)
                state = "deleting" if alive else "deleted"
                return {"id": partition_id, "state": state}
            if record.intent != "delete":
                record = dataclasses.replace(record, intent="delete", deleted_at=time.time(), state_details="deleted")
                self.records.save(record)
            # Bundles hold presigned URLs; nothing should read them once the instances are gone.
            self.staging.delete_prefix(self.staging.bundle_key(partition_id, 0).rsplit("/", 1)[0] + "/")
            return converters.partition(record, self.ec2.instances(partition_id))

    # -- what skyport_gate_sdk.staged.StagedJobs asks of EC2 ----------------------------------------

    def _nodes(self, partition_id: str | None) -> list[dict[str, Any]]:
        return self.ec2.instances(partition_id)

    def _by_partition(self, nodes: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
        return converters.partition_ids(nodes)

    def _disk(self, nodes: list[dict[str, Any]]) -> int | None:
        """The smallest root volume of the live instances, as EC2 describes the volumes themselves (not the
        root_volume setting they were made with: it may have changed since)."""
        live = [node for node in nodes if converters.INSTANCE_ALIVE.get(node["State"]["Name"], False)]
        return min(self.ec2.root_volume_sizes(live), default=0) * 1024

    def _stop(self, nodes: list[dict[str, Any]]) -> None:
        self.ec2.terminate(i["InstanceId"] for i in nodes)
