"""One rule per test, on small hand-made clusters, for the reference and the compiled kernel alike."""

from __future__ import annotations

import dataclasses

from skyport.scheduler import (
    FlavorOffer,
    JobDemand,
    NodeSlot,
    Running,
    SchedulerSettings,
    SiteOffer,
    Snapshot,
    impossible_reason,
    room_on,
)

from .conftest import Plan
from .strategies import NOW


def job(job_id: str, **fields: object) -> JobDemand:
    return JobDemand(id=job_id, owner=str(fields.pop("owner", "ann")), submit_time=NOW - 60, **fields)  # type: ignore[arg-type]


def node(
    node_id: str, partition: str = "p1", *, cpus: int = 4, gpus: int = 0, busy_until: float = 0.0, **kw: object
) -> NodeSlot:
    running = (Running(busy_until, cpus, 0, gpus),) if busy_until else ()
    return NodeSlot(node_id, str(kw.get("site", "local")), "host", partition, cpus, 8192, gpus, 0.0, NOW, running)


AWS = SiteOffer(
    "aws",
    (FlavorOffer("aws", "c.large", 4, 8192, 0, 0.20), FlavorOffer("aws", "c.xlarge", 8, 16384, 0, 0.40)),
    max_nodes=4,
    boot_time=120.0,
)
SLURM = SiteOffer("slurm", (FlavorOffer("slurm", "std", 4, 8192, 0, 0.10),), max_nodes=2, boot_time=30.0)


def test_a_job_starts_now_on_an_idle_node(plan: Plan) -> None:
    table = plan(Snapshot(NOW, (job("a"),), (node("p1:0"),), (AWS,)))
    placement = table.for_job("a")
    assert placement is not None and placement.starts_now(NOW)
    assert placement.node_ids == ("p1:0",)
    assert placement.reason == "starts now on p1:0"


def test_an_idle_node_is_reused_before_a_partition_is_created(plan: Plan) -> None:
    table = plan(Snapshot(NOW, (job("a", cpus=2), job("b", cpus=2)), (node("p1:0"),), (AWS,)))
    assert [p.node_ids for p in table.placements] == [("p1:0",), ("p1:0",)]
    assert all(p.new_partition is None for p in table.placements)


def test_the_cheapest_flavor_that_fits_across_allowed_sites_is_chosen(plan: Plan) -> None:
    table = plan(Snapshot(NOW, (job("a", cpus=4), job("b", cpus=6)), (), (AWS, SLURM)))
    a, b = table.placements
    assert (a.new_partition and a.new_partition.site, a.new_partition and a.new_partition.flavor) == ("slurm", "std")
    assert a.start_time == NOW + 30.0
    assert b.new_partition is not None and b.new_partition.flavor == "c.xlarge"
    assert b.estimated_cost == 0.40  # one node for the default hour


def test_only_allowed_sites_are_considered(plan: Plan) -> None:
    table = plan(Snapshot(NOW, (job("a", sites=("aws",)),), (), (AWS, SLURM)))
    new = table.placements[0].new_partition
    assert new is not None and (new.site, new.flavor) == ("aws", "c.large")


def test_a_site_quota_counts_partitions_planned_in_the_same_pass(plan: Plan) -> None:
    table = plan(Snapshot(NOW, (job("a", nodes=2), job("b", nodes=1)), (), (SLURM,)))
    a, b = table.placements
    assert a.new_partition is not None and a.new_partition.count == 2
    assert not b.placed
    assert b.reason == "site quotas are used up (slurm 0/2 nodes free); waiting for 1 node free on one site"


def test_a_quota_reason_counts_only_partitions_planned_for_jobs_before_it(plan: Plan) -> None:
    slurm = dataclasses.replace(SLURM, nodes_in_use=1)
    table = plan(Snapshot(NOW, (job("wide", nodes=2, priority=1), job("narrow")), (), (slurm,)))
    wide, narrow = table.placements
    assert narrow.new_partition is not None
    assert wide.reason == "site quotas are used up (slurm 1/2 nodes free); waiting for 2 nodes free on one site"


def test_a_quota_reason_lists_only_sites_with_a_flavor_that_fits(plan: Plan) -> None:
    tiny = SiteOffer("tiny", (FlavorOffer("tiny", "t", 2, 8192, 0, 0.01),), max_nodes=8, boot_time=10.0)
    full = dataclasses.replace(SLURM, nodes_in_use=2)
    placement = plan(Snapshot(NOW, (job("a", cpus=4),), (), (tiny, full))).placements[0]
    assert placement.reason == "site quotas are used up (slurm 0/2 nodes free); waiting for 1 node free on one site"


