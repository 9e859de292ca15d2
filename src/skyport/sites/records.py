"""What the core remembers of each partition it asked a gate for."""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True)
class PartitionRecord:
    """A partition the core created (or is creating, or deleted) on a site.

    The row is written before the gate is asked, so a crash between the two leaves a record the
    next pass finishes, and a partition the gate has but the store does not is an orphan to delete.
    """

    id: str
    site: str
    flavor: str
    count: int
    owner: str
    created_at: float
    price: float = 0.0  # per node-hour
    state: str = "creating"  # the gate's word: creating, ready, deleting, deleted, failed
    state_details: str = ""
    single_job: bool = False
    used: bool = False  # a job was started on it (a single-job partition is then spent)
    idle_since: float | None = None
    node_names: tuple[str, ...] = ()
    node_ips: tuple[str, ...] = ()
    account: str = ""  # of the job it was created for: its idle time is charged there and to its owner

    @property
    def gone(self) -> bool:
        return self.state in {"deleted", "failed"}

    def idle_cost(self, now: float) -> float:
        """Price x nodes x hours idle since it was last left idle, up to ``now``; 0 while in use."""
        if self.idle_since is None:
            return 0.0
        return self.price * self.count * max(0.0, now - self.idle_since) / 3600.0

    def idle_charge(self, now: float) -> IdleCharge:
        """The charge for its idle stretch ending ``now``."""
        assert self.idle_since is not None
        return IdleCharge(
            partition_id=self.id,
            site=self.site,
            owner=self.owner,
            account=self.account or self.owner,
            start_time=self.idle_since,
            end_time=now,
            cost=self.idle_cost(now),
        )


@dataclasses.dataclass(frozen=True)
class IdleCharge:
    """What one stretch of a partition's idle time cost, from when it was left idle until a job used it
    again or it was deleted; charged to the account and owner of the job it was created for."""

    partition_id: str
    site: str
    owner: str
    account: str
    start_time: float
    end_time: float
    cost: float
