"""Domain values -> the wire shapes of spec/core-terminal.yaml."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
from collections.abc import AsyncIterator, Mapping
from typing import Any

import httpx
from starlette.responses import StreamingResponse

from skyport import scheduler
from skyport.accounting.budgets import Account, Budget
from skyport.accounting.service import Spend
from skyport.jobs.events import Feed, JobEvent
from skyport.jobs.record import Job
from skyport.jobs.script import JobRequest, array_tasks
from skyport.jobs.states import PENDING, JobState
from skyport.sites.records import PartitionRecord
from skyport.sites.registry import SiteRegistry, stable_id
from skyport.store.accounts import Total
from skyport.store.tokens import Token

_LAST = dt.datetime(9999, 12, 31, 23, 59, 59, tzinfo=dt.UTC).timestamp()


def timestamp(value: float | None) -> str | None:
    """ISO 8601 in UTC; a time past the year 9999 (a plan behind a job of absurd length) shows as its end."""
    if value is None or math.isnan(value):
        return None
    return dt.datetime.fromtimestamp(min(max(value, 0.0), _LAST), dt.UTC).isoformat().replace("+00:00", "Z")


def _resources(request: JobRequest) -> list[dict[str, Any]]:
    counts = (
        ("cpus", request.cpus),
        ("mem", request.mem),
        ("gpus", request.gpus),
        ("storage", request.disk),
        ("nodes", request.nodes),
        ("time", request.time_limit),
    )
    return [{"name": name, "count": count} for name, count in counts if count]


def no_container(image: str) -> str:
    """Where a job's ``container-image`` is used, said in its comment."""
    if not image:
        return ""
    return (
        f"container-image {image}: the job runs in it on a site whose container runtime has it (skyport images), "
        "and on the site's system elsewhere"
    )


def job(
    job: Job, placement: scheduler.Placement | None, nodes: Mapping[str, scheduler.NodeSlot], now: float
) -> dict[str, Any]:
    """A job as the API shows it; a pending job carries the scheduler's plan for it (on ``nodes``)."""
    request = job.request
    resources = _resources(request)
    body: dict[str, Any] = {
        "id": job.id,
        "name": job.name,
        "state": job.state.value,
        "state_details": job.state_details,
        "submit_time": timestamp(job.submit_time),
        "start_time": timestamp(job.start_time),
        "end_time": timestamp(job.end_time),
        "duration": job.duration,
        "exitcode": job.exitcode,
        "signal": job.signal,
        "node_names": list(job.node_names),
        "node_ips": [ip for ip in job.node_ips if ip],
        "request": resources,
        "comment": "; ".join(filter(None, [request.comment, no_container(request.container_image)])),
        "ignored_directives": list(request.ignored) or None,
        "owner": job.owner,
        "account": job.account or job.owner,
        "priority": request.priority,
        "workdir": request.workdir or None,
        "time_limit": request.time_limit,
        "input_files": list(job.input_files),
        "output_files": list(request.outputs),
        "cost": round(job.cost(now), 6),
        "array_id": job.array_id,
        "array_task_id": job.array_task,
        "array": request.array or None,
        "stdout_file": job.log_file("stdout"),
        "stderr_file": job.log_file("stderr"),
    }
    if job.site:
        body["remote_id"] = stable_id(job.site)
        body["remote_name"] = job.site
    if job.site and job.flavor:
        body["flavor_id"] = stable_id(job.site, job.flavor)
        body["flavor_name"] = job.flavor
        if job.start_time is not None:
            body["resources"] = resources
    if placement is not None and job.state in PENDING:
        body["state_details"] = reason(job, placement)
        body["planned_start_time"] = timestamp(placement.start_time)
        body["placement"] = where(placement, nodes)
        body["estimated_cost"] = round(placement.estimated_cost, 6)
    return {key: value for key, value in body.items() if value is not None}


def reason(job: Job, placement: scheduler.Placement) -> str:
    """Why a pending job waits, or when it starts: the same words in its record and in the timetable.

    A W job's own details say what its new partition is waiting for.
    """
    return (placement.reason or job.state_details) if job.state == JobState.QUEUED else job.state_details


def where(placement: scheduler.Placement, nodes: Mapping[str, scheduler.NodeSlot]) -> str | None:
    """The placement in words: "local/vm (local)", "new partition: 2 x c5.large on aws"."""
    if placement.new_partition is not None:
        new = placement.new_partition
        return f"new partition: {new.count} x {new.flavor} on {new.site}"
    if placement.node_ids:
        listed = ", ".join(nodes[n].label if n in nodes else n for n in placement.node_ids)
        first = nodes.get(placement.node_ids[0])
        return f"{listed} ({first.flavor})" if first else listed
    return None


