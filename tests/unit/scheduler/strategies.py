"""Hypothesis strategies for small but tangled scheduler snapshots.

Small numbers on purpose: few nodes, few flavors, tight quotas and overlapping running jobs make
ties, gangs, reservations and backfill collide often.
"""

from __future__ import annotations

from hypothesis import strategies as st

from skyport.scheduler import BudgetLimit, FlavorOffer, JobDemand, NodeSlot, Running, SiteOffer, Snapshot

NOW = 1_800_000_000.0  # a fixed epoch second, so reasons and times are repeatable
SITES = ("aws", "local", "slurm")
FLAVORS = ("small", "big", "gpu")
STATES = ("Q", "W", "R", "T", "F", "E", "C")
BUDGETS = ("b0", "b1", "b2")

small = st.integers(min_value=0, max_value=4)
seconds = st.sampled_from([0, 60, 300, 600, 1800, 3600])


@st.composite
def site_offers(draw: st.DrawFn) -> tuple[SiteOffer, ...]:
    names = draw(st.lists(st.sampled_from(SITES), min_size=0, max_size=3, unique=True))
    sites = []
    for name in names:
        flavor_names = draw(st.lists(st.sampled_from(FLAVORS), max_size=3, unique=True))
        flavors = tuple(
            FlavorOffer(
                name,
                flavor,
                draw(st.integers(1, 8)),
                draw(st.sampled_from([0, 1024, 4096])),
                draw(st.integers(0, 2)),
                draw(st.sampled_from([0.0, 0.1, 0.5, 1.0, 2.0])),
            )
            for flavor in flavor_names
        )
        sites.append(
            SiteOffer(
                name,
                flavors,
                max_nodes=draw(st.none() | st.integers(0, 6)),
                nodes_in_use=draw(st.integers(0, 3)),
                boot_time=float(draw(st.sampled_from([0, 30, 120, 900]))),
            )
        )
    return tuple(sites)


@st.composite
def node_slots(draw: st.DrawFn) -> tuple[NodeSlot, ...]:
    nodes = []
    for p in range(draw(st.integers(0, 4))):
        site, flavor = draw(st.sampled_from(SITES)), draw(st.sampled_from(FLAVORS))
        cpus, mem, gpus = draw(st.integers(1, 8)), draw(st.sampled_from([0, 1024, 4096])), draw(st.integers(0, 2))
        price = draw(st.sampled_from([0.0, 0.1, 1.0]))
        available = NOW + draw(st.sampled_from([-100, 0, 0, 60, 600]))
        for n in range(draw(st.integers(1, 3))):
            running = tuple(
                Running(NOW + draw(st.sampled_from([-5, 30, 300, 1200, 5000])), draw(small), 0, draw(st.integers(0, 1)))
                for _ in range(draw(st.integers(0, 2)))
            )
            nodes.append(NodeSlot(f"p{p}:{n}", site, flavor, f"p{p}", cpus, mem, gpus, price, available, running))
    return tuple(nodes)


@st.composite
def job_demands(draw: st.DrawFn) -> tuple[JobDemand, ...]:
    count = draw(st.integers(0, 10))
    jobs = []
    for i in range(count):
        jobs.append(
            JobDemand(
                id=f"j{i}",
                owner=draw(st.sampled_from(["ann", "bob", "cy"])),
                submit_time=NOW - draw(st.sampled_from([0, 10, 3600, 86400])),
                cpus=draw(st.integers(0, 6)),
                mem=draw(st.sampled_from([0, 512, 2048])),
                gpus=draw(st.integers(0, 2)),
                nodes=draw(st.integers(1, 3)),
                time_limit=draw(seconds),
                priority=draw(st.integers(0, 2)),
                sites=tuple(draw(st.lists(st.sampled_from(SITES), max_size=2, unique=True))),
                flavors=tuple(draw(st.lists(st.sampled_from(FLAVORS), max_size=2, unique=True))),
                depends_on=tuple(
                    draw(st.lists(st.sampled_from([f"j{k}" for k in range(count)] + ["old"]), max_size=1))
                ),
                max_price=draw(st.none() | st.sampled_from([0.0, 0.5, 2.0])),
                budgets=tuple(draw(st.lists(st.sampled_from(BUDGETS), max_size=2, unique=True))),
            )
        )
    return tuple(jobs)


@st.composite
def snapshots(draw: st.DrawFn) -> Snapshot:
    jobs = draw(job_demands())
    return Snapshot(
        now=NOW,
        jobs=jobs,
        nodes=draw(node_slots()),
        sites=draw(site_offers()),
        usage=draw(st.dictionaries(st.sampled_from(["ann", "bob", "cy"]), st.floats(0, 1e6))),
        job_states={"old": draw(st.sampled_from(STATES))},
        budgets=draw(budget_limits()),
    )


@st.composite
def budget_limits(draw: st.DrawFn) -> tuple[BudgetLimit, ...]:
    """Budgets b0-b2 with little or much left; a total one never starts again."""
    limits = []
    for i, key in enumerate(BUDGETS):
        period = draw(st.sampled_from(["this day", "this month", "in total"]))
        again = NOW + 3600 * (i + 1) if period != "in total" else float("inf")
        left = draw(st.sampled_from([-1.0, 0.0, 0.01, 0.05, 0.2, 1.0, 5.0, 1e9]))
        limits.append(BudgetLimit(key, left, f"account a{i}", period, again))
    return tuple(limits)
