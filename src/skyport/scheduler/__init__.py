"""The scheduler: for every pending job, where (existing nodes or a new partition) and when.

:func:`plan` is the only entry point. It packs a :class:`Snapshot` into typed arrays
(:mod:`~skyport.scheduler.inputs`), runs the compiled kernel ``skyport._sched``, and turns the
result into a :class:`Timetable` whose placements carry human-readable reasons
(:mod:`~skyport.scheduler.timetable`). docs/scheduler.md describes the rules.
"""

from skyport import _sched
from skyport.scheduler.inputs import DEFAULT_SETTINGS, pack
from skyport.scheduler.model import (
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
from skyport.scheduler.timetable import decode, impossible_reason

__all__ = [
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
    "impossible_reason",
    "plan",
]


def plan(snapshot: Snapshot, settings: SchedulerSettings = DEFAULT_SETTINGS) -> Timetable:
    """The timetable for ``snapshot``: the same input always gives the same output."""
    packed = pack(snapshot, settings)
    return decode(packed, packed.call(_sched.schedule), dict(snapshot.job_states))
