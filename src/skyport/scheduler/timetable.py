"""Kernel output -> :class:`Placement` objects, with reasons a user can read.

A reason answers "why is my job not running?" or "when will it start?" in one line:
"starts now on p-1:0", "waiting for 2 x gpus=1; next free at 14:05 (reserved)",
"no node or flavor on the allowed sites has 512 GB memory". docs/scheduler.md lists every reason
and when it is given; tests/unit/scheduler/test_reasons.py holds the code to that list.
"""

from __future__ import annotations

import functools
import math
import time
from bisect import bisect_right
from collections.abc import Sequence

from skyport.accounting.budgets import day_text, money
from skyport.scheduler import inputs
from skyport.scheduler.inputs import Outcome, Packed
from skyport.scheduler.model import (
    BudgetLimit,
    FlavorOffer,
    JobDemand,
    NewPartition,
    NodeSlot,
    Placement,
    SiteOffer,
    Timetable,
)

_STATE_WORDS = {"Q": "queued", "W": "waiting for resources", "R": "running", "T": "transferring files"}
_FAILED_WORDS = {"E": "failed", "C": "was cancelled", "": "is unknown"}
_SHOWN_NODES = 4  # node ids listed in a reason before "+N more"


def decode(packed: Packed, out: Outcome, job_states: dict[str, str] | None = None) -> Timetable:
    """One :class:`Placement` per job of ``packed``, in its scheduling order."""
    states = job_states or {}
    now = packed.now
    part_first, part_price, durations = (
        packed.ints["part_first"],
        packed.floats["part_price"],
        packed.floats["job_duration"],
    )
    new_partitions: dict[tuple[int, int, float], tuple[NewPartition, str]] = {}  # many jobs share one
    blockers = _Blockers(packed)
    placements = []
    for i, job in enumerate(packed.jobs):
        why = out.why[i]
        start = None if math.isnan(out.start[i]) else out.start[i]
        hours = durations[i] / 3600.0
        if why in (inputs.STARTS_NOW, inputs.RESERVED):
            first = out.node_first[i]
            indexes = out.nodes[first : first + job.nodes]
            node_ids = tuple(packed.node_ids[n] for n in indexes)
            price = part_price[bisect_right(part_first, indexes[0]) - 1]
            placements.append(
                Placement(
                    job_id=job.id,
                    placed=True,
                    start_time=start,
                    node_ids=node_ids,
                    estimated_cost=price * job.nodes * hours,
                    reason=_on_nodes(job, why, [packed.node_labels[n] for n in indexes], start, now),
                )
            )
        elif why == inputs.NEW_PARTITION:
            key = (out.offer[i], job.nodes, out.start[i])
            if key not in new_partitions:
                site, flavor, price = packed.offer_names[out.offer[i]]
                new_partitions[key] = (
                    NewPartition(site=site, flavor=flavor, count=job.nodes, price=price),
                    f"new partition: {job.nodes} x {flavor} on {site} at {_money(price)}/h per node; "
                    f"ready at {clock(out.start[i], now)}",
                )
            new, reason = new_partitions[key]
            blockers.planned(out.offer[i], job.nodes)
            placements.append(
                Placement(
                    job_id=job.id,
                    placed=True,
                    start_time=start,
                    new_partition=new,
                    estimated_cost=new.price * job.nodes * hours,
                    reason=reason,
                )
            )
        elif why == inputs.OVER_BUDGET:
            budget = packed.budgets[out.budget[i]]
            again = budget.next_start if math.isfinite(budget.next_start) else None
            placements.append(
                Placement(job_id=job.id, placed=False, start_time=again, reason=_budget_text(budget, out, i))
            )
        else:
            reason = _not_placed(packed, out, i, states, blockers)
            placements.append(Placement(job_id=job.id, placed=False, start_time=start, reason=reason))
    return Timetable(placements=tuple(placements))


def _on_nodes(job: JobDemand, why: int, labels: Sequence[str], start: float | None, now: float) -> str:
    shown = ", ".join(labels[:_SHOWN_NODES])
    if len(labels) > _SHOWN_NODES:
        shown += f" (+{len(labels) - _SHOWN_NODES} more)"
    if why == inputs.STARTS_NOW:
        return f"starts now on {shown}"
    return f"waiting for {demand_text(job)}; next free at {clock(start or now, now)} on {shown} (reserved)"


