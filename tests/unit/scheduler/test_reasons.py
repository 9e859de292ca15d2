"""Every reason is one of the documented set (docs/scheduler.md, "Reasons"), with the snapshot's numbers.

The table in the docs is the list: each row's template becomes a pattern, and each pattern has a
check here that reads the numbers back out of the reason and compares them with the snapshot.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skyport.scheduler import JobDemand, Placement, SchedulerSettings, Snapshot, inputs
from skyport.scheduler.timetable import clock, demand_text, memory_text

from .conftest import Plan
from .strategies import snapshots

DOCS = Path(__file__).resolve().parents[3] / "docs" / "scheduler.md"
check = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def documented() -> dict[str, re.Pattern[str]]:
    """The reason templates of the docs' table, by name, as patterns with one group per placeholder."""
    section = DOCS.read_text().split("\n## Reasons\n", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| ([a-z-]+) \| `([^`]+)` \|", section, re.MULTILINE)
    patterns = {}
    for name, template in rows:
        text = re.escape(template).replace(r"\(s\)", "s?")
        patterns[name] = re.compile(re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>.+?)", text))
    return patterns


REASONS = documented()


@dataclass(frozen=True)
class Seen:
    """One placement with what its reason is checked against."""

    snapshot: Snapshot
    options: SchedulerSettings
    job: JobDemand
    placement: Placement
    free: Mapping[str, int | None]  # quota left per site at the job's turn

    def allows(self, site: str, flavor: str) -> bool:
        return (not self.job.sites or site in self.job.sites) and (not self.job.flavors or flavor in self.job.flavors)

    def holds(self, cpus: int, mem: int, gpus: int) -> bool:
        return cpus >= self.job.cpus and mem >= self.job.mem and gpus >= self.job.gpus

    @property
    def answered(self) -> list[str]:
        return [s.name for s in self.snapshot.sites if not self.job.sites or s.name in self.job.sites]

    @property
    def flavors(self) -> list[tuple[str, str, int, int, int, float]]:
        return [
            (s.name, f.name, f.cpus, f.mem, f.gpus, f.price)
            for s in self.snapshot.sites
            for f in s.flavors
            if self.allows(s.name, f.name)
        ]

    @property
    def partitions(self) -> dict[str, list[tuple[str, str, int, int, int, float]]]:
        found: dict[str, list[tuple[str, str, int, int, int, float]]] = {}
        for n in self.snapshot.nodes:
            if self.allows(n.site, n.flavor):
                found.setdefault(n.partition_id, []).append((n.site, n.flavor, n.cpus, n.mem, n.gpus, n.price))
        return found

    @property
    def shapes(self) -> list[tuple[int, int, int]]:
        nodes = [n for p in self.partitions.values() for n in p]
        return [(c, m, g) for _, _, c, m, g, _ in self.flavors + nodes]

    @property
    def fits(self) -> list[tuple[float, str, str]]:
        """(price for the job's nodes, site, flavor) of every allowed flavor or partition with room."""
        job = self.job
        found = [(price * job.nodes, site, name) for site, name, *shape, price in self.flavors if self.holds(*shape)]
        for nodes in self.partitions.values():
            if sum(self.holds(c, m, g) for _, _, c, m, g, _ in nodes) >= job.nodes:
                found.append((max(n[5] for n in nodes) * job.nodes, nodes[0][0], nodes[0][1]))
        return found

    def quota_sites(self) -> dict[str, int]:
        """Sites with an allowed flavor that fits within the ceiling, by their whole quota."""
        ceiling = math.inf if self.job.max_price is None else self.job.max_price
        names = {
            site for site, _, *shape, price in self.flavors if self.holds(*shape) and price * self.job.nodes <= ceiling
        }
        return {s.name: s.max_nodes for s in self.snapshot.sites if s.name in names and s.max_nodes is not None}


def _price(text: str) -> float:
    assert text.startswith("$")
    return float(text[1:].replace(",", ""))


def _count(text: str, seen: Seen) -> None:
    assert int(text) == seen.job.nodes


def _starts_now(g: Mapping[str, str], seen: Seen) -> None:
    p = seen.placement
    assert p.placed and p.node_ids and p.start_time is not None and p.start_time <= seen.snapshot.now
    labels = {n.id: n.label or n.id for n in seen.snapshot.nodes}
    assert g["nodes"].split(" (+")[0] == ", ".join(labels[n] for n in p.node_ids[:4])


def _reserved(g: Mapping[str, str], seen: Seen) -> None:
    p = seen.placement
    assert p.placed and p.node_ids and p.start_time is not None and p.start_time > seen.snapshot.now
    assert g["demand"] == demand_text(seen.job)
    assert g["time"] == clock(p.start_time, seen.snapshot.now)


def _new_partition(g: Mapping[str, str], seen: Seen) -> None:
    new = seen.placement.new_partition
    assert seen.placement.placed and new is not None
    _count(g["count"], seen)
    assert (g["flavor"], g["site"]) == (new.flavor, new.site)
    assert math.isclose(_price(g["price"]), new.price, rel_tol=1e-3)
    assert (new.site, new.flavor, new.price) in {(s, f, price) for s, f, *_, price in seen.flavors}


def _dependency_waits(g: Mapping[str, str], seen: Seen) -> None:
    assert not seen.placement.placed and g["job"] in seen.job.depends_on
    state = seen.snapshot.job_states.get(g["job"], "Q")
    assert state not in {"F", "E", "C"}


def _dependency_failed(g: Mapping[str, str], seen: Seen) -> None:
    assert not seen.placement.placed and g["job"] in seen.job.depends_on
    pending = {job.id for job in seen.snapshot.jobs}
    state = seen.snapshot.job_states.get(g["job"], "Q" if g["job"] in pending else "")
    assert g["outcome"] == {"E": "failed", "C": "was cancelled", "": "is unknown"}[state]


def _estimate(g: Mapping[str, str], seen: Seen) -> None:
    p = seen.placement
    assert not p.placed and p.start_time is not None and p.start_time > seen.snapshot.now
    assert g["demand"] == demand_text(seen.job)
    assert g["time"] == clock(p.start_time, seen.snapshot.now)
    assert int(g["depth"]) == seen.options.reservation_depth


def _quota_used(g: Mapping[str, str], seen: Seen) -> None:
    assert not seen.placement.placed
    _count(g["count"], seen)
    listed = re.findall(r"(\S+) (\d+)/(\d+) nodes free", g["quotas"])
    assert ", ".join(f"{s} {f}/{m} nodes free" for s, f, m in listed) == g["quotas"]
    whole = seen.quota_sites()
    assert [s for s, _, _ in listed] == list(whole)
    for site, free, most in listed:
        assert int(most) == whole[site]
        assert seen.free[site] == int(free) < seen.job.nodes
    assert max(whole.values()) >= seen.job.nodes


def _quota_too_small(g: Mapping[str, str], seen: Seen) -> None:
    assert not seen.placement.placed
    _count(g["count"], seen)
    whole = seen.quota_sites()
    assert int(g["most"]) == max(whole.values()) < seen.job.nodes


def _over_price(g: Mapping[str, str], seen: Seen) -> None:
    assert not seen.placement.placed and seen.job.max_price is not None
    _count(g["count"], seen)
    cost, ceiling = _price(g["cost"]), _price(g["ceiling"])
    assert math.isclose(ceiling, seen.job.max_price, rel_tol=1e-3, abs_tol=1e-9)
    cheapest = min(seen.fits)
    assert math.isclose(cost, cheapest[0], rel_tol=1e-3) and cheapest[0] > seen.job.max_price
    assert (g["site"], g["flavor"]) == cheapest[1:]


def _over_budget(g: Mapping[str, str], seen: Seen) -> None:
    p, job = seen.placement, seen.job
    budgets = {b.label: b for b in seen.snapshot.budgets if b.key in job.budgets}
    budget = budgets[g["budget"]]
    assert not p.placed and g["period"] == budget.period
    left, cost = _price(g["left"]), _price(g["cost"])
    assert 0 <= left <= max(0.0, budget.left) * 1.01 + 0.005 and cost > left * 0.99 - 0.005
    hours = (job.time_limit or seen.options.default_time_limit) / 3600
    ceiling = math.inf if job.max_price is None else job.max_price
    worst = [price * hours for price, *_ in seen.fits if price <= ceiling]
    assert any(math.isclose(cost, w, rel_tol=0.06, abs_tol=0.005) for w in worst)
    if math.isfinite(budget.next_start):
        assert p.start_time == budget.next_start and g["again"].startswith("a new period starts on ")
    else:
        assert p.start_time is None and g["again"] == "it does not start again"


def _not_answered(g: Mapping[str, str], seen: Seen) -> None:
    assert not seen.placement.placed and not seen.answered and not seen.partitions


def _no_flavor_named(g: Mapping[str, str], seen: Seen) -> None:
    assert not seen.placement.placed and seen.answered and not seen.flavors and not seen.partitions
    assert g["flavors"] == " or ".join(seen.job.flavors)


def _no_flavors(g: Mapping[str, str], seen: Seen) -> None:
    assert not seen.placement.placed and not seen.job.flavors and not seen.partitions
    assert g["sites"] == ", ".join(seen.answered)
    assert not any(s.flavors for s in seen.snapshot.sites if s.name in seen.answered)


def _too_small(g: Mapping[str, str], seen: Seen) -> None:
    job = seen.job
    assert not seen.placement.placed and seen.shapes
    labels = (
        lambda n: f"{n} cpu{'s' if n != 1 else ''}",
        lambda n: f"{memory_text(n)} memory",
        lambda n: f"{n} gpu{'s' if n != 1 else ''}",
    )
    wanted = (job.cpus, job.mem, job.gpus)
    index = [label(n) for label, n in zip(labels, wanted, strict=True)].index(g["resource"])
    most = max(shape[index] for shape in seen.shapes)
    assert wanted[index] > most
    assert g["most"] == labels[index](most)


def _not_together(g: Mapping[str, str], seen: Seen) -> None:
    assert not seen.placement.placed and seen.shapes
    assert g["per_node"] == demand_text(seen.job, with_count=False)
    assert not any(seen.holds(*shape) for shape in seen.shapes)
    wanted = (seen.job.cpus, seen.job.mem, seen.job.gpus)
    assert all(max(shape[i] for shape in seen.shapes) >= w for i, w in enumerate(wanted))


def _gang_too_wide(g: Mapping[str, str], seen: Seen) -> None:
    assert not seen.placement.placed and not seen.fits
    assert g["per_node"] == demand_text(seen.job, with_count=False)
    _count(g["count"], seen)
    assert any(seen.holds(*shape) for shape in seen.shapes)


def _set_aside(g: Mapping[str, str], seen: Seen) -> None:
    assert not seen.placement.placed and g["problem"] == inputs.demand_problem(seen.job)


def _array_throttle(g: Mapping[str, str], seen: Seen) -> None:
    raise AssertionError("the loop holds throttled tasks back before planning (tests/unit/test_array_throttle.py)")


CHECKS: dict[str, Callable[[Mapping[str, str], Seen], None]] = {
    "starts-now": _starts_now,
    "reserved": _reserved,
    "new-partition": _new_partition,
    "dependency-waits": _dependency_waits,
    "dependency-failed": _dependency_failed,
    "estimate": _estimate,
    "quota-used": _quota_used,
    "quota-too-small": _quota_too_small,
    "over-budget": _over_budget,
    "over-price": _over_price,
    "not-answered": _not_answered,
    "no-flavor-named": _no_flavor_named,
    "no-flavors": _no_flavors,
    "too-small": _too_small,
    "not-together": _not_together,
    "gang-too-wide": _gang_too_wide,
    "set-aside": _set_aside,
    "array-throttle": _array_throttle,
}


def test_every_documented_reason_has_a_check() -> None:
    assert list(REASONS) == list(CHECKS)


def seen_placements(snapshot: Snapshot, options: SchedulerSettings, plan: Plan) -> list[tuple[str, Seen]]:
    """Each placement with the one documented reason it matches (an assertion error when none does)."""
    jobs = {job.id: job for job in snapshot.jobs}
    free = {s.name: None if s.max_nodes is None else max(0, s.max_nodes - s.nodes_in_use) for s in snapshot.sites}
    seen = []
    for p in plan(snapshot, options).placements:
        names = [name for name, pattern in REASONS.items() if pattern.fullmatch(p.reason)]
        assert len(names) == 1, f"{p.reason!r} matches {names or 'no documented reason'}"
        seen.append((names[0], Seen(snapshot, options, jobs[p.job_id], p, dict(free))))
        new = p.new_partition
        if new is not None and free[new.site] is not None:
            free[new.site] = (free[new.site] or 0) - new.count
    return seen


@check
@given(snapshots(), st.integers(0, 3))
def test_every_reason_is_documented_and_its_numbers_are_the_snapshots(
    plan: Plan, snapshot: Snapshot, depth: int
) -> None:
    options = SchedulerSettings(reservation_depth=depth, default_time_limit=600)
    for name, seen in seen_placements(snapshot, options, plan):
        match = REASONS[name].fullmatch(seen.placement.reason)
        assert match is not None
        CHECKS[name](match.groupdict(), seen)