def test_a_job_held_back_only_by_its_price_ceiling_is_told_so(plan: Plan) -> None:
    dear = dataclasses.replace(node("p1:0"), price=1.0)
    local = SiteOffer("local", ())
    placement = plan(Snapshot(NOW, (job("a", max_price=0.5),), (dear,), (local,))).placements[0]
    assert not placement.placed
    assert placement.reason == "the cheapest fit (host on local) costs $1/h for 1 node, above the ceiling of $0.5/h"


def test_a_site_that_answered_without_flavors_makes_nothing_impossible(plan: Plan) -> None:
    assert impossible_reason(job("a"), (SiteOffer("local", ()),)) is None
    placement = plan(Snapshot(NOW, (job("a"),), (), (SiteOffer("local", ()),))).placements[0]
    assert placement.reason == "the allowed sites (local) offer no flavors"


def test_a_price_ceiling_rules_out_expensive_flavors(plan: Plan) -> None:
    table = plan(Snapshot(NOW, (job("a", nodes=2, max_price=0.5),), (), (AWS,)))
    new = table.placements[0].new_partition
    assert new is not None and new.flavor == "c.large"
    table = plan(Snapshot(NOW, (job("a", cpus=6, nodes=2, max_price=0.5),), (), (AWS,)))
    assert not table.placements[0].placed
    assert "above the ceiling of $0.5/h" in table.placements[0].reason


def test_a_gang_job_gets_all_its_nodes_at_once(plan: Plan) -> None:
    nodes = (node("p1:0"), node("p1:1", busy_until=NOW + 600), node("p1:2"))
    placement = plan(Snapshot(NOW, (job("a", nodes=3),), nodes, ())).placements[0]
    assert placement.node_ids == ("p1:0", "p1:1", "p1:2")
    assert placement.start_time == NOW + 600


def test_a_gang_job_never_spans_two_partitions(plan: Plan) -> None:
    nodes = (node("p1:0", "p1"), node("p2:0", "p2"))
    placement = plan(Snapshot(NOW, (job("a", nodes=2),), nodes, ())).placements[0]
    assert not placement.placed
    assert placement.reason == "no flavor on the allowed sites has cpus=1, and no partition has 2 such nodes"


def test_a_job_whose_dependency_failed_is_never_started(plan: Plan) -> None:
    snapshot = Snapshot(NOW, (job("a", depends_on=("x",)),), (node("p1:0"),), (), job_states={"x": "E"})
    placement = plan(snapshot).placements[0]
    assert not placement.placed
    assert placement.reason == "dependency x failed; this job will never start"


def test_a_job_waits_while_its_dependency_runs(plan: Plan) -> None:
    snapshot = Snapshot(NOW, (job("a", depends_on=("x",)),), (node("p1:0"),), (), job_states={"x": "R"})
    placement = plan(snapshot).placements[0]
    assert not placement.placed
    assert placement.reason == "waiting for dependency x (running)"


def test_the_top_waiting_job_gets_a_reservation_that_says_when(plan: Plan) -> None:
    nodes = (node("p1:0", gpus=1, busy_until=NOW + 600),)
    placement = plan(Snapshot(NOW, (job("a", gpus=1),), nodes, ())).placements[0]
    assert placement.placed and placement.start_time == NOW + 600
    assert placement.reason.startswith("waiting for 1 x cpus=1, gpus=1; next free at ")
    assert placement.reason.endswith(" on p1:0 (reserved)")


def test_backfill_starts_a_short_job_that_ends_before_the_reservation(plan: Plan) -> None:
    nodes = (node("p1:0", busy_until=NOW + 600), node("p1:1"))
    wide = job("wide", nodes=2, cpus=4, priority=1)
    short = job("short", cpus=4, time_limit=300)
    reserved, backfilled = plan(Snapshot(NOW, (wide, short), nodes, ())).placements
    assert (reserved.job_id, reserved.start_time) == ("wide", NOW + 600)
    assert backfilled.job_id == "short" and backfilled.starts_now(NOW)


def test_backfill_never_starts_a_job_that_would_delay_the_reservation(plan: Plan) -> None:
    nodes = (node("p1:0", busy_until=NOW + 600), node("p1:1"))
    wide = job("wide", nodes=2, cpus=4, priority=1)
    long = job("long", cpus=4, time_limit=3600)
    reserved, placement = plan(Snapshot(NOW, (wide, long), nodes, ())).placements
    assert (reserved.job_id, reserved.start_time) == ("wide", NOW + 600)
    assert placement.job_id == "long" and not placement.placed
    assert "an estimate: only the top 1 waiting job hold reservations" in placement.reason