def _not_placed(packed: Packed, out: Outcome, i: int, states: dict[str, str], blockers: _Blockers) -> str:
    job = packed.jobs[i]
    why = out.why[i]
    dep = packed.blocked_by[i]
    if why == inputs.WAITS_FOR_DEPENDENCY:
        state = states.get(dep, "Q")
        return f"waiting for dependency {dep} ({_STATE_WORDS.get(state, state)})"
    if why == inputs.DEPENDENCY_FAILED:
        state = states.get(dep, "")
        return f"dependency {dep} {_FAILED_WORDS.get(state, 'failed')}; this job will never start"
    if why == inputs.BEHIND_RESERVATIONS:
        return blockers.behind(job, out.start[i])
    return blockers.reason(job, why)


class _Blockers:
    """What holds back a job the kernel could not place, read from the snapshot itself.

    Quota is counted as it was at the job's turn: new partitions planned for jobs before it in
    this pass (:meth:`planned`), not those planned for jobs after it.
    """

    def __init__(self, packed: Packed) -> None:
        self._sites = packed.offer_sites
        self._partitions = packed.partitions
        self._offer_site = packed.ints["offer_site"]
        self._free = [site.max_nodes and max(0, site.max_nodes - site.nodes_in_use) for site in self._sites]
        self._now, self._depth = packed.now, packed.reservation_depth
        self._said: dict[tuple[object, ...], str] = {}

    def planned(self, offer: int, nodes: int) -> None:
        """A new partition of ``nodes`` nodes was planned on the site of ``offer``."""
        k = self._offer_site[offer]
        if self._sites[k].max_nodes is not None:
            self._free[k] = (self._free[k] or 0) - nodes

    def behind(self, job: JobDemand, start: float) -> str:
        """Why a job that fits existing nodes later is not placed (BEHIND_RESERVATIONS); the same
        words for every job of the same size that would start in the same minute."""
        key = (inputs.BEHIND_RESERVATIONS, job.cpus, job.mem, job.gpus, job.nodes, _minute(start))
        said = self._said.get(key)
        if said is None:
            depth = self._depth
            said = self._said[key] = (
                f"waiting for {demand_text(job)}; next free at {clock(start, self._now)} "
                f"(an estimate: only the top {depth} waiting job{'s' if depth != 1 else ''} hold reservations)"
            )
        return said

    def reason(self, job: JobDemand, why: int) -> str:
        key: tuple[object, ...] = (why, job.cpus, job.mem, job.gpus, job.disk, job.nodes, job.sites, job.flavors)
        key += (job.max_price,)
        if why == inputs.QUOTA_FULL:
            key += tuple(self._free)
        said = self._said.get(key)
        if said is None:
            said = self._said[key] = self._words(job, why)
        return said

    def _words(self, job: JobDemand, why: int) -> str:
        flavors = [(site, f) for site in self._sites for f in site.flavors if _allows(job, site.name, f.name)]
        fitting = [(site, f) for site, f in flavors if _holds(job, f.cpus, f.mem, f.gpus, f.disk)]
        if why == inputs.QUOTA_FULL:
            ceiling = math.inf if job.max_price is None else job.max_price
            affordable = {site.name for site, f in fitting if f.price * job.nodes <= ceiling}
            quotas = zip(self._sites, self._free, strict=True)
            return _quota_text(job, [(site, free) for site, free in quotas if site.name in affordable])
        partitions = [nodes for nodes in self._partitions if _allows(job, nodes[0].site, nodes[0].flavor)]
        if why == inputs.OVER_PRICE:
            fits = [(f.price * job.nodes, site.name, f.name) for site, f in fitting]
            fits += [
                (max(n.price for n in nodes) * job.nodes, nodes[0].site, nodes[0].flavor)
                for nodes in partitions
                if sum(_holds(job, n.cpus, n.mem, n.gpus, n.disk) for n in nodes) >= job.nodes
            ]
            if fits:
                return _price_text(job, *min(fits))
        return _too_large(job, [site for site in self._sites if _allows(job, site.name, "")], flavors, partitions)


