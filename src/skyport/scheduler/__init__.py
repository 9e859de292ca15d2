"""The scheduler: for every pending job, where (existing nodes or a new partition) and when.

:func:`plan` is the only entry point. It packs a :class:`Snapshot` into typed arrays
(:mod:`~skyport.scheduler.inputs`), runs the compiled kernel ``skyport._sched``, and turns the
result into a :class:`Timetable` whose placements carry human-readable reasons
(:mod:`~skyport.scheduler.timetable`). docs/scheduler.md describes the rules.
"""

import dataclasses

from skyport import _sched
from skyport.scheduler.inputs import DEFAULT_SETTINGS, MAX_DURATION, demand_problem, pack
from skyport.scheduler.model import (
    BudgetLimit,
    FlavorOffer,
    JobDemand,
    NewPartition,
    NodeSlot,
    Placement,
    Running,
    SchedulerSettings,
    SiteOffer,
    Snapshot,
    Timetable,
)
from skyport.scheduler.timetable import cheapest_fit, decode, impossible_reason, room_on

__all__ = [
    "MAX_DURATION",
    "BudgetLimit",
    "FlavorOffer",
    "JobDemand",
    "NewPartition",
    "NodeSlot",
    "Placement",
    "Running",
    "SchedulerSettings",
    "SiteOffer",
    "Snapshot",
    "Timetable",
    "cheapest_fit",
    "impossible_reason",
    "plan",
    "room_on",
]


def plan(snapshot: Snapshot, settings: SchedulerSettings = DEFAULT_SETTINGS) -> Timetable:
    """The timetable for ``snapshot``: the same input always gives the same output.

    A job the kernel cannot plan (counts or a time limit beyond its range) is set aside: its
    placement says why, and the others are planned as if it were not there.
    """
    problems = {job.id: why for job in snapshot.jobs if (why := demand_problem(job))}
    if problems:
        snapshot = dataclasses.replace(
            snapshot,
            jobs=tuple(job for job in snapshot.jobs if job.id not in problems),
            job_states={**dict.fromkeys(problems, "Q"), **snapshot.job_states},
        )
    packed = pack(snapshot, settings)
    timetable = decode(packed, packed.call(_sched.schedule), dict(snapshot.job_states))
    set_aside = (Placement(job_id, False, None, reason=f"set aside: {why}") for job_id, why in problems.items())
    return Timetable(placements=(*timetable.placements, *set_aside))
