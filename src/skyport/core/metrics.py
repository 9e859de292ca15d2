"""Prometheus metrics of a running daemon (docs/operations.md lists them with example queries).

The parts of the daemon report through one small hook each, a callable attribute that does
nothing until :meth:`Metrics.attach` sets it: ``Store.timed`` (each transaction), ``Gate.timed``
(each gate request), ``Loop.timed`` (each pass and each ``plan()``), ``Loop.charged`` (each idle
stretch of a partition charged) and ``JobService.changed`` (each job written, before and after).
Gauges - jobs by state and site, partitions and nodes, the cost so far of running jobs - are
counted when scraped from what the daemon keeps in memory (its active jobs and live partitions),
never read from the store.

Each daemon has its own registry, not prometheus_client's global one. Label values are bounded:
states, site names from config.yaml, operation and query names from the code, and accounts, which
the daemon's owner makes (or a user's own, named after a user the owner admitted). Accounts are
also capped: the first :data:`MAX_ACCOUNTS` seen since the daemon started keep their name, later
ones are counted under ``account="_other"``. No label carries a job ID or text a user wrote.
"""

from __future__ import annotations

import collections
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from skyport_gate_sdk.tls import Receive, Scope, Send, refuse

from skyport.errors import Forbidden, GateError, NotFound
from skyport.jobs.record import Job
from skyport.jobs.states import ACTIVE, TERMINAL, JobState
from skyport.sites.records import IdleCharge

if TYPE_CHECKING:
    from skyport.core.loop import Loop
    from skyport.jobs.service import JobService
    from skyport.sites.registry import SiteRegistry
    from skyport.store import Store

CONTENT_TYPE = CONTENT_TYPE_LATEST
MAX_ACCOUNTS = 100  # distinct account label values; later accounts are counted under OTHER
OTHER = "_other"
PARTITION_STATES = ("creating", "ready", "deleting")  # those of live partitions (spec/core-gate.yaml)
# Seconds: a job waits or runs from under a second (the local site) to days (a queue that is full).
_JOB_BUCKETS = (0.5, 1, 5, 15, 60, 300, 900, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86400, 3 * 86400)
_STORE_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0)


class _Capped:
    """The first ``limit`` distinct values pass as they are; later ones become :data:`OTHER`."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.kept: set[str] = set()

    def __call__(self, value: str) -> str:
        if value in self.kept:
            return value
        if len(self.kept) < self.limit:
            self.kept.add(value)
            return value
        return OTHER


class Metrics:
    """The daemon's metrics: counters and histograms fed by the hooks, gauges read when scraped."""

    def __init__(self, *, owner: str) -> None:
        self.owner = owner  # the only user who may read them over the terminal API: they include spend by account
        disable_created_metrics()  # type: ignore[no-untyped-call]  # no *_created series: Prometheus needs none
        self.registry = CollectorRegistry(auto_describe=True)
        self.account = _Capped(MAX_ACCOUNTS)
        registry = self.registry
        self.submitted = Counter(
            "skyport_jobs_submitted", "Jobs submitted (each task of an array counts)", registry=registry
        )
        self.ended = Counter(
            "skyport_jobs_ended", "Jobs that ended, by final state and site", ["state", "site"], registry=registry
        )
        self.queue_wait = Histogram(
            "skyport_job_queue_wait_seconds",
            "From submission to start of a job's first run, by site",
            ["site"],
            buckets=_JOB_BUCKETS,
            registry=registry,
        )
        self.run_time = Histogram(
            "skyport_job_run_seconds",
            "Run time of jobs that ended after running, by final state and site",
            ["state", "site"],
            buckets=_JOB_BUCKETS,
            registry=registry,
        )
        self.spend = Counter(
            "skyport_spend",
            "Recorded cost since the daemon started, in the sites' currency, of runs that ended (kind run) and "
            "of partitions' idle stretches (kind idle)",
            ["site", "account", "kind"],
            registry=registry,
        )
        self.passes = Histogram(
            "skyport_scheduling_pass_seconds", "Duration of one pass of the scheduling loop", registry=registry
        )
        self.plans = Histogram("skyport_plan_seconds", "Duration of one plan() of the scheduler", registry=registry)
        self.gate_requests = Histogram(
            "skyport_gate_request_seconds",
            "Duration of requests to gates, by site and operation (failed ones too)",
            ["site", "operation"],
            registry=registry,
        )
        self.gate_errors = Counter(
            "skyport_gate_errors",
            "Gate requests that failed, by site, operation and kind (4xx, 5xx or unreachable)",
            ["site", "operation", "kind"],
            registry=registry,
        )
        self.store_time = Histogram(
            "skyport_store_seconds",
            "Duration of store transactions, by query",
            ["query"],
            buckets=_STORE_BUCKETS,
            registry=registry,
        )

    def attach(self, store: Store, sites: SiteRegistry, service: JobService, loop: Loop) -> None:
        """Set the hooks of a starting daemon's parts, and count its live jobs and partitions when scraped."""
        store.timed = self.store_time_of
        for gate in sites:
            gate.timed = self.gate_request
        service.changed = self.job_changed
        loop.timed = self.loop_step
        loop.charged = self.idle_charged
        self.registry.register(_Live(self, service, loop, [gate.name for gate in sites]))

    # -- hooks ------------------------------------------------------------------------------------

    def store_time_of(self, query: str, seconds: float) -> None:
        self.store_time.labels(query).observe(seconds)

    def gate_request(self, site: str, operation: str, seconds: float, error: GateError | None) -> None:
        self.gate_requests.labels(site, operation).observe(seconds)
        if error is not None:
            status = error.gate_status
            kind = "unreachable" if status is None else f"{status // 100}xx"
            self.gate_errors.labels(site, operation, kind).inc()

    def loop_step(self, step: str, seconds: float) -> None:
        (self.plans if step == "plan" else self.passes).observe(seconds)

    def idle_charged(self, charge: IdleCharge) -> None:
        self.spend.labels(charge.site, self.account(charge.account), "idle").inc(charge.cost)

    def job_changed(self, before: Job | None, after: Job) -> None:
        """Count what happened to a job: submitted (no ``before``, first run), started, ended."""
        if before is None and after.attempt == 0 and after.state == JobState.QUEUED:
            self.submitted.inc()
        old = before.state if before is not None else None
        if old == after.state:
            return
        site = after.site or ""
        if after.state == JobState.RUNNING and after.attempt == 0 and after.start_time is not None:
            self.queue_wait.labels(site).observe(max(0.0, after.start_time - after.submit_time))
        if after.state in TERMINAL and old not in TERMINAL:
            self.ended.labels(after.state.value, site).inc()
            if after.start_time is not None and after.end_time is not None:
                self.run_time.labels(after.state.value, site).observe(after.elapsed(after.end_time))
                self.spend.labels(site, self.account(after.account), "run").inc(_run_cost(after, after.end_time))

    # -- exposition -------------------------------------------------------------------------------

    def exposition(self, user: str) -> bytes:
        """The metrics in Prometheus' text format, for the daemon's owner only."""
        if user != self.owner:
            raise Forbidden(
                f"only the daemon's owner ({self.owner}) may read the metrics: they include spend by account"
            )
        return generate_latest(self.registry)


