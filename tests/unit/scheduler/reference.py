"""The scheduler's rules in plain Python: the kernel ``skyport._sched.schedule`` written for reading.

Same arguments, same outputs, none of the kernel's shortcuts: no cache of earliest starts, no
sorted allocation lists, every candidate start time tried in order. It lives in tests only
(STYLE.md): the parity tests run both on the same inputs and demand the same timetable.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import MutableSequence, Sequence
from dataclasses import dataclass

from skyport.scheduler import inputs


@dataclass(frozen=True)
class Alloc:
    start: float
    end: float
    want: tuple[int, int, int]  # cpus, mem, gpus


@dataclass
class Nodes:
    """Every node's capacity, available time and allocations (running, started now, reserved)."""

    capacity: list[tuple[int, int, int]]
    available: Sequence[float]
    allocs: list[list[Alloc]]

    def has_room(self, node: int, want: tuple[int, int, int]) -> bool:
        return all(have >= need for have, need in zip(self.capacity[node], want, strict=True))

    def free_at(self, node: int, point: float, want: tuple[int, int, int]) -> bool:
        live = [a.want for a in self.allocs[node] if a.start <= point < a.end]
        used = [sum(column) for column in zip(*live, strict=True)] if live else [0, 0, 0]
        return all(have - u >= need for have, u, need in zip(self.capacity[node], used, want, strict=True))

    def fits(self, node: int, t: float, duration: float, want: tuple[int, int, int]) -> bool:
        """Room on the node for ``want`` over [t, t + duration)."""
        if t < self.available[node] or not self.has_room(node, want):
            return False
        points = [t] + [a.start for a in self.allocs[node] if t < a.start < t + duration]
        return all(self.free_at(node, p, want) for p in points)

    def earliest(self, nodes: range, count: int, duration: float, want: tuple[int, int, int]) -> float:
        """First time at which ``count`` of ``nodes`` all have room: a node's available time or an end."""
        ends = {a.end for n in nodes for a in self.allocs[n]}
        for t in sorted({self.available[n] for n in nodes} | ends):
            if sum(self.fits(n, t, duration, want) for n in nodes) >= count:
                return t
        return math.inf

    def take(self, nodes: range, count: int, t: float, duration: float, want: tuple[int, int, int]) -> list[int]:
        taken = [n for n in nodes if self.fits(n, t, duration, want)][:count]
        for n in taken:
            self.allocs[n].append(Alloc(t, t + duration, want))
        return taken


def schedule(
    *,
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
    job_budget_first: Sequence[int],
    job_budgets: Sequence[int],
    budget_left: MutableSequence[float],
    now: float,
    reservation_depth: int,
    out_why: MutableSequence[int],
    out_start: MutableSequence[float],
    out_offer: MutableSequence[int],
    out_node_first: Sequence[int],
    out_nodes: MutableSequence[int],
    out_budget: MutableSequence[int],
    out_cost: MutableSequence[float],
    out_left: MutableSequence[float],
) -> None:
    """Place jobs in the given (priority) order; see docs/scheduler.md for the rules."""
    del job_shape  # only the kernel's cache needs it
    groups = len(allowed) // (max(job_allow) + 1) if len(job_allow) else 0
    cluster = Nodes(list(zip(node_cpus, node_mem, node_gpus, strict=True)), node_available, [[] for _ in node_cpus])
    for node, end, *want in zip(run_node, run_end, run_cpus, run_mem, run_gpus, strict=True):
        cluster.allocs[node].append(Alloc(-math.inf, end, (want[0], want[1], want[2])))
    offers = list(zip(offer_group, offer_site, offer_cpus, offer_mem, offer_gpus, offer_price, strict=True))
    partitions = [range(part_first[p], part_first[p + 1]) for p in range(len(part_group))]

    reserved = 0
    for j in range(len(job_cpus)):
        if out_why[j] != inputs.READY:
            continue
        want = (job_cpus[j], job_mem[j], job_gpus[j])
        count, duration, ceiling = job_nodes[j], job_duration[j], job_max_price[j]
        row = allowed[job_allow[j] * groups : (job_allow[j] + 1) * groups]
        budgets = Budgets([job_budgets[b] for b in range(job_budget_first[j], job_budget_first[j + 1])], budget_left)

        allowed_partitions = [(p, part_price[p], nodes) for p, nodes in enumerate(partitions) if row[part_group[p]]]
        best, best_part, room = _earliest(
            cluster, allowed_partitions, want=want, count=count, duration=duration, ceiling=ceiling, budgets=budgets
        )

        chosen, affordable, fitting, budget_room = -1, False, False, False
        if best > now:
            chosen, affordable, fitting, budget_room = _cheapest_offer(
                offers, row, want, count, ceiling, site_free=site_free, budgets=budgets, duration=duration
            )
        offer_start = now + site_boot[offer_site[chosen]] if chosen >= 0 else math.inf

        if best <= now or (best <= offer_start and best < math.inf and reserved < reservation_depth):
            reserved += best > now
            budgets.charge(part_price[best_part] * count * duration / 3600.0)
            taken = cluster.take(partitions[best_part], count, best, duration, want)
            out_nodes[out_node_first[j] : out_node_first[j] + count] = array("q", taken)
            out_why[j] = inputs.STARTS_NOW if best <= now else inputs.RESERVED
            out_start[j] = best
        elif offer_start < best:
            site_free[offer_site[chosen]] -= count if site_free[offer_site[chosen]] >= 0 else 0
            budgets.charge(offers[chosen][5] * count * duration / 3600.0)
            out_why[j], out_start[j], out_offer[j] = inputs.NEW_PARTITION, offer_start, chosen
        elif best < math.inf:
            out_why[j], out_start[j] = inputs.BEHIND_RESERVATIONS, best
        elif (affordable and not budget_room) or budgets.refused is None:
            out_why[j] = (
                inputs.QUOTA_FULL if affordable else inputs.OVER_PRICE if room or fitting else inputs.NEVER_FITS
            )
        else:
            out_why[j] = inputs.OVER_BUDGET
            out_cost[j], out_budget[j], out_left[j] = budgets.refused


