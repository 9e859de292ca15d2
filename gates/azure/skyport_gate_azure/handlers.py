"""The gate API's operations for one Azure site, one method per operationId.

SDK calls block, so every operation runs its work in a thread (``asyncio.to_thread``). Records of
partitions and jobs are JSON files in the site's state directory; ARM and Blob Storage are asked
for everything else on each call, so a restarted gate picks up where it left off.

No call waits for a long-running ARM operation. A partition is built in steps (resource group,
network security group, virtual network, network interfaces, VMs); each step's PUTs are started,
their operation URLs recorded, and every later get_partition or list_partitions (the core polls
them) asks those URLs once and starts the next step when all succeeded. Changes to records happen
under one lock, which also makes a repeated create or start answer 200 instead of racing.
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
from skyport_gate_sdk.staged import Records, StagedJobs

from skyport_gate_azure import converters, prices
from skyport_gate_azure.arm import Arm, Refusal, restricted, vm_name
from skyport_gate_azure.blobs import PUT_HEADERS, Staging
from skyport_gate_azure.converters import STEPS, PartitionRecord
from skyport_gate_azure.settings import AzureSettings, load_prices

logger = logging.getLogger(__name__)

VERSION = "0.1.0"
_FLAVOR_CACHE_SECONDS = 3600.0
_KEEP_DELETED_PARTITIONS = 86400.0  # seconds a deleted partition stays in list_partitions


class Handlers(StagedJobs):
    """One Azure site's gate: the object ``skyport_gate_sdk.apps.gate_app`` looks operationIds up on."""

    version = VERSION
    converters = converters
    node_noun = "VMs"

    def __init__(self, settings: AzureSettings, arm: Arm, staging: Staging) -> None:
        self.settings = settings
        self.spot = settings.spot
        self.site, self.kind, self.storage = settings.name, "azure", "Blob Storage"
        self.put_headers = PUT_HEADERS
        self.keep_job_files = settings.keep_job_files
        self.arm = arm
        self.staging = staging
        self.prices = load_prices(settings)
        self.records = Records(settings.state_dir, PartitionRecord)
        self._lock = threading.RLock()
        self._flavors: dict[str, dict[str, Any]] = {}
        self._flavors_at = 0.0

    # -- site -------------------------------------------------------------------------------------

    async def get_user(self, name: str) -> tuple[dict[str, str], int]:
        # Every job has VMs of its own and runs as their root.
        return {"name": name, "run_as": "root on the job's own virtual machines"}, 200

    async def list_flavors(self) -> tuple[list[dict[str, Any]], int]:
        return list((await asyncio.to_thread(self._flavor_table)).values()), 200

    async def list_images(self) -> tuple[list[dict[str, Any]], int]:
        return [converters.image(name, image) for name, image in self.settings.images.items()], 200

    def _flavor_table(self) -> dict[str, dict[str, Any]]:
        with self._lock:
            if self._flavors and time.monotonic() - self._flavors_at < _FLAVOR_CACHE_SECONDS:
                return self._flavors
            wanted = set(self.settings.flavors)
            skus = {sku.name: sku for sku in self.arm.vm_skus() if sku.name in wanted}
            for name in sorted(wanted - set(skus)):
                logger.warning("VM size %s is not offered in %s: not offered", name, self.settings.location)
            listed = {}
            if self.settings.use_prices_api:
                verify = str(self.settings.ca_bundle) if self.settings.ca_bundle else True
                listed = prices.linux_prices(self.settings.prices_url, self.settings.location, skus, verify)
            table = {}
            for name, sku in sorted(skus.items()):
                why = restricted(sku, self.settings.location)
                if why:
                    logger.warning(
                        "VM size %s is restricted in %s (%s): not offered", name, self.settings.location, why
                    )
                    continue
                price = self.settings.prices.get(name, listed.get(name, self.prices.get(name)))
                if price is None:
                    # An unpriced flavor would look free to the scheduler, so it is not offered.
                    logger.warning(
                        "flavor %s has no price for %s: not offered; add it to 'prices'", name, self.settings.location
                    )
                    continue
                table[name] = converters.flavor(sku, price, self.settings.os_disk)
            self._flavors, self._flavors_at = table, time.monotonic()
            return table

    # -- partitions ---------------------------------------------------------------------------------

    async def list_partitions(self) -> tuple[list[dict[str, Any]], int]:
        return await asyncio.to_thread(self._list_partitions), 200

    def _list_partitions(self) -> list[dict[str, Any]]:
        # Tagged groups without a record are listed too: the core deletes every partition it has
        # no record of, which makes this listing the sweeper (see docs/gates/azure.md).
        groups = self.arm.groups()
        result = []
        for record in self.records.partitions():
            if record.deleted_at and time.time() - record.deleted_at > _KEEP_DELETED_PARTITIONS:
                self.records.drop_partition(record.id)
                continue
            result.append(self._view(record))
        known = {p["id"] for p in result}
        result.extend(
            converters.orphan_partition(pid, tags, self.arm.vms(pid))
            for pid, tags in groups.items()
            if pid not in known
        )
        return result

    async def create_partition(self, body: Mapping[str, Any]) -> tuple[dict[str, Any], int]:
        return await asyncio.to_thread(self._create_partition, body)

    def _create_partition(self, body: Mapping[str, Any]) -> tuple[dict[str, Any], int]:
        with self._lock:
            existing = self.records.partition(body["id"])
            if existing is not None:
                return self._view(existing), 200
            images = self.settings.images
            image = self._checked_partition(body, self._flavor_table(), images, self.settings.default_image, None)
            spot = bool(body.get("spot", False))
            if spot and not self.settings.spot:
                raise BadRequest(f"site {self.settings.name} does not offer Spot VMs (setting spot: false)")
            self._check_max_nodes(int(body["count"]), self.settings.max_nodes)
            record = PartitionRecord(
                id=body["id"],
                flavor=body["flavor"],
                image=image,
                count=int(body["count"]),
                owner=str(body.get("owner") or "unknown"),
                spot=spot,
                created_at=converters.now_iso(),
            )
            self.records.save(record)
            return self._view(record), 201

    def _live_nodes(self) -> int:
        # A partition whose job ended is on its way out once its VMs powered off: asking for it
        # starts its deletion (see _end_if_powered_off), and its VMs count no more.
        return sum(
            r.count
            for r in self.records.partitions()
            if r.intent == "create" and (r.job_id is None or self._view(r)["state"] not in ("deleting", "deleted"))
        )

    def _view(self, record: PartitionRecord) -> dict[str, Any]:
        """Move the partition on as far as ARM lets it now, then show it."""
        with self._lock:
            record = self._advance(record)
        vms = self.arm.vms(record.id) if record.intent == "create" or record.delete_operation else []
        if record.intent == "create" and record.step == "running":
            record = self._end_if_powered_off(record, vms)
        return converters.partition(record, vms)

    def _advance(self, record: PartitionRecord) -> PartitionRecord:
        """Poll the record's running operations once; start the next step when they all succeeded."""
        if record.delete_operation:
            record = self._poll_deletion(record)
        if record.intent != "create" or record.step == "running":
            return record
        if record.next_attempt_at and time.time() < record.next_attempt_at:
            return record
        while True:
            pending = {}
            for name, url in record.operations.items():
                operation = self.arm.operation(url)
                if operation.error is not None:
                    return self._refused(record, operation.error)
                if not operation.done:
                    pending[name] = url
            if pending:
                if pending != record.operations:
                    record = dataclasses.replace(record, operations=pending)
                    self.records.save(record)
                return record
            step = STEPS[STEPS.index(record.step) + 1] if record.step else STEPS[0]
            try:
                operations = self._start(record, step)
            except Refusal as refusal:
                return self._refused(dataclasses.replace(record, step=step, operations={}), refusal)
            record = dataclasses.replace(
                record, step=step, operations=operations, state_details="", next_attempt_at=0.0
            )
            self.records.save(record)
            if step == "running":
                return record

    def _poll_deletion(self, record: PartitionRecord) -> PartitionRecord:
        """Ask once whether the partition's group is gone; a failed deletion is started again."""
        assert record.delete_operation is not None
        operation = self.arm.operation(record.delete_operation)
        if not operation.done:
            return record
        if operation.error is not None:
            logger.warning("partition %s: deleting its group failed: %s", record.id, operation.error)
            record = dataclasses.replace(record, delete_operation=self.arm.delete_group(record.id))
        else:
            record = dataclasses.replace(record, delete_operation=None)
        self.records.save(record)
        return record

    def _start(self, record: PartitionRecord, step: str) -> dict[str, str]:
        """Start one step of building a partition; the URLs of its operations still running."""
        ranks = range(record.count)
        if step == "group":
            self.arm.create_group(record.id, record.owner)
            return {}
        if step == "nsg":
            started = {"nsg": self.arm.create_nsg(record.id, record.owner)}
        elif step == "vnet":
            started = {"vnet": self.arm.create_vnet(record.id, record.owner)}
        elif step == "nics":
            started = {f"nic-{rank}": self.arm.create_nic(record.id, record.owner, rank) for rank in ranks}
        elif step == "vms":
            image = self.settings.images[record.image]
            started = {
                f"vm-{rank}": self.arm.create_vm(
                    partition_id=record.id,
                    owner=record.owner,
                    rank=rank,
                    size=record.flavor,
                    image=image,
                    custom_data=self._custom_data(record, rank),
                    spot=record.spot,
                )
                for rank in ranks
            }
        else:
            return {}
        return {name: url for name, url in started.items() if url}

    def _custom_data(self, record: PartitionRecord, rank: int) -> str:
        return bootstrap.user_data(
            site=self.settings.name,
            partition_id=record.id,
            rank=rank,
            bundle_url=self.staging.get_url(self.staging.bundle_key(record.id, rank)),
            poll=self.settings.bundle_poll_interval,
            wait=self.settings.bundle_wait,
        )

    def _refused(self, record: PartitionRecord, refusal: Refusal) -> PartitionRecord:
        """A refused step: tried again after a backoff while worth it and attempts are left, else failed."""
        retry, words = converters.refusal_words(refusal)
        attempts = record.attempts + 1
        logger.warning("partition %s: attempt %d: %s", record.id, attempts, words)
        # The step is started again on the next pass after the backoff.
        redo = STEPS[STEPS.index(record.step) - 1] if STEPS.index(record.step) > 0 else ""
        if retry and attempts < self.settings.create_attempts:
            delay = min(self.settings.create_backoff * 2 ** (attempts - 1), self.settings.create_backoff_max)
            delay = max(delay, refusal.retry_after)
            details = f"{words}; attempt {attempts} of {self.settings.create_attempts}, next try in {delay:g} s"
            record = dataclasses.replace(
                record,
                step=redo,
                operations={},
                attempts=attempts,
                next_attempt_at=time.time() + delay,
                state_details=details,
            )
        else:
            tries = f" after {attempts} attempts" if retry else ""
            details = f"could not start {record.count} x {record.flavor}{tries}: {words}"
            record = dataclasses.replace(
                record,
                intent="failed",
                operations={},
                attempts=attempts,
                state_details=details,
                delete_operation=self.arm.delete_group(record.id),  # nothing of it keeps billing
            )
        self.records.save(record)
        return record

    def _end_if_powered_off(self, record: PartitionRecord, vms: list[dict[str, Any]]) -> PartitionRecord:
        """A partition whose VMs are down is deleted: a stopped VM still bills its compute.

        Before a job ran, one VM down or gone (a Spot eviction deletes it) fails the partition;
        after, it is deleted once none of its VMs is up.
        """
        down = [vm for vm in vms if not converters.alive(vm)]
        ranks = {vm["rank"] for vm in vms}
        missing = [rank for rank in range(record.count) if rank not in ranks]
        if record.job_id is not None and len(down) < len(vms):
            return record
        if record.job_id is None and not down and not missing:
            return record
        with self._lock:
            if record.job_id is not None:
                details = f"its VMs powered off after job {record.job_id}; its resource group is being deleted"
                intent, deleted_at = "delete", time.time()
            else:
                why = converters.gone(down[0]) if down else f"VM {vm_name(missing[0])} no longer exists"
                details = f"{why} before any job ran"
                intent, deleted_at = "failed", None
            record = dataclasses.replace(
                record,
                intent=intent,
                deleted_at=deleted_at,
                state_details=details,
                delete_operation=self.arm.delete_group(record.id),
            )
            self.records.save(record)
        return record

    async def get_partition(self, partition_id: str) -> tuple[dict[str, Any], int]:
        return await asyncio.to_thread(self._get_partition, partition_id), 200

    def _get_partition(self, partition_id: str) -> dict[str, Any]:
        record = self.records.partition(partition_id)
        if record is None:
            tags = self.arm.groups().get(partition_id)
            if tags is not None:
                return converters.orphan_partition(partition_id, tags, self.arm.vms(partition_id))
            raise NotFound(f"partition {partition_id} does not exist on site {self.settings.name}")
        return self._view(record)

    async def delete_partition(self, partition_id: str) -> tuple[dict[str, Any], int]:
        return await asyncio.to_thread(self._delete_partition, partition_id), 200

    def _delete_partition(self, partition_id: str) -> dict[str, Any]:
        with self._lock:
            record = self.records.partition(partition_id)
            if record is None:
                operation = self.arm.delete_group(partition_id)
                return {"id": partition_id, "state": "deleting" if operation else "deleted"}
            if record.intent != "delete":
                record = dataclasses.replace(
                    record,
                    intent="delete",
                    deleted_at=time.time(),
                    state_details="deleted",
                    operations={},
                    delete_operation=record.delete_operation or self.arm.delete_group(partition_id),
                )
                self.records.save(record)
            # Bundles hold SAS URLs; nothing should read them once the VMs are gone.
            self.staging.delete_prefix(self.staging.bundles_prefix(partition_id))
            return self._view(record)

    # -- what skyport_gate_sdk.staged.StagedJobs asks of the cloud -----------------------------------

    def _nodes(self, partition_id: str | None) -> list[dict[str, Any]]:
        """The VMs of one partition, or of every partition a job record names."""
        if partition_id is not None:
            return self.arm.vms(partition_id)
        partitions = sorted({record.partition_id for record in self.records.jobs() if record.forgotten_at is None})
        return [vm for pid in partitions for vm in self.arm.vms(pid)]

    def _by_partition(self, nodes: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
        groups: dict[str, list[dict[str, Any]]] = {}
        for vm in nodes:
            groups.setdefault(vm["partition"], []).append(vm)
        return groups

    def _stop(self, nodes: list[dict[str, Any]]) -> None:
        """No inbound port reaches the VMs: stopping them is deleting their groups."""
        for partition_id in sorted({vm["partition"] for vm in nodes}):
            self._delete_partition(partition_id)