class MetricsApp:
    """``GET /metrics`` over plain HTTP, for a Prometheus on the same machine (``metrics_listen``).

    It asks for no certificate, so the daemon serves it on a loopback address only
    (:meth:`skyport.config.Settings.metrics_address`).
    """

    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        if scope["path"] != "/metrics" or scope["method"] not in ("GET", "HEAD"):
            await refuse(send, NotFound(f"{scope['method']} {scope['path']}: only GET /metrics is served here"))
            return
        body = generate_latest(self.metrics.registry)
        headers = [(b"content-type", CONTENT_TYPE.encode()), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})


class _Live(Collector):
    """Gauges counted when scraped from the daemon's memory: active jobs and live partitions."""

    def __init__(self, metrics: Metrics, service: JobService, loop: Loop, sites: list[str]) -> None:
        self.metrics = metrics
        self.service = service
        self.loop = loop
        self.sites = sites

    def collect(self) -> Iterator[Metric]:
        now = time.time()
        jobs = dict.fromkeys(((state.value, site) for state in ACTIVE for site in ("", *self.sites)), 0.0)
        cost: dict[tuple[str, str], float] = collections.defaultdict(float)
        for job in self.service.active():
            if job.state in TERMINAL:
                continue
            site = job.site or ""
            jobs[job.state.value, site] = jobs.get((job.state.value, site), 0.0) + 1
            if job.start_time is not None:
                cost[site, self.metrics.account(job.account)] += _run_cost(job, now)
        yield _gauge("skyport_jobs", "Jobs not yet ended, by state and site ('' while none is chosen)", jobs)
        yield _gauge(
            "skyport_running_cost",
            "Cost so far of the runs in progress, by site and account, in the sites' currency",
            cost,
            ("site", "account"),
        )
        partitions = dict.fromkeys(((state, site) for state in PARTITION_STATES for site in self.sites), 0.0)
        nodes = dict(partitions)
        for record in self.loop.partitions():
            key = (record.state, record.site)
            partitions[key] = partitions.get(key, 0.0) + 1
            nodes[key] = nodes.get(key, 0.0) + record.count
        yield _gauge("skyport_partitions", "Live partitions, by state and site", partitions)
        yield _gauge("skyport_nodes", "Nodes of live partitions, by state and site", nodes)


def _run_cost(job: Job, now: float) -> float:
    """What the current (or last) run of ``job`` cost up to ``now``; a requeued job's earlier runs were counted
    when they ended."""
    return job.cost(now) - job.earlier_cost


def _gauge(
    name: str,
    documentation: str,
    values: dict[tuple[str, str], float],
    labels: tuple[str, str] = ("state", "site"),
) -> GaugeMetricFamily:
    gauge = GaugeMetricFamily(name, documentation, labels=labels)
    for key, value in sorted(values.items()):
        gauge.add_metric(key, value)
    return gauge
