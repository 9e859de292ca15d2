"""The scheduler's input and output values.

Input: a :class:`Snapshot` of pending jobs (:class:`JobDemand`), nodes of existing partitions
(:class:`NodeSlot`, with what runs on them as :class:`Running`) and what each site can still create
(:class:`SiteOffer` of :class:`FlavorOffer`). Output: a :class:`Timetable` with one
:class:`Placement` per pending job. Times are float epoch seconds; memory is MiB; prices are per
node-hour.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

# -- input ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class JobDemand:
    """One pending job, as the scheduler sees it."""

    id: str
    owner: str
    submit_time: float
    cpus: int = 1  # per node
    mem: int = 0  # MiB per node
    gpus: int = 0  # per node
    disk: int = 0  # MiB of disk per node: only nodes and flavors with at least this much may run it
    nodes: int = 1  # a gang: all nodes start together, on one partition
    time_limit: int = 0  # seconds; 0 = unknown -> SchedulerSettings.default_time_limit
    priority: int = 0  # explicit, higher first
    sites: tuple[str, ...] = ()  # allowed site names; () = any
    flavors: tuple[str, ...] = ()  # allowed flavor names; () = any
    depends_on: tuple[str, ...] = ()  # ids of jobs that must finish (state F) first
    max_price: float | None = None  # ceiling on the job's price per hour (node price x nodes)
    budgets: tuple[str, ...] = ()  # keys of the Snapshot.budgets the job draws on


@dataclass(frozen=True)
class Running:
    """Something occupying part of a node until ``end_time``."""

    end_time: float
    cpus: int
    mem: int
    gpus: int


@dataclass(frozen=True)
class NodeSlot:
    """One node of an existing partition."""

    id: str
    site: str
    flavor: str
    partition_id: str
    cpus: int
    mem: int
    gpus: int
    price: float = 0.0  # per hour
    available_at: float = 0.0  # when the node can take jobs (partition still creating -> future)
    running: tuple[Running, ...] = ()
    label: str = ""  # how reasons name the node to a user ("local/vm"); the id when empty
    disk: int = 0  # MiB of disk the node offers a job (its flavor's)


@dataclass(frozen=True)
class FlavorOffer:
    """A node shape a site can create, and its price per node-hour."""

    site: str
    name: str
    cpus: int
    mem: int
    gpus: int
    price: float
    disk: int = 0  # MiB of disk per node; 0 = none known


@dataclass(frozen=True)
class SiteOffer:
    """What one remote site can still create."""

    name: str
    flavors: tuple[FlavorOffer, ...]
    max_nodes: int | None = None  # quota; None = unlimited
    nodes_in_use: int = 0  # nodes of existing partitions counted against the quota
    boot_time: float = 0.0  # seconds a new partition takes to become ready


@dataclass(frozen=True)
class BudgetLimit:
    """What one budget has left for the worst case of jobs to start; each job placed takes its own
    (price x nodes x time limit) from it, so no plan takes a budget past its amount."""

    key: str
    left: float  # amount - spent - the worst case still to come of the jobs running on it
    label: str = ""  # how reasons name it: "account physics"
    period: str = ""  # "this month", "in total"
    next_start: float = math.inf  # when its period starts again


@dataclass(frozen=True)
class Snapshot:
    """Everything one scheduling pass looks at."""

    now: float
    jobs: tuple[JobDemand, ...]
    nodes: tuple[NodeSlot, ...]
    sites: tuple[SiteOffer, ...]
    usage: Mapping[str, float] = field(default_factory=dict)  # owner -> decayed past usage (cpu-seconds)
    # State letters of the jobs named in depends_on (Q W R T F E C; F = succeeded, E/C = failed).
    job_states: Mapping[str, str] = field(default_factory=dict)
    budgets: tuple[BudgetLimit, ...] = ()


@dataclass(frozen=True)
class SchedulerSettings:
    """How jobs are ordered and how far ahead the scheduler reserves.

    A job's effective priority is ``priority_weight * priority + age_weight * age_factor +
    fair_share_weight * fair_share_factor``, where ``age_factor`` grows linearly from 0 at submit
    to 1 at ``max_age`` and ``fair_share_factor`` is ``2 ** -(usage / fair usage)``: 1 for an owner
    with no recent usage, 0.5 for one who used exactly an equal share of everything used recently,
    less for heavier users. With the default weights one step of explicit priority outweighs age and
    fair share together. Ties go to the earlier submit time, then the smaller job id.
    """

    default_time_limit: int = 3600  # seconds assumed for a job that gives no time limit
    # Half-life with which the caller decays past usage into Snapshot.usage (the core's loop does).
    fair_share_half_life: float = 7 * 86400
    reservation_depth: int = 1  # how many top waiting jobs get reservations (EASY backfill = 1)
    priority_weight: float = 10.0
    age_weight: float = 1.0
    max_age: float = 7 * 86400  # seconds after which a job's age factor stops growing
    fair_share_weight: float = 2.0


# -- output ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewPartition:
    """A partition to create for one job."""

    site: str
    flavor: str
    count: int
    price: float  # per node-hour


@dataclass(frozen=True)
class Placement:
    """Where and when one pending job runs, or why it does not."""

    job_id: str
    placed: bool  # True: it starts now or holds a reservation; False: see reason
    start_time: float | None  # planned start; <= now means "start it now"; an estimate when not placed
    node_ids: tuple[str, ...] = ()  # existing nodes (len == job.nodes) or ()
    new_partition: NewPartition | None = None  # create this for the job (one partition per job)
    estimated_cost: float = 0.0  # price x nodes x time limit in hours
    reason: str = ""  # human words, e.g. "waiting for 2 x gpus=1; next free at 14:05"

    def starts_now(self, now: float) -> bool:
        """True when the job should be started on ``node_ids`` in this pass."""
        return self.placed and bool(self.node_ids) and self.start_time is not None and self.start_time <= now


@dataclass(frozen=True)
class Timetable:
    """One placement per pending job, in scheduling (effective priority) order."""

    placements: tuple[Placement, ...]
    _by_job: Mapping[str, Placement] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_job", {p.job_id: p for p in self.placements})

    def for_job(self, job_id: str) -> Placement | None:
        return self._by_job.get(job_id)
