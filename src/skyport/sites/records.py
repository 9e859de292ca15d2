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

    @property
    def gone(self) -> bool:
        return self.state in {"deleted", "failed"}