def test_higher_explicit_priority_goes_first(plan: Plan) -> None:
    table = plan(Snapshot(NOW, (job("low"), job("high", priority=2)), (node("p1:0", cpus=1),), ()))
    assert [p.job_id for p in table.placements] == ["high", "low"]
    assert table.placements[0].starts_now(NOW)


def test_a_light_user_goes_before_a_heavy_user(plan: Plan) -> None:
    jobs = (job("heavy", owner="ann"), job("light", owner="bob"))
    table = plan(Snapshot(NOW, jobs, (node("p1:0", cpus=1),), (), usage={"ann": 1e6, "bob": 10.0}))
    assert [p.job_id for p in table.placements] == ["light", "heavy"]


def test_an_older_job_goes_first_at_equal_priority(plan: Plan) -> None:
    old = JobDemand("old", "ann", NOW - 86400)
    new = JobDemand("new", "ann", NOW - 10)
    table = plan(Snapshot(NOW, (new, old), (node("p1:0", cpus=1),), ()))
    assert [p.job_id for p in table.placements] == ["old", "new"]


def test_a_deeper_reservation_setting_reserves_more_jobs(plan: Plan) -> None:
    nodes = (node("p1:0", busy_until=NOW + 600),)
    jobs = (job("a", cpus=4), job("b", cpus=4))
    shallow = plan(Snapshot(NOW, jobs, nodes, ()))
    deep = plan(Snapshot(NOW, jobs, nodes, ()), SchedulerSettings(reservation_depth=2))
    assert [p.placed for p in shallow.placements] == [True, False]
    assert [p.start_time for p in deep.placements] == [NOW + 600, NOW + 600 + 3600]


def test_a_request_no_flavor_can_hold_says_which_resource() -> None:
    assert impossible_reason(job("a", mem=512 * 1024), (AWS, SLURM)) == (
        "no node or flavor on the allowed sites has 512 GB memory; the most offered is 16 GB memory"
    )
    assert impossible_reason(job("a", gpus=1), (AWS,)) == (
        "no node or flavor on the allowed sites has 1 gpu; the most offered is 0 gpus"
    )
    assert impossible_reason(job("a", disk=40 * 1024), (AWS, SLURM)) == (
        "no node or flavor on the allowed sites has 40 GB disk; the most offered is 0 MiB disk"
    )
    assert impossible_reason(job("a", nodes=3, sites=("slurm",)), (AWS, SLURM)) == (
        "the job needs 3 nodes; where a flavor fits, the site quotas allow at most 2"
    )
    assert impossible_reason(job("a", cpus=8), (AWS, SLURM)) is None


def test_disk_per_node_is_a_floor_not_a_share(plan: Plan) -> None:
    """A job asking for disk goes to the cheapest flavor or node with that much, skipping cheaper ones with
    less; two such jobs share a node's disk floor (disk is not counted out like CPUs)."""
    disks = SiteOffer(
        "aws",
        (
            FlavorOffer("aws", "small-disk", 4, 8192, 0, 0.10, 1024),
            FlavorOffer("aws", "big-disk", 4, 8192, 0, 0.30, 20480),
        ),
    )
    table = plan(Snapshot(NOW, (job("a", disk=10240), job("b")), (), (disks,)))
    placed = {j: p.new_partition.flavor for j in "ab" if (p := table.for_job(j)) and p.new_partition}
    assert placed == {"a": "big-disk", "b": "small-disk"}

    small = dataclasses.replace(node("p1:0", cpus=8), disk=1024)
    large = dataclasses.replace(node("p2:0", "p2", cpus=8), flavor="big", disk=20480)
    table = plan(Snapshot(NOW, (job("a", disk=10240), job("b", disk=10240)), (small, large), ()))
    assert [p.node_ids for p in table.placements] == [("p2:0",), ("p2:0",)]
    table = plan(Snapshot(NOW, (job("a", disk=40960),), (small, large), ()))
    assert table.placements[0].reason == (
        "no node or flavor on the allowed sites has 40 GB disk; the most offered is 20 GB disk"
    )


def test_a_partition_has_room_once_enough_of_its_nodes_are_free_at_once() -> None:
    """What the dry run says of an existing partition: when its running jobs leave room for the job."""
    nodes = [node("n1", busy_until=NOW + 600), node("n2", busy_until=NOW + 300), node("n3")]
    assert room_on(job("j", cpus=4), nodes) == NOW
    assert room_on(job("j", cpus=4, nodes=2), nodes) == NOW + 300
    assert room_on(job("j", cpus=4, nodes=3), nodes) == NOW + 600
    assert room_on(job("j", cpus=4, nodes=4), nodes) is None  # more nodes than it has
    assert room_on(job("j", cpus=5), nodes) is None  # larger than its nodes
    assert room_on(job("j", sites=("aws",)), nodes) is None  # a site the job does not allow