def _allows(job: JobDemand, site: str, flavor: str) -> bool:
    """Whether the job allows ``site`` and ``flavor`` ("" = any flavor)."""
    return (not job.sites or site in job.sites) and (not flavor or not job.flavors or flavor in job.flavors)


def _holds(job: JobDemand, cpus: int, mem: int, gpus: int, disk: int) -> bool:
    return cpus >= job.cpus and mem >= job.mem and gpus >= job.gpus and disk >= job.disk


def _too_large(
    job: JobDemand,
    answered: Sequence[SiteOffer],
    flavors: Sequence[tuple[SiteOffer, FlavorOffer]],
    partitions: Sequence[Sequence[NodeSlot]],
) -> str:
    """Why no allowed node or flavor is large enough (the kernel's NEVER_FITS)."""
    if not flavors and not partitions:
        if not answered:
            return "no allowed site has answered yet"
        if job.flavors:
            return f"no flavor named {' or '.join(job.flavors)} on the allowed sites"
        return f"the allowed sites ({', '.join(site.name for site in answered)}) offer no flavors"
    shapes = [(f.cpus, f.mem, f.gpus, f.disk) for _, f in flavors]
    shapes += [(n.cpus, n.mem, n.gpus, n.disk) for p in partitions for n in p]
    return _missing(job, shapes) or (
        f"no flavor on the allowed sites has {demand_text(job, with_count=False)}, "
        f"and no partition has {job.nodes} such nodes"
    )


def _missing(job: JobDemand, shapes: Sequence[tuple[int, int, int, int]]) -> str | None:
    """Which part of the job's per-node demand none of ``shapes`` (cpus, mem, gpus, disk) holds, naming the
    most offered, or None."""
    for index, wanted in enumerate((job.cpus, job.mem, job.gpus, job.disk)):
        most = max(shape[index] for shape in shapes)
        if wanted > most:
            return (
                f"no node or flavor on the allowed sites has {_amount(index, wanted)}; "
                f"the most offered is {_amount(index, most)}"
            )
    if not any(_holds(job, *shape) for shape in shapes):
        return f"no single node or flavor on the allowed sites has {demand_text(job, with_count=False)}"
    return None


def _amount(index: int, count: int) -> str:
    """``4 cpus``, ``8 GB memory``, ``1 gpu``, ``20 GB disk``: an amount of the resource at ``index`` of a shape."""
    if index in (1, 3):
        return f"{memory_text(count)} {'memory' if index == 1 else 'disk'}"
    return f"{count} {'cpu' if index == 0 else 'gpu'}{'s' if count != 1 else ''}"


def _quota_text(job: JobDemand, sites: Sequence[tuple[SiteOffer, int | None]]) -> str:
    limited = [(site, free or 0, site.max_nodes) for site, free in sites if site.max_nodes is not None]
    if limited and all(most < job.nodes for _, _, most in limited):
        return _quota_too_small(job, max(most for _, _, most in limited))
    listed = ", ".join(f"{site.name} {free}/{most} nodes free" for site, free, most in limited)
    return f"site quotas are used up ({listed}); waiting for {_nodes(job.nodes)} free on one site"


def _quota_too_small(job: JobDemand, most: int) -> str:
    return f"the job needs {_nodes(job.nodes)}; where a flavor fits, the site quotas allow at most {most}"


def _price_text(job: JobDemand, cost: float, site: str, flavor: str) -> str:
    return (
        f"the cheapest fit ({flavor} on {site}) costs {_money(cost)}/h for {_nodes(job.nodes)}, "
        f"above the ceiling of {_money(job.max_price or 0.0)}/h"
    )


def _budget_text(budget: BudgetLimit, out: Outcome, i: int) -> str:
    """``account physics has $3.20 left this month; this job may cost up to $4.00; a new period starts on 1 Dec``."""
    again = (
        f"a new period starts on {day_text(budget.next_start)}"
        if math.isfinite(budget.next_start)
        else "it does not start again"
    )
    return (
        f"{budget.label or budget.key} has {money(out.left[i])} left {budget.period or 'now'}; "
        f"this job may cost up to {money(out.cost[i])}; {again}"
    )


def _nodes(count: int) -> str:
    return f"{count} node{'s' if count != 1 else ''}"


