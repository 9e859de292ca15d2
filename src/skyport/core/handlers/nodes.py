"""Handlers for the ``nodes`` tag."""

from __future__ import annotations

from typing import Any

from skyport.core import views
from skyport.core.context import core
from skyport.store import partitions as partition_queries


async def list_nodes() -> tuple[Any, int]:
    running = core()
    partitions = await running.store.run(partition_queries.live_partitions)
    jobs = running.jobs.active_jobs()
    return views.nodes(running.sites, partitions, jobs), 200
