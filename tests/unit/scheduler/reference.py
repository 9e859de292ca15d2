"""The scheduler's rules in plain Python: the kernel ``skyport._sched.schedule`` written for reading.

Same arguments, same outputs, none of the kernel's shortcuts: no cache of earliest starts, no
sorted allocation lists, every candidate start time tried in order. It lives in tests only
(STYLE.md): the parity tests run both on the same inputs and demand the same timetable.
"""

from __future__ import annotations

import math
from collections.abc import MutableSequence, Sequence
from dataclasses import dataclass

from skyport.scheduler import inputs


@dataclass(frozen=True)
class Alloc:
    start: float
    end: float
    cpus: int
    mem: int
    gpus: int


def schedule(
    job_cpus: Sequence[int],
    job_mem: Sequence[int],
    job_gpus: Sequence[int],
    job_nodes: Sequence[int],
    job_duration: Sequence[float],
    job_max_price: Sequence[float],
    job_allow: Sequence[int],
    job_shape: Sequence[int],
    allowed: Sequence[int],
    part_first: Sequence[int],
    part_group: Sequence[int],
    part_price: Sequence[float],
    node_cpus: Sequence[int],
    node_mem: Sequence[int],
    node_gpus: Sequence[int],
    node_available: Sequence[float],
    run_node: Sequence[int],
    run_end: Sequence[float],
    run_cpus: Sequence[int],
    run_mem: Sequence[int],
    run_gpus: Sequence[int],
    offer_group: Sequence[int],
    offer_site: Sequence[int],
    offer_cpus: Sequence[int],
    offer_mem: Sequence[int],
    offer_gpus: Sequence[int],
    offer_price: Sequence[float],
    site_free: MutableSequence[int],
    site_boot: Sequence[float],
    now: float,
    reservation_depth: int,
    out_why: MutableSequence[int],
    out_start: MutableSequence[float],
    out_offer: MutableSequence[int],
    out_node_first: Sequence[int],
    out_nodes: MutableSequence[int],
) -> None:
    """Place jobs in the given (priority) order; see docs/scheduler.md for the rules."""
    del job_shape  # only the kernel's cache needs it
    n_groups = len(allowed) // (max(job_allow) + 1) if len(job_allow) else 0
    allocs: list[list[Alloc]] = [[] for _ in node_cpus]
    for node, end, cpus, mem, gpus in zip(run_node, run_end, run_cpus, run_mem, run_gpus, strict=True):
        allocs[node].append(Alloc(-math.inf, end, cpus, mem, gpus))
    capacity = list(zip(node_cpus, node_mem, node_gpus, strict=True))

    def has_room(node: int, want: tuple[int, int, int]) -> bool:
        return all(have >= need for have, need in zip(capacity[node], want, strict=True))

    def free_at(node: int, point: float, want: tuple[int, int, int]) -> bool:
        used = [0, 0, 0]
        for a in allocs[node]:
            if a.start <= point < a.end:
                used = [used[0] + a.cpus, used[1] + a.mem, used[2] + a.gpus]
        return all(have - u >= need for have, u, need in zip(capacity[node], used, want, strict=True))

    def fits(node: int, t: float, duration: float, want: tuple[int, int, int]) -> bool:
        if t < node_available[node] or not has_room(node, want):
            return False
        points = [t] + [a.start for a in allocs[node] if t < a.start < t + duration]
        return all(free_at(node, p, want) for p in points)

    def earliest(nodes: range, count: int, duration: float, want: tuple[int, int, int]) -> float:
        candidates = sorted({node_available[n] for n in nodes} | {a.end for n in nodes for a in allocs[n]})
        for t in candidates:
            if sum(fits(n, t, duration, want) for n in nodes) >= count:
                return t
        return math.inf

    reserved = 0
    for j in range(len(job_cpus)):
        if out_why[j] != inputs.READY:
            continue
        want = (job_cpus[j], job_mem[j], job_gpus[j])
        count, duration, ceiling = job_nodes[j], job_duration[j], job_max_price[j]
        row = job_allow[j] * n_groups

        best, best_part, room = math.inf, -1, False
        for p in range(len(part_group)):
            nodes = range(part_first[p], part_first[p + 1])
            if not allowed[row + part_group[p]] or len(nodes) < count:
                continue
            room = room or sum(has_room(n, want) for n in nodes) >= count
            if part_price[p] * count > ceiling:
                continue
            t = earliest(nodes, count, duration, want)
            if t < best:
                best, best_part = t, p

        chosen, affordable = -1, False
        if best > now:
            for k in range(len(offer_group)):
                if not allowed[row + offer_group[k]]:
                    continue
                if offer_cpus[k] < want[0] or offer_mem[k] < want[1] or offer_gpus[k] < want[2]:
                    continue
                room = True
                if offer_price[k] * count > ceiling:
                    continue
                affordable = True
                if 0 <= site_free[offer_site[k]] < count:
                    continue
                chosen = k
                break
        offer_start = now + site_boot[offer_site[chosen]] if chosen >= 0 else math.inf

        if best <= now or (offer_start >= best and best < math.inf and reserved < reservation_depth):
            if best > now:
                reserved += 1
            nodes = range(part_first[best_part], part_first[best_part + 1])
            taken = [n for n in nodes if fits(n, best, duration, want)][:count]
            for i, n in enumerate(taken):
                allocs[n].append(Alloc(best, best + duration, *want))
                out_nodes[out_node_first[j] + i] = n
            out_why[j] = inputs.STARTS_NOW if best <= now else inputs.RESERVED
            out_start[j] = best
        elif offer_start < best:
            if site_free[offer_site[chosen]] >= 0:
                site_free[offer_site[chosen]] -= count
            out_why[j], out_start[j], out_offer[j] = inputs.NEW_PARTITION, offer_start, chosen
        elif best < math.inf:
            out_why[j], out_start[j] = inputs.BEHIND_RESERVATIONS, best
        elif affordable:
            out_why[j] = inputs.QUOTA_FULL
        elif room:
            out_why[j] = inputs.OVER_PRICE
        else:
            out_why[j] = inputs.NEVER_FITS