def plan(placement: scheduler.Placement, job: Job, nodes: Mapping[str, scheduler.NodeSlot]) -> dict[str, Any]:
    """One timetable entry."""
    body: dict[str, Any] = {
        "job_id": placement.job_id,
        "job_name": job.name,
        "placed": placement.placed,
        "start_time": timestamp(placement.start_time),
        "estimated_cost": round(placement.estimated_cost, 6),
        "reason": reason(job, placement),
    }
    if placement.new_partition is not None:
        body["remote_name"] = placement.new_partition.site
        body["flavor_name"] = placement.new_partition.flavor
        body["new_nodes"] = placement.new_partition.count
    elif placement.node_ids:
        body["node_names"] = [nodes[n].label if n in nodes else n for n in placement.node_ids]
        if first := nodes.get(placement.node_ids[0]):
            body["remote_name"] = first.site
            body["flavor_name"] = first.flavor
    return {key: value for key, value in body.items() if value is not None}


def dry_run(
    tasks: list[Job],
    wave: list[scheduler.Placement],
    snapshot: scheduler.Snapshot,
    default_time_limit: int,
    typical: tuple[float, int],
) -> dict[str, Any]:
    """What the scheduler would do with a job (or an array's ``tasks``) now: the plan, its worst and
    expected cost, the budgets it draws on, its array, and every allowed flavor (as a new partition) and
    existing partition that could hold it, cheapest first, marked where cheaper or sooner than the plan.

    ``wave`` holds the placements of the first task, or of an array's first wave (see :func:`_array`).
    ``typical`` is the user's median run time / time limit and the number of ended jobs it is from.
    """
    job, placement = tasks[0], wave[0]
    wanted = next(d for d in snapshot.jobs if d.id == job.id)
    limit = min(job.request.time_limit or default_time_limit, scheduler.MAX_DURATION)
    nodes = {node.id: node for node in snapshot.nodes}
    body: dict[str, Any] = {
        "placed": placement.placed,
        "start_time": timestamp(placement.start_time),
        "worst_case_cost": round(placement.estimated_cost, 6),
        "reason": placement.reason,
        "budgets": [
            {"name": b.label or b.key, "period": b.period, "left": round(b.left, 6)}
            for b in snapshot.budgets
            if b.key in wanted.budgets
        ],
    }
    planned: tuple[str, str, str | None] | None = None  # site, flavor, existing partition
    if placement.new_partition is not None:
        new = placement.new_partition
        body.update(remote_name=new.site, flavor_name=new.flavor, new_nodes=new.count)
        planned = (new.site, new.flavor, None)
    elif placement.node_ids and (first := nodes.get(placement.node_ids[0])):
        body.update(remote_name=first.site, flavor_name=first.flavor)
        planned = (first.site, first.flavor, first.partition_id)
    options = _options(wanted, snapshot)
    # What one task may cost once it can start, when it cannot now: on the cheapest that holds it.
    waiting = options[0][3] * limit / 3600 if options else 0.0
    if not placement.placed:
        body["worst_case_cost"] = round(waiting, 6)
    worst = body["worst_case_cost"]
    body["alternatives"] = [
        _option(option, limit / 3600, planned, worst, placement.start_time if placement.placed else None)
        for option in options
    ]
    ratio, runs = typical
    body["expected_cost"] = round(worst * ratio, 6)
    body["expected_basis"] = (
        f"the worst case x {ratio:.2f}: the median run time / time limit of your last {runs} ended jobs"
        if runs
        else "the worst case: none of your jobs has ended yet"
    )
    if job.array_id is not None:
        body.update(_array(job, len(tasks), wave, limit=limit, ratio=ratio, waiting=waiting))
    return {key: value for key, value in body.items() if value is not None}


def _array(
    job: Job, count: int, wave: list[scheduler.Placement], *, limit: int, ratio: float, waiting: float
) -> dict[str, Any]:
    """An array of ``count`` tasks, whose first wave is planned as ``wave``: its throttle, waves, worst and
    expected cost, and when its last task would end.

    The first wave is as many tasks as the throttle lets run at once (all of them without one). The
    places the scheduler gives it now (starting, or holding a reservation: past the reservation depth
    a start is only an estimate) run the tasks one after another, task i at place i mod (places), in
    ceil(count / places) waves. At worst each task runs its whole time limit; expected, the time limit
    x ``ratio``. ``waiting`` is the worst case of a task when no task of the wave can be placed, on the
    cheapest flavor that holds it.
    """
    throttle = array_tasks(job.request.array)[1]
    places = [p for p in wave if p.placed and p.start_time is not None]  # starting, or holding a reservation
    runs = [len(range(place, count, len(places))) for place in range(len(places))]
    worst = sum((p.estimated_cost if p.placed else waiting) * n for p, n in zip(places, runs, strict=True))
    body: dict[str, Any] = {
        "array_tasks": count,
        "array_throttle": throttle or None,
        "array_waves": math.ceil(count / (len(places) or len(wave))),
        "array_worst_case_cost": round(worst if places else waiting * count, 6),
        "array_expected_cost": round((worst if places else waiting * count) * ratio, 6),
    }
    if places:
        starts = [(p.start_time or 0.0, n) for p, n in zip(places, runs, strict=True)]
        body["array_end_time"] = timestamp(max(start + n * limit for start, n in starts))
        body["array_expected_end_time"] = timestamp(max(start + n * limit * ratio for start, n in starts))
    return body


