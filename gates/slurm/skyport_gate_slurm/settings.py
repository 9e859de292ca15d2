"""The Slurm gate's settings, read from the site's ``settings`` mapping in the core's config."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from skyport_gate_sdk.errors import BadRequest
from skyport_gate_sdk.settings import check_keys

_KNOWN = ("name", "state_dir", "staging_dir", "partitions", "prices", "account", "slurm_conf", "poll_interval")


@dataclasses.dataclass(frozen=True)
class SlurmSettings:
    """One Slurm site: which of its partitions Skyport may use, and where job files live."""

    name: str  # site name, given by the core
    state_dir: Path  # the gate's records, given by the core
    staging_dir: Path  # job folders; must be on a filesystem the compute nodes share
    partitions: tuple[str, ...] = ()  # Slurm partitions offered as flavors; () = every one sinfo lists
    prices: Mapping[str, float] = dataclasses.field(default_factory=dict)  # partition -> USD per node-hour
    account: str | None = None  # sbatch --account
    slurm_conf: str | None = None  # SLURM_CONF for the Slurm commands; None = Slurm's default
    poll_interval: float = 2.0


def load(raw: Mapping[str, Any]) -> SlurmSettings:
    """Check the site's settings and give them typed; every error names the key and what it needs."""
    check_keys("slurm", raw, _KNOWN, required=("name", "state_dir"))
    partitions = raw.get("partitions", [])
    if not isinstance(partitions, list) or not all(isinstance(p, str) and p for p in partitions):
        raise BadRequest(f"slurm setting 'partitions' must be a list of Slurm partition names, got {partitions!r}")
    prices = raw.get("prices", {})
    if not isinstance(prices, Mapping) or not all(
        isinstance(v, int | float) and not isinstance(v, bool) and v >= 0 for v in prices.values()
    ):
        raise BadRequest(f"slurm setting 'prices' must map partition names to USD per node-hour, got {prices!r}")
    interval = raw.get("poll_interval", 2.0)
    if isinstance(interval, bool) or not isinstance(interval, int | float) or interval <= 0:
        raise BadRequest(f"slurm setting 'poll_interval' must be a number of seconds > 0, got {interval!r}")
    state_dir = Path(raw["state_dir"]).expanduser()
    return SlurmSettings(
        name=str(raw["name"]),
        state_dir=state_dir,
        staging_dir=Path(raw.get("staging_dir") or state_dir / "jobs").expanduser(),
        partitions=tuple(partitions),
        prices={str(k): float(v) for k, v in prices.items()},
        account=str(raw["account"]) if raw.get("account") else None,
        slurm_conf=str(raw["slurm_conf"]) if raw.get("slurm_conf") else None,
        poll_interval=float(interval),
    )
