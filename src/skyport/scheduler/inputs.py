"""Snapshot -> contiguous typed arrays for the kernel (sklearn's ``check_array`` role).

Everything the kernel needs is decided here in Python and packed into ``array.array`` buffers:
the job order (effective priority), which jobs may run at all (dependencies), which (site, flavor)
groups each job allows, the nodes grouped by partition, what runs on them, and the offers sorted
cheapest first. The kernel then only compares numbers.
"""

from __future__ import annotations

import itertools
import math
from array import array
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from skyport.scheduler.model import BudgetLimit, JobDemand, NodeSlot, SchedulerSettings, SiteOffer, Snapshot

# Dependency states (Snapshot.job_states letters) after which a dependent job can never start.
FAILED_STATES = frozenset("EC")
SUCCEEDED_STATE = "F"

# Why codes the kernel writes, one per job (``Outcome.why``); timetable.py turns them into words.
READY = 0  # input only: the kernel may place the job
WAITS_FOR_DEPENDENCY = 1  # set here: a dependency has not finished yet
DEPENDENCY_FAILED = 2  # set here: a dependency failed or is unknown; the job never starts
STARTS_NOW = 3  # on existing nodes, now
RESERVED = 4  # on existing nodes, at a future time nothing later may delay
NEW_PARTITION = 5  # a new partition is created for it now
BEHIND_RESERVATIONS = 6  # fits existing nodes later, but only reserved jobs hold future slots
QUOTA_FULL = 7  # only a new partition could run it and the allowed sites' quotas are used up
OVER_PRICE = 8  # something could run it, but above its price ceiling
NEVER_FITS = 9  # no allowed node or flavor is large enough
OVER_BUDGET = 10  # something could run it, but its worst case is more than a budget it draws on has left

# A running job past its time limit is assumed to end this many seconds from now.
OVERRUN_GRACE = 1.0
# The largest counts the kernel plans, which its 64-bit integers (and float prices times node
# counts) hold exactly; a job asking for more is set aside, not planned. Time limits are planned
# as at most a century: further ahead, every plan is the same.
MAX_COUNT = 2**53
MAX_DURATION = 100 * 365 * 86400

Kernel = Callable[..., None]
DEFAULT_SETTINGS = SchedulerSettings()


@dataclass(frozen=True)
class Packed:
    """The kernel's input: jobs in scheduling order and the cluster as flat arrays."""

    now: float
    reservation_depth: int
    jobs: tuple[JobDemand, ...]  # in effective-priority order; index i is row i of every job_ array
    blocked_by: tuple[str, ...]  # per job: the dependency that holds it back, or ""
    node_ids: tuple[str, ...]  # grouped by partition
    node_labels: tuple[str, ...]  # the same nodes as reasons name them
    partitions: tuple[tuple[NodeSlot, ...], ...]  # the same nodes, one tuple per partition
    offer_sites: tuple[SiteOffer, ...]  # per site index
    offer_names: tuple[tuple[str, str, float], ...]  # (site, flavor, price) per offer, cheapest first
    status: array[int]  # per job: READY or a dependency code; the kernel's why codes start from it
    site_free: array[int]  # per site: nodes left under its quota; -1 = unlimited
    budgets: tuple[BudgetLimit, ...]  # per budget index
    budget_left: array[float]  # per budget: what it has left (>= 0) before this pass
    ints: Mapping[str, array[int]]  # the int64 (and the uint8 "allowed") arrays, by kernel argument name
    floats: Mapping[str, array[float]]  # the float64 arrays, by kernel argument name

    def call(self, kernel: Kernel) -> Outcome:
        """Run ``kernel`` on these arrays and return what it wrote."""
        part_first = self.ints["part_first"]
        largest = max((b - a for a, b in itertools.pairwise(part_first)), default=0)
        out = Outcome.for_jobs(self.jobs, self.status, self.site_free, self.budget_left, largest)
        kernel(
            **self.ints,
            **self.floats,
            site_free=out.site_free,
            budget_left=out.budget_left,
            now=self.now,
            reservation_depth=self.reservation_depth,
            out_why=out.why,
            out_start=out.start,
            out_offer=out.offer,
            out_node_first=out.node_first,
            out_nodes=out.nodes,
            out_budget=out.budget,
            out_cost=out.cost,
            out_left=out.left,
        )
        return out