def impossible_reason(job: JobDemand, sites: Sequence[SiteOffer]) -> str | None:
    """Why no allowed site's flavors could EVER run the job (the 400 at submit), or None.

    None also when nothing is known: no allowed site has answered yet, or the allowed sites
    answered without flavors (a site may list them later).
    """
    allowed = [site for site in sites if _allows(job, site.name, "")]
    flavors = [(site, f) for site in allowed for f in site.flavors if _allows(job, site.name, f.name)]
    if not flavors:
        return f"no flavor named {' or '.join(job.flavors)} on the allowed sites" if allowed and job.flavors else None
    missing = _missing(job, [(f.cpus, f.mem, f.gpus, f.disk) for _, f in flavors])
    if missing:
        return missing
    cheapest = cheapest_fit(job, allowed)
    if cheapest is None:
        fitting = [site for site, f in flavors if _holds(job, f.cpus, f.mem, f.gpus, f.disk)]
        return _quota_too_small(job, max(site.max_nodes or 0 for site in fitting))
    if job.max_price is not None and cheapest[0] > job.max_price:
        return _price_text(job, *cheapest)
    return None


def cheapest_fit(job: JobDemand, sites: Sequence[SiteOffer]) -> tuple[float, str, str] | None:
    """(price per hour for the job's nodes, site, flavor) of the cheapest allowed flavor that holds the job
    within its site's whole quota; None when there is none."""
    fits = [
        (f.price * job.nodes, site.name, f.name)
        for site in sites
        for f in site.flavors
        if _allows(job, site.name, f.name)
        and _holds(job, f.cpus, f.mem, f.gpus, f.disk)
        and (site.max_nodes is None or site.max_nodes >= job.nodes)
    ]
    return min(fits, default=None)


def room_on(job: JobDemand, nodes: Sequence[NodeSlot]) -> float | None:
    """When ``job.nodes`` of ``nodes`` (one partition's) have room for the job at once, as their running
    jobs end at their time limits (queued jobs not counted); None when they can never hold it."""
    if len(nodes) < job.nodes or not _allows(job, nodes[0].site, nodes[0].flavor):
        return None
    times = sorted({node.available_at for node in nodes} | {r.end_time for node in nodes for r in node.running})
    for t in times:
        free = 0
        for node in nodes:
            busy = [run for run in node.running if run.end_time > t]
            cpus = node.cpus - sum(run.cpus for run in busy)
            mem = node.mem - sum(run.mem for run in busy)
            gpus = node.gpus - sum(run.gpus for run in busy)
            if node.available_at <= t and _holds(job, cpus, mem, gpus, node.disk):
                free += 1
        if free >= job.nodes:
            return t
    return None


def demand_text(job: JobDemand, *, with_count: bool = True) -> str:
    """``2 x cpus=4, mem=8 GB, gpus=1``: what the job asks of each node."""
    parts = [f"cpus={job.cpus}"]
    if job.mem:
        parts.append(f"mem={memory_text(job.mem)}")
    if job.gpus:
        parts.append(f"gpus={job.gpus}")
    text = ", ".join(parts)
    return f"{job.nodes} x {text}" if with_count else text


def memory_text(mib: int) -> str:
    """MiB as users write it: 512 GB, 1536 MiB."""
    return f"{mib // 1024} GB" if mib >= 1024 and mib % 1024 == 0 else f"{mib} MiB"


_LAST_MINUTE = 253402300740 // 60  # 9999-12-31 23:59 UTC: later times show as that minute


def clock(t: float, now: float) -> str:
    """Local time of day (to the minute), with the date when it is not today."""
    return _clock(_minute(t), _minute(now))


def _minute(t: float) -> int:
    return int(min(max(t, 0.0), _LAST_MINUTE * 60.0) // 60)


@functools.lru_cache(maxsize=4096)
def _clock(minute: int, now_minute: int) -> str:
    when, today = time.localtime(minute * 60), time.localtime(now_minute * 60)
    if (when.tm_year, when.tm_yday) == (today.tm_year, today.tm_yday):
        return time.strftime("%H:%M", when)
    return time.strftime("%Y-%m-%d %H:%M", when)


def _money(amount: float) -> str:
    return f"${amount:.4g}"
