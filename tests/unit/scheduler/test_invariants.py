"""Properties every timetable has, checked on random snapshots for both implementations."""

from __future__ import annotations

import dataclasses
import math
from random import Random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skyport.scheduler import JobDemand, Placement, SchedulerSettings, Snapshot
from skyport.scheduler.inputs import FAILED_STATES, OVERRUN_GRACE, scheduling_order

from .conftest import Plan
from .strategies import snapshots

OPTIONS = SchedulerSettings(reservation_depth=2, default_time_limit=600)
check = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _duration(job: JobDemand) -> float:
    return float(job.time_limit or OPTIONS.default_time_limit)


def _allowed(job: JobDemand, site: str, flavor: str) -> bool:
    return (not job.sites or site in job.sites) and (not job.flavors or flavor in job.flavors)


@check
@given(snapshots())
def test_no_node_is_over_allocated_at_any_instant(plan: Plan, snapshot: Snapshot) -> None:
    table = plan(snapshot, OPTIONS)
    jobs = {job.id: job for job in snapshot.jobs}
    for node in snapshot.nodes:
        spans = [
            (-math.inf, max(r.end_time, snapshot.now + OVERRUN_GRACE), r.cpus, r.mem, r.gpus) for r in node.running
        ]
        for p in table.placements:
            if p.placed and node.id in p.node_ids and p.start_time is not None:
                job = jobs[p.job_id]
                spans.append((p.start_time, p.start_time + _duration(job), job.cpus, job.mem, job.gpus))
        for start, *_ in spans[len(node.running) :]:
            assert start >= max(snapshot.now, node.available_at)
            live = [s for s in spans if s[0] <= start < s[1]]
            assert sum(s[2] for s in live) <= node.cpus
            assert sum(s[3] for s in live) <= node.mem
            assert sum(s[4] for s in live) <= node.gpus


@check
@given(snapshots())
def test_nothing_is_placed_on_a_site_or_flavor_the_job_did_not_allow(plan: Plan, snapshot: Snapshot) -> None:
    jobs = {job.id: job for job in snapshot.jobs}
    nodes = {node.id: node for node in snapshot.nodes}
    for p in plan(snapshot, OPTIONS).placements:
        job = jobs[p.job_id]
        for node_id in p.node_ids:
            assert _allowed(job, nodes[node_id].site, nodes[node_id].flavor)
        if p.new_partition is not None:
            assert _allowed(job, p.new_partition.site, p.new_partition.flavor)


@check
@given(snapshots())
def test_gang_jobs_get_all_their_nodes_on_one_partition_at_once(plan: Plan, snapshot: Snapshot) -> None:
    jobs = {job.id: job for job in snapshot.jobs}
    nodes = {node.id: node for node in snapshot.nodes}
    for p in plan(snapshot, OPTIONS).placements:
        if p.node_ids:
            assert len(set(p.node_ids)) == jobs[p.job_id].nodes
            assert len({nodes[n].partition_id for n in p.node_ids}) == 1
        if p.new_partition is not None:
            assert p.new_partition.count == jobs[p.job_id].nodes


@check
@given(snapshots())
def test_the_chosen_new_flavor_is_the_cheapest_that_fits(plan: Plan, snapshot: Snapshot) -> None:
    jobs = {job.id: job for job in snapshot.jobs}
    left = {s.name: None if s.max_nodes is None else max(0, s.max_nodes - s.nodes_in_use) for s in snapshot.sites}
    for p in plan(snapshot, OPTIONS).placements:
        if p.new_partition is None:
            continue
        job, new = jobs[p.job_id], p.new_partition
        ceiling = math.inf if job.max_price is None else job.max_price
        cheaper = [
            f
            for site in snapshot.sites
            for f in site.flavors
            if _allowed(job, site.name, f.name)
            and f.cpus >= job.cpus
            and f.mem >= job.mem
            and f.gpus >= job.gpus
            and f.price * job.nodes <= ceiling
            and (left[site.name] is None or (left[site.name] or 0) >= job.nodes)
            and f.price < new.price
        ]
        assert not cheaper
        assert new.price * job.nodes <= ceiling
        if left[new.site] is not None:
            left[new.site] = (left[new.site] or 0) - job.nodes
            assert (left[new.site] or 0) >= 0


@check
@given(snapshots(), st.data())
def test_no_reservation_is_delayed_by_a_lower_priority_job(plan: Plan, snapshot: Snapshot, data: st.DataObject) -> None:
    """Dropping every job after a reserved one (in scheduling order) does not move its reservation."""
    table = plan(snapshot, OPTIONS)
    reserved = [p for p in table.placements if p.placed and p.node_ids and (p.start_time or 0) > snapshot.now]
    if not reserved:
        return
    target: Placement = data.draw(st.sampled_from(reserved))
    order = [job.id for job in scheduling_order(snapshot, OPTIONS)]
    keep = set(order[: order.index(target.job_id) + 1])
    alone = plan(dataclasses.replace(snapshot, jobs=tuple(j for j in snapshot.jobs if j.id in keep)), OPTIONS)
    assert alone.for_job(target.job_id) == target


@check
@given(snapshots())
def test_a_job_with_an_unfinished_or_failed_dependency_is_not_placed(plan: Plan, snapshot: Snapshot) -> None:
    jobs = {job.id: job for job in snapshot.jobs}
    for p in plan(snapshot, OPTIONS).placements:
        states = [snapshot.job_states.get(d, "Q" if d in jobs else "") for d in jobs[p.job_id].depends_on]
        if any(state != "F" for state in states):
            assert not p.placed
        if any(state in FAILED_STATES or not state for state in states):
            assert "never start" in p.reason


@check
@given(snapshots(), st.randoms(use_true_random=False))
def test_the_order_of_pending_jobs_in_the_snapshot_does_not_matter(
    plan: Plan, snapshot: Snapshot, random: Random
) -> None:
    jobs = list(snapshot.jobs)
    random.shuffle(jobs)
    assert plan(dataclasses.replace(snapshot, jobs=tuple(jobs)), OPTIONS) == plan(snapshot, OPTIONS)