Option = tuple[str, str, str | None, float, float]  # site, flavor, existing partition, price per hour, ready


def _options(wanted: scheduler.JobDemand, snapshot: scheduler.Snapshot) -> list[Option]:
    """Every allowed flavor that could hold the job as a new partition, and every existing partition
    that could, cheapest first, then soonest ready."""
    options: list[Option] = [
        (site.name, flavor.name, None, flavor.price * wanted.nodes, snapshot.now + site.boot_time)
        for site in snapshot.sites
        for flavor in site.flavors
        if scheduler.cheapest_fit(wanted, [dataclasses.replace(site, flavors=(flavor,))]) is not None
    ]
    partitions: dict[str, list[scheduler.NodeSlot]] = {}
    for node in snapshot.nodes:
        partitions.setdefault(node.partition_id, []).append(node)
    for partition_id, slots in partitions.items():
        ready = scheduler.room_on(wanted, slots)
        if ready is not None:
            price = slots[0].price * wanted.nodes
            options.append((slots[0].site, slots[0].flavor, partition_id, price, max(ready, snapshot.now)))
    return sorted(options, key=lambda o: (o[3], o[4], o[0], o[1], o[2] or ""))


def _option(
    option: Option, hours: float, planned: tuple[str, str, str | None] | None, worst: float, start: float | None
) -> dict[str, Any]:
    """An alternative as the dry run shows it, compared with the plan (its worst case, its start)."""
    site, flavor, partition_id, price, ready = option
    cost = round(price * hours, 6)
    body: dict[str, Any] = {
        "remote_name": site,
        "flavor_name": flavor,
        "partition_id": partition_id,
        "price": price,
        "worst_case_cost": cost,
        "ready_at": timestamp(ready),
        "planned": (site, flavor, partition_id) == planned,
        "cheaper": cost < worst - 1e-6,
        "sooner": start is not None and ready < start - 1.0,
    }
    return {key: value for key, value in body.items() if value is not None}


def account(account: Account) -> dict[str, Any]:
    return {"name": account.name, "members": list(account.members), "job_ceiling": account.job_ceiling}


def budget(spend: Spend) -> dict[str, Any]:
    """A budget with what was spent of it in its current period."""
    body = removed_budget(spend.budget)
    body.update(spent=round(spend.spent, 6), left=round(spend.left, 6), resets_at=timestamp(spend.next_start))
    return {key: value for key, value in body.items() if value is not None}


def removed_budget(budget: Budget) -> dict[str, Any]:
    """A budget set to 0: it no longer exists, nothing is spent of it."""
    return {
        "holder": budget.holder,
        "name": budget.name,
        "period": budget.period.value,
        "amount": budget.amount,
        "spent": 0.0,
        "left": budget.amount,
    }


def usage(job: Job) -> dict[str, Any]:
    """An ended job as accounting shows it (max_rss only where its site measured it)."""
    end = job.end_time or job.submit_time
    body: dict[str, Any] = {
        "id": job.id,
        "name": job.name,
        "user": job.owner,
        "account": job.account or job.owner,
        "state": job.state.value,
        "site": job.site,
        "flavor": job.flavor,
        "nodes": job.request.nodes,
        "cpus": job.request.cpus,
        "submit_time": timestamp(job.submit_time),
        "start_time": timestamp(job.start_time),
        "end_time": timestamp(job.end_time),
        "elapsed": round(job.elapsed(end), 3),
        "cpu_time": round(job.cpu_time(end), 3),
        "max_rss": job.max_rss,
        "cost": round(job.cost(end), 6),
    }
    return {key: value for key, value in body.items() if value is not None}


def total(row: Total) -> dict[str, Any]:
    """Totals of one user, account, site or day, or of one of these split by another."""
    found = {
        "key": row.key,
        "jobs": row.jobs,
        "elapsed": round(row.elapsed, 3),
        "cpu_time": round(row.cpu_time, 3),
        "cost": round(row.cost, 6),
        "idle_cost": round(row.idle_cost, 6),
    }
    if row.split is not None:
        found["split_key"] = row.split
    return found


