"""Partition queries."""

from __future__ import annotations

import dataclasses
from typing import Any

import sqlalchemy as sa

from skyport.sites.records import IdleCharge, PartitionRecord
from skyport.store.tables import idle_charges, partitions


def partition_from_row(row: sa.Row[Any]) -> PartitionRecord:
    data = dict(row._mapping)
    data["node_names"] = tuple(data["node_names"])
    data["node_ips"] = tuple(data["node_ips"])
    return PartitionRecord(**data)


def save_partition(connection: sa.Connection, partition: PartitionRecord, charge: IdleCharge | None = None) -> None:
    """Insert or update a partition record, with the charge for the idle stretch it ended, if any."""
    if charge is not None:
        connection.execute(idle_charges.insert().values(**dataclasses.asdict(charge)))
    values = {f.name: getattr(partition, f.name) for f in dataclasses.fields(partition)}
    values["node_names"] = list(partition.node_names)
    values["node_ips"] = list(partition.node_ips)
    updated = connection.execute(partitions.update().where(partitions.c.id == partition.id).values(**values))
    if updated.rowcount == 0:
        connection.execute(partitions.insert().values(**values))


def live_partitions(connection: sa.Connection) -> list[PartitionRecord]:
    """Partitions not yet deleted (creating, ready, deleting)."""
    query = sa.select(partitions).where(partitions.c.state.not_in(["deleted", "failed"]))
    return [partition_from_row(row) for row in connection.execute(query.order_by(partitions.c.created_at))]


def recorded_partitions(connection: sa.Connection) -> set[tuple[str, str]]:
    """(site, ID) of every partition ever recorded, deleted ones too."""
    return {(row.site, row.id) for row in connection.execute(sa.select(partitions.c.site, partitions.c.id))}
