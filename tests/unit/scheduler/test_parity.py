"""The compiled kernel and the plain-Python reference give the same timetable on any input."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from skyport import scheduler
from skyport.scheduler import SchedulerSettings, Snapshot

from .conftest import reference_plan
from .strategies import snapshots


@settings(max_examples=150, deadline=None)
@given(snapshots(), st.integers(0, 3))
def test_compiled_timetable_equals_the_reference(snapshot: Snapshot, depth: int) -> None:
    options = SchedulerSettings(reservation_depth=depth, default_time_limit=600)
    assert scheduler.plan(snapshot, options) == reference_plan(snapshot, options)
