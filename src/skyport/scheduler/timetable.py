"""Kernel output -> :class:`Placement` objects, with reasons a user can read.

A reason answers "why is my job not running?" or "when will it start?" in one line:
"starts now on p-1:0", "waiting for 2 x gpus=1; next free at 14:05 (reserved)",
"no flavor on allowed sites has 512 GB memory".
"""

from __future__ import annotations

import functools
import math
import time
from bisect import bisect_right
from collections.abc import Sequence

from skyport.scheduler import inputs
from skyport.scheduler.inputs import Outcome, Packed
from skyport.scheduler.model import FlavorOffer, JobDemand, NewPartition, Placement, SiteOffer, Timetable

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
        else:
            reason = _not_placed(packed, out, i, states)
            placements.append(Placement(job_id=job.id, placed=False, start_time=start, reason=reason))
    return Timetable(placements=tuple(placements))


def _on_nodes(job: JobDemand, why: int, labels: Sequence[str], start: float | None, now: float) -> str:
    shown = ", ".join(labels[:_SHOWN_NODES])
    if len(labels) > _SHOWN_NODES:
        shown += f" (+{len(labels) - _SHOWN_NODES} more)"
    if why == inputs.STARTS_NOW:
        return f"starts now on {shown}"
    return f"waiting for {demand_text(job)}; next free at {clock(start or now, now)} on {shown} (reserved)"


def _not_placed(packed: Packed, out: Outcome, i: int, states: dict[str, str]) -> str:
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
        depth = packed.reservation_depth
        return (
            f"waiting for {demand_text(job)}; next free at {clock(out.start[i], packed.now)} "
            f"(an estimate: only the top {depth} waiting job{'s' if depth != 1 else ''} hold reservations)"
        )
    impossible = impossible_reason(job, packed.offer_sites)
    if why == inputs.QUOTA_FULL:
        return impossible or _quota_text(job, packed, out)
    if why == inputs.OVER_PRICE:
        return impossible or (
            f"every allowed node or flavor with room for {demand_text(job)} costs more than the ceiling of "
            f"{_money(job.max_price or 0.0)}/h"
        )
    return impossible or f"no node or flavor on the allowed sites has room for {demand_text(job)}"


def _quota_text(job: JobDemand, packed: Packed, out: Outcome) -> str:
    full = [
        f"{site.name} {site.max_nodes - out.site_free[k]}/{site.max_nodes} nodes"
        for k, site in enumerate(packed.offer_sites)
        if site.max_nodes is not None and (not job.sites or site.name in job.sites)
    ]
    return f"site quotas are used up ({', '.join(full)}); waiting for {demand_text(job)} to be released"


def impossible_reason(job: JobDemand, sites: Sequence[SiteOffer]) -> str | None:
    """Why no allowed site/flavor could EVER run the job, or None.

    None also when no allowed site has answered yet: then nothing is known to be impossible.
    """
    allowed = [site for site in sites if not job.sites or site.name in job.sites]
    if not allowed:
        return None
    flavors = [f for site in allowed for f in site.flavors if not job.flavors or f.name in job.flavors]
    missing = _missing_resource(job, flavors)
    if missing:
        return missing
    fitting = [f for f in flavors if f.cpus >= job.cpus and f.mem >= job.mem and f.gpus >= job.gpus]
    room = {site.name: site.max_nodes for site in allowed}
    fitting = [f for f in fitting if room.get(f.site) is None or (room[f.site] or 0) >= job.nodes]
    if not fitting:
        largest = max(n or 0 for n in room.values())
        return f"the job needs {job.nodes} nodes; the allowed sites' quotas allow at most {largest}"
    cheapest = min(f.price for f in fitting) * job.nodes
    if job.max_price is not None and cheapest > job.max_price:
        return (
            f"the cheapest flavor that fits costs {_money(cheapest)}/h for {job.nodes} node(s), "
            f"above the ceiling of {_money(job.max_price)}/h"
        )
    return None


def _missing_resource(job: JobDemand, flavors: Sequence[FlavorOffer]) -> str | None:
    if not flavors:
        return f"no flavor named {' or '.join(job.flavors)} on the allowed sites"
    for wanted, offered, label in (
        (job.cpus, [f.cpus for f in flavors], f"{job.cpus} cpu{'s' if job.cpus != 1 else ''}"),
        (job.mem, [f.mem for f in flavors], f"{memory_text(job.mem)} memory"),
        (job.gpus, [f.gpus for f in flavors], f"{job.gpus} gpu{'s' if job.gpus != 1 else ''}"),
    ):
        if wanted > max(offered):
            return f"no flavor on allowed sites has {label}"
    if not any(f.cpus >= job.cpus and f.mem >= job.mem and f.gpus >= job.gpus for f in flavors):
        return f"no flavor on allowed sites has {demand_text(job, with_count=False)} together"
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