@dataclass(frozen=True)
class Outcome:
    """What the kernel writes: per job a why code, a start time, an offer index and node indexes."""

    why: array[int]  # starts as the job's status from packing (READY or a dependency code)
    start: array[float]  # planned start, or estimated start when not placed; nan when none
    offer: array[int]  # index into Packed.offer_names when a new partition is planned, else -1
    node_first: array[int]  # job i's node indexes are nodes[node_first[i] : node_first[i] + nodes]
    nodes: array[int]
    site_free: array[int]  # per site: quota left after this pass's new partitions; -1 = unlimited
    budget_left: array[float]  # per budget: what is left after this pass's placements
    # Per job held back by a budget (OVER_BUDGET): the budget's index, the worst case of the cheapest
    # option it refused and what the budget had left then; -1, nan, nan for every other job.
    budget: array[int]
    cost: array[float]
    left: array[float]

    @classmethod
    def for_jobs(
        cls,
        jobs: Sequence[JobDemand],
        status: array[int],
        site_free: array[int],
        budget_left: array[float],
        largest: int,
    ) -> Outcome:
        """Room for the node indexes of every job that fits a partition of ``largest`` nodes."""
        first = array("q", bytes(8 * len(jobs)))
        total = 0
        for i, job in enumerate(jobs):
            first[i] = total
            total += job.nodes if job.nodes <= largest else 0
        return cls(
            why=array("q", status),
            start=array("d", [math.nan]) * len(jobs),
            offer=array("q", [-1]) * len(jobs),
            node_first=first,
            nodes=array("q", [-1]) * total,
            site_free=array("q", site_free),
            budget_left=array("d", budget_left),
            budget=array("q", [-1]) * len(jobs),
            cost=array("d", [math.nan]) * len(jobs),
            left=array("d", [math.nan]) * len(jobs),
        )


def effective_priorities(snapshot: Snapshot, settings: SchedulerSettings) -> dict[str, float]:
    """Each pending job's effective priority (see :class:`SchedulerSettings`)."""
    owners = {job.owner for job in snapshot.jobs} | {o for o, used in snapshot.usage.items() if used > 0}
    total = sum(max(0.0, used) for used in snapshot.usage.values())
    fair = total / len(owners) if owners and total > 0 else 0.0
    shares = {owner: 2.0 ** -(max(0.0, snapshot.usage.get(owner, 0.0)) / fair) if fair else 1.0 for owner in owners}
    scores = {}
    for job in snapshot.jobs:
        age = max(0.0, snapshot.now - job.submit_time)
        age_factor = min(1.0, age / settings.max_age) if settings.max_age > 0 else 1.0
        scores[job.id] = (
            settings.priority_weight * job.priority
            + settings.age_weight * age_factor
            + settings.fair_share_weight * shares[job.owner]
        )
    return scores


def scheduling_order(snapshot: Snapshot, settings: SchedulerSettings) -> list[JobDemand]:
    """Pending jobs by effective priority, then submit time, then id: a total, repeatable order."""
    scores = effective_priorities(snapshot, settings)
    return sorted(snapshot.jobs, key=lambda job: (-scores[job.id], job.submit_time, job.id))


def dependency_status(job: JobDemand, states: Mapping[str, str], pending: set[str]) -> tuple[int, str]:
    """(READY | WAITS_FOR_DEPENDENCY | DEPENDENCY_FAILED, the dependency that decides it)."""
    waiting = ""
    for dep in job.depends_on:
        state = states.get(dep, "Q" if dep in pending else "")
        if state == SUCCEEDED_STATE:
            continue
        if not state or state in FAILED_STATES:
            return DEPENDENCY_FAILED, dep
        waiting = waiting or dep
    return (WAITS_FOR_DEPENDENCY, waiting) if waiting else (READY, "")


def demand_problem(job: JobDemand) -> str:
    """Why the kernel cannot plan ``job`` at all; "" when it can."""
    if (
        1 <= job.nodes <= MAX_COUNT
        and 0 <= job.cpus <= MAX_COUNT
        and 0 <= job.mem <= MAX_COUNT
        and 0 <= job.gpus <= MAX_COUNT
        and 0 <= job.disk <= MAX_COUNT
        and job.time_limit >= 0
        and (job.max_price is None or 0 <= job.max_price < math.inf)
    ):
        return ""  # the usual case, asked of every pending job in every pass
    if not 1 <= job.nodes <= MAX_COUNT:
        return f"it asks for {job.nodes} nodes; the scheduler plans 1 to {MAX_COUNT}"
    for what, value in (("cpus", job.cpus), ("mem", job.mem), ("gpus", job.gpus), ("disk", job.disk)):
        if not 0 <= value <= MAX_COUNT:
            return f"it asks for {what}={value}; the scheduler plans 0 to {MAX_COUNT}"
    if job.time_limit < 0:
        return f"its time limit is {job.time_limit} s, below 0"
    if job.max_price is not None and not (math.isfinite(job.max_price) and job.max_price >= 0):
        return f"its price ceiling {job.max_price} is not a finite number >= 0"
    return ""