def flavors(sites: SiteRegistry) -> list[dict[str, Any]]:
    result = []
    for gate in sites:
        for flavor in gate.offer.flavors if gate.offer else []:
            body = flavor.to_dict()
            body["id"] = stable_id(gate.name, flavor.name)
            body["remote_id"] = gate.id
            body.setdefault(
                "resources",
                [{"name": n, "count": getattr(flavor, n) or 0} for n in ("cpus", "mem", "gpus", "storage")],
            )
            result.append(body)
    return result


def images(sites: SiteRegistry) -> list[dict[str, Any]]:
    result = []
    for gate in sites:
        for image in gate.offer.images if gate.offer else []:
            body = image.to_dict()
            body["id"] = stable_id(gate.name, "image", image.name)
            body["remote_id"] = gate.id
            result.append(body)
    return result


def remotes(sites: SiteRegistry, spend: dict[str, float]) -> list[dict[str, Any]]:
    result = []
    for gate in sites:
        body: dict[str, Any] = {
            "id": gate.id,
            "name": gate.name,
            "kind": gate.config.kind,
            "spend": round(spend.get(gate.name, 0.0), 6),
            "state_details": gate.problem or ("ok" if gate.offer else "not asked yet"),
        }
        if gate.config.url:
            url = httpx.URL(gate.config.url)
            body["server"] = url.host
            body["port"] = url.port or 443
        if gate.offer and gate.offer.flavors:
            body["default_flavor_id"] = stable_id(gate.name, gate.offer.flavors[0].name)
        if gate.offer and gate.offer.images:
            body["default_image_id"] = stable_id(gate.name, "image", gate.offer.images[0].name)
        if gate.offer and gate.offer.site.isolation:
            body["isolation"] = gate.offer.site.isolation.to_dict()
        result.append(body)
    return result


def nodes(sites: SiteRegistry, partitions: list[PartitionRecord], jobs: list[Job]) -> list[dict[str, Any]]:
    busy = {job.partition_id for job in jobs if job.state == JobState.RUNNING}
    result = []
    for record in partitions:
        gate = sites.get(record.site)
        flavor = gate.flavor(record.flavor) if gate else None
        resources = (
            [{"name": n, "count": getattr(flavor, n) or 0} for n in ("cpus", "mem", "gpus", "storage")]
            if flavor
            else []
        )
        names = record.node_names or tuple(f"{record.id}-{i}" for i in range(record.count))
        for index, name in enumerate(names):
            ip = record.node_ips[index] if index < len(record.node_ips) else ""
            body: dict[str, Any] = {
                "id": stable_id(record.id, str(index)),
                "name": name,
                "host": name,
                "state_power": "up" if record.state == "ready" else "down",
                "state_alloc": "busy" if record.id in busy else ("idle" if record.state == "ready" else "offline"),
                "resources": resources,
                "roles": [],
                "remote_name": record.site,
                "flavor_name": record.flavor,
                "partition_id": record.id,
            }
            if ip:
                body["ip"] = ip
            result.append(body)
    return result


def api_token(token: Token) -> dict[str, Any]:
    """An API token as its user sees it: never the secret, nor its hash."""
    return {
        "id": token.id,
        "name": token.name,
        "created": timestamp(token.created_at),
        "expires": timestamp(token.expires_at),
        "last_used": timestamp(token.last_used),
    }


def event(found: JobEvent) -> dict[str, Any]:
    """A job event as the API shows it (JobEvent in the spec)."""
    body: dict[str, Any] = {
        "id": found.id,
        "kind": found.kind,
        "job_id": found.job_id,
        "owner": found.owner,
        "time": timestamp(found.at),
        "state": found.target.value,
        "reason": found.reason,
        **found.details,
    }
    if found.source is not None:
        body["previous_state"] = found.source.value
    return body


RECONNECT_MS = 2000  # how long a browser's EventSource waits before it reconnects


class EventStream(StreamingResponse):
    """A feed of job events as Server-Sent Events: ``id:`` and ``data:`` (a JobEvent as JSON) per event,
    a comment line when nothing happened for ``heartbeat`` seconds. It starts with the reconnection
    time and the ID the feed starts after, so a client cut off before any event resumes there; a feed
    that sent all it was asked for ends with an ``end`` event (do not reconnect). The feed is closed
    when the response ends, however it ends."""

    def __init__(self, feed: Feed, heartbeat: float) -> None:
        self.feed = feed
        headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}  # no proxy holds events back
        super().__init__(self._lines(heartbeat), media_type="text/event-stream", headers=headers)

    async def _lines(self, heartbeat: float) -> AsyncIterator[str]:
        yield f"retry: {RECONNECT_MS}\nid: {self.feed.start}\n\n"
        async for found in self.feed.events(heartbeat):
            if found is None:
                yield ": keep-alive\n\n"
            else:
                yield f"id: {found.id}\ndata: {json.dumps(event(found), separators=(',', ':'))}\n\n"
        if self.feed.finished:
            yield "event: end\ndata: {}\n\n"

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            self.feed.close()
