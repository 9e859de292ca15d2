"""No sequence of plans takes a budget past its amount: every job placed takes its worst case
(price x nodes x time limit) from each budget it draws on, and a job whose worst case does not fit
waits with the budget's numbers."""

from __future__ import annotations

import dataclasses
import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skyport.scheduler import BudgetLimit, JobDemand, SchedulerSettings, Snapshot

from .conftest import Plan
from .strategies import NOW, job_demands, snapshots

OPTIONS = SchedulerSettings(default_time_limit=600)


def _spent(snapshot: Snapshot, plan: Plan, *, started_only: bool) -> dict[str, float]:
    """The worst case of the jobs the plan places (or only those it starts now), per budget key."""
    jobs = {job.id: job for job in snapshot.jobs}
    spent = dict.fromkeys((b.key for b in snapshot.budgets), 0.0)
    for p in plan(snapshot, OPTIONS).placements:
        starts = p.new_partition is not None or p.starts_now(snapshot.now)
        if p.placed and (starts or not started_only):
            for key in jobs[p.job_id].budgets:
                spent[key] += p.estimated_cost
    return spent


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(snapshots(), st.lists(job_demands(), min_size=1, max_size=4))
def test_no_sequence_of_plans_takes_a_budget_past_its_amount(
    plan: Plan, snapshot: Snapshot, arrivals: list[tuple[JobDemand, ...]]
) -> None:
    amounts = {b.key: max(0.0, b.left) for b in snapshot.budgets}
    used = dict.fromkeys(amounts, 0.0)
    for step, arriving in enumerate(arrivals):
        placed = _spent(snapshot, plan, started_only=False)
        for key, left in ((b.key, max(0.0, b.left)) for b in snapshot.budgets):
            assert placed[key] <= left * (1 + 1e-9) + 1e-12, f"pass {step}: budget {key} over by {placed[key] - left}"
        started = _spent(snapshot, plan, started_only=True)
        for key in used:
            used[key] += started[key]
            assert used[key] <= amounts[key] * (1 + 1e-9) + 1e-12
        # The next pass: what started is charged for its worst case; new jobs arrive beside the rest.
        ended = {p.job_id for p in plan(snapshot, OPTIONS).placements if p.starts_now(NOW) or p.new_partition}
        budgets = tuple(dataclasses.replace(b, left=max(0.0, b.left) - started[b.key]) for b in snapshot.budgets)
        renamed = tuple(dataclasses.replace(job, id=f"s{step}{job.id}", depends_on=()) for job in arriving)
        pending = tuple(job for job in snapshot.jobs if job.id not in ended)
        snapshot = dataclasses.replace(snapshot, jobs=pending + renamed, budgets=budgets)


def test_the_second_job_waits_for_the_budget_with_its_numbers(plan: Plan) -> None:
    from skyport.scheduler import FlavorOffer, SiteOffer

    site = SiteOffer("local", (FlavorOffer("local", "local", 2, 2048, 0, 1.0),))
    jobs = tuple(
        JobDemand(f"j{i}", "alice", NOW + i, cpus=1, time_limit=1800, budgets=("account physics/month",))
        for i in range(2)
    )
    budget = BudgetLimit("account physics/month", 0.75, "account physics", "this month", NOW + 86400 * 3)
    placements = plan(Snapshot(NOW, jobs, (), (site,), budgets=(budget,)), OPTIONS).placements
    assert placements[0].placed and math.isclose(placements[0].estimated_cost, 0.5)
    assert not placements[1].placed
    assert placements[1].start_time == NOW + 86400 * 3
    assert placements[1].reason.startswith(
        "account physics has $0.25 left this month; this job may cost up to $0.50; a new period starts on "
    )