def _check(snapshot: Snapshot) -> None:
    ids = [job.id for job in snapshot.jobs]
    if len(set(ids)) != len(ids):
        raise ValueError("two pending jobs share an id")
    keys = {budget.key for budget in snapshot.budgets}
    if len(keys) != len(snapshot.budgets) or any(math.isnan(budget.left) for budget in snapshot.budgets):
        raise ValueError("two budgets share a key, or a budget has no number left")
    for job in snapshot.jobs:
        if not keys.issuperset(job.budgets):
            unknown = sorted(set(job.budgets) - keys)
            raise ValueError(f"job {job.id} draws on budgets the snapshot does not have: {unknown}")
    for job in snapshot.jobs:
        problem = demand_problem(job)
        if problem:
            raise ValueError(f"job {job.id} cannot be planned: {problem}")


def pack(snapshot: Snapshot, settings: SchedulerSettings = DEFAULT_SETTINGS) -> Packed:
    """Validate ``snapshot`` and lay it out for the kernel."""
    _check(snapshot)
    now = snapshot.now
    jobs = scheduling_order(snapshot, settings)
    pending = {job.id for job in jobs}

    groups: dict[tuple[str, str], int] = {}
    partitions: dict[str, list[NodeSlot]] = {}
    for node in snapshot.nodes:
        groups.setdefault((node.site, node.flavor), len(groups))
        partitions.setdefault(node.partition_id, []).append(node)
    offers = sorted(
        (
            (f.price, site.boot_time, site.name, f.name, i, f)
            for i, site in enumerate(snapshot.sites)
            for f in site.flavors
        ),
        key=lambda o: o[:4],
    )
    for _, _, site_name, flavor_name, _, _ in offers:
        groups.setdefault((site_name, flavor_name), len(groups))

    a: dict[str, array[int]] = {}
    f: dict[str, array[float]] = {}
    _pack_jobs(a, f, jobs, groups, settings, disks=_disks(snapshot))
    blocked = []
    status = array("q")
    for job in jobs:
        code, dep = dependency_status(job, snapshot.job_states, pending) if job.depends_on else (READY, "")
        status.append(code)
        blocked.append(dep)

    a["part_first"], a["part_group"], f["part_price"] = array("q", [0]), array("q"), array("d")
    for nodes in partitions.values():
        if len({(n.site, n.flavor) for n in nodes}) > 1:
            raise ValueError(f"partition {nodes[0].partition_id} mixes sites or flavors")
        a["part_first"].append(a["part_first"][-1] + len(nodes))
        a["part_group"].append(groups[nodes[0].site, nodes[0].flavor])
        f["part_price"].append(max(n.price for n in nodes))
    ordered = [node for nodes in partitions.values() for node in nodes]
    a["node_cpus"] = array("q", (n.cpus for n in ordered))
    a["node_mem"] = array("q", (n.mem for n in ordered))
    a["node_gpus"] = array("q", (n.gpus for n in ordered))
    f["node_available"] = array("d", (max(now, n.available_at) for n in ordered))
    runs = [(i, r) for i, n in enumerate(ordered) for r in n.running]
    a["run_node"] = array("q", (i for i, _ in runs))
    f["run_end"] = array("d", (max(r.end_time, now + OVERRUN_GRACE) for _, r in runs))
    a["run_cpus"] = array("q", (r.cpus for _, r in runs))
    a["run_mem"] = array("q", (r.mem for _, r in runs))
    a["run_gpus"] = array("q", (r.gpus for _, r in runs))

    a["offer_group"] = array("q", (groups[o[2], o[3]] for o in offers))
    a["offer_site"] = array("q", (o[4] for o in offers))
    a["offer_cpus"] = array("q", (o[5].cpus for o in offers))
    a["offer_mem"] = array("q", (o[5].mem for o in offers))
    a["offer_gpus"] = array("q", (o[5].gpus for o in offers))
    f["offer_price"] = array("d", (o[5].price for o in offers))
    site_free = array(
        "q", (-1 if s.max_nodes is None else max(0, s.max_nodes - s.nodes_in_use) for s in snapshot.sites)
    )
    f["site_boot"] = array("d", (max(0.0, s.boot_time) for s in snapshot.sites))
    budget_index = {budget.key: i for i, budget in enumerate(snapshot.budgets)}
    a["job_budget_first"] = array("q", [0])
    a["job_budgets"] = array("q")
    for job in jobs:
        if job.budgets:
            a["job_budgets"].extend(budget_index[key] for key in dict.fromkeys(job.budgets))
        a["job_budget_first"].append(len(a["job_budgets"]))
    return Packed(
        now=now,
        reservation_depth=max(0, settings.reservation_depth),
        jobs=tuple(jobs),
        blocked_by=tuple(blocked),
        node_ids=tuple(n.id for n in ordered),
        node_labels=tuple(n.label or n.id for n in ordered),
        partitions=tuple(tuple(nodes) for nodes in partitions.values()),
        offer_sites=snapshot.sites,
        offer_names=tuple((o[2], o[3], o[5].price) for o in offers),
        status=status,
        site_free=site_free,
        budgets=snapshot.budgets,
        budget_left=array("d", (max(0.0, budget.left) for budget in snapshot.budgets)),
        ints=a,
        floats=f,
    )


