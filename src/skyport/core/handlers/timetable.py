"""Handlers for the ``timetable`` tag."""

from __future__ import annotations

from typing import Any

from skyport.core import views
from skyport.core.context import core, user
from skyport.jobs.states import PENDING
from skyport.store.jobs import Filter


async def get_timetable() -> tuple[Any, int]:
    running = core()
    pending = {job.id: job for job in await running.jobs.list_jobs(user(), Filter(states=tuple(PENDING)))}
    entries = [
        views.plan(p, pending[p.job_id], running.loop.nodes)
        for p in running.loop.timetable.placements
        if p.job_id in pending
    ]
    entries.sort(key=lambda entry: (entry.get("start_time") is None, entry.get("start_time") or ""))
    return entries, 200