def _earliest(
    cluster: Nodes,
    partitions: Sequence[tuple[int, float, range]],
    *,
    want: tuple[int, int, int],
    count: int,
    duration: float,
    ceiling: float,
    budgets: Budgets,
) -> tuple[float, int, bool]:
    """(earliest start on the partitions within the price ceiling and budgets, its partition, whether
    any partition has room for the job at all)."""
    best, best_part, room = math.inf, -1, False
    for p, price, nodes in partitions:
        if len(nodes) < count:
            continue
        holds = sum(cluster.has_room(n, want) for n in nodes) >= count
        room = room or holds
        t = math.inf
        if price * count <= ceiling and budgets.allow(price * count * duration / 3600.0, holds):
            t = cluster.earliest(nodes, count, duration, want)
        if t < best:
            best, best_part = t, p
    return best, best_part, room


@dataclass
class Budgets:
    """The budgets one job draws on, and the cheapest option they refused it: (cost, budget, its left)."""

    mine: list[int]
    left: MutableSequence[float]
    refused: tuple[float, int, float] | None = None

    def allow(self, cost: float, holds: bool = True) -> bool:
        """Whether every budget has ``cost`` left; the cheapest refusal of an option that ``holds`` the job
        is kept for the reason."""
        short = next((b for b in self.mine if cost > self.left[b]), None)
        if short is None:
            return True
        if holds and (self.refused is None or cost < self.refused[0]):
            self.refused = (cost, short, self.left[short])
        return False

    def charge(self, cost: float) -> None:
        for b in self.mine:
            self.left[b] -= cost


def _cheapest_offer(
    offers: Sequence[tuple[int, int, int, int, int, float]],
    row: Sequence[int],
    want: tuple[int, int, int],
    count: int,
    ceiling: float,
    *,
    site_free: Sequence[int],
    budgets: Budgets,
    duration: float,
) -> tuple[int, bool, bool, bool]:
    """(first allowed offer that fits, is affordable (price ceiling and budgets) and within quota, or -1;
    any affordable; any fitting; any refused only by a budget on a site with room)."""
    affordable = fitting = budget_room = False
    for k, (group, site, *have, price) in enumerate(offers):
        if not row[group] or any(h < w for h, w in zip(have, want, strict=True)):
            continue
        fitting = True
        if price * count > ceiling:
            continue
        if not budgets.allow(price * count * duration / 3600.0):
            budget_room = budget_room or not 0 <= site_free[site] < count
            continue
        affordable = True
        if 0 <= site_free[site] < count:
            continue
        return k, affordable, fitting, budget_room
    return -1, affordable, fitting, budget_room
