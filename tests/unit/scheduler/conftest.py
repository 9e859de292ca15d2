"""Every scheduler test runs twice: on the plain-Python reference and on the compiled kernel.

The yarl pattern (``@pytest.fixture(params=[_PyQuoter, _CQuoter])``): a test is written once
against ``plan`` and bound to both implementations.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from skyport import scheduler
from skyport.scheduler import SchedulerSettings, Snapshot, Timetable, inputs, timetable

from . import reference

Plan = Callable[..., Timetable]


def reference_plan(snapshot: Snapshot, settings: SchedulerSettings = inputs.DEFAULT_SETTINGS) -> Timetable:
    """:func:`skyport.scheduler.plan` with the reference in place of the kernel."""
    packed = inputs.pack(snapshot, settings)
    return timetable.decode(packed, packed.call(reference.schedule), dict(snapshot.job_states))


IMPLEMENTATIONS: dict[str, Plan] = {"reference": reference_plan, "compiled": scheduler.plan}


@pytest.fixture(params=list(IMPLEMENTATIONS))
def plan(request: pytest.FixtureRequest) -> Plan:
    return IMPLEMENTATIONS[request.param]