def _disks(snapshot: Snapshot) -> dict[tuple[str, str], int]:
    """Per (site, flavor): the least disk its nodes and its offered flavor give a job, in MiB."""
    disks: dict[tuple[str, str], int] = {}
    given = [(n.site, n.flavor, n.disk) for n in snapshot.nodes]
    given += [(site.name, f.name, f.disk) for site in snapshot.sites for f in site.flavors]
    for site, flavor, disk in given:
        disks[site, flavor] = min(disk, disks.get((site, flavor), disk))
    return disks


def _pack_jobs(
    a: dict[str, array[int]],
    f: dict[str, array[float]],
    jobs: Sequence[JobDemand],
    groups: Mapping[tuple[str, str], int],
    settings: SchedulerSettings,
    *,
    disks: Mapping[tuple[str, str], int],
) -> None:
    """Disk is not shared out like CPUs: a (site, flavor) group with less than a job's disk per node
    is simply not allowed for it."""
    rows: dict[tuple[tuple[str, ...], tuple[str, ...], int], int] = {}
    shapes: dict[tuple[int, int, int, int, float, int, float], int] = {}
    # What is derived from a job's request, the same for every job asking the same:
    # (row of ``allowed``, shape, duration, price ceiling).
    kinds: dict[tuple[object, ...], tuple[int, int, float, float]] = {}
    allowed = bytearray()
    per_job = []
    for job in jobs:
        key = (job.cpus, job.mem, job.gpus, job.disk, job.nodes, job.time_limit, job.max_price, job.sites, job.flavors)
        kind = kinds.get(key)
        if kind is None:
            row = rows.get((job.sites, job.flavors, job.disk))
            if row is None:
                row = rows[job.sites, job.flavors, job.disk] = len(rows)
                sites, flavors = set(job.sites), set(job.flavors)
                allowed += bytes(
                    (not sites or site in sites)
                    and (not flavors or flavor in flavors)
                    and disks[site, flavor] >= job.disk
                    for site, flavor in groups
                )
            seconds = float(min(job.time_limit or settings.default_time_limit, MAX_DURATION))
            ceiling = math.inf if job.max_price is None else job.max_price
            shape = shapes.setdefault((job.cpus, job.mem, job.gpus, job.nodes, seconds, row, ceiling), len(shapes))
            kind = kinds[key] = (row, shape, seconds, ceiling)
        per_job.append(kind)
    a.update(
        job_cpus=array("q", [job.cpus for job in jobs]),
        job_mem=array("q", [job.mem for job in jobs]),
        job_gpus=array("q", [job.gpus for job in jobs]),
        job_nodes=array("q", [job.nodes for job in jobs]),
        job_allow=array("q", [kind[0] for kind in per_job]),
        job_shape=array("q", [kind[1] for kind in per_job]),
    )
    a["allowed"] = array("B", allowed)
    f.update(
        job_duration=array("d", [kind[2] for kind in per_job]), job_max_price=array("d", [kind[3] for kind in per_job])
    )
