"""A repeatable large snapshot: N pending jobs on 1,000 nodes, with 50 flavors over 3 sites."""

from __future__ import annotations

import random

from skyport.scheduler import FlavorOffer, JobDemand, NodeSlot, Running, SiteOffer, Snapshot

NOW = 1_800_000_000.0
SITES = ("aws", "slurm", "local")
OWNERS = tuple(f"user{i}" for i in range(20))


def flavors(rng: random.Random) -> list[FlavorOffer]:
    """50 flavors spread over the 3 sites, a few with GPUs."""
    out = []
    for i in range(50):
        cpus = rng.choice([2, 4, 8, 16, 32, 64])
        gpus = rng.choice([0, 0, 0, 1, 4])
        out.append(FlavorOffer(SITES[i % 3], f"f{i}", cpus, cpus * 4096, gpus, round(0.05 * cpus + 0.9 * gpus, 3)))
    return out


def snapshot(jobs: int, *, nodes: int = 1000, seed: int = 3) -> Snapshot:
    """``jobs`` pending jobs; ``nodes`` nodes in partitions of 1-16 nodes, about half busy."""
    rng = random.Random(seed)
    offers = flavors(rng)
    slots: list[NodeSlot] = []
    p = 0
    while len(slots) < nodes:
        flavor = rng.choice(offers)
        available = NOW if rng.random() < 0.9 else NOW + 120
        for n in range(min(rng.randint(1, 16), nodes - len(slots))):
            running = tuple(
                Running(NOW + rng.randint(60, 4 * 3600), rng.randint(1, max(1, flavor.cpus // 2)), 1024, 0)
                for _ in range(rng.choice([0, 0, 1, 2]))
            )
            slots.append(
                NodeSlot(
                    f"p{p}:{n}", flavor.site, flavor.name, f"p{p}", flavor.cpus, flavor.mem, flavor.gpus,
                    flavor.price, available, running,
                )
            )  # fmt: skip
        p += 1
    demands = tuple(
        JobDemand(
            id=f"job{i:06d}",
            owner=rng.choice(OWNERS),
            submit_time=NOW - rng.randint(0, 3 * 86400),
            cpus=rng.choice([1, 1, 2, 4, 8, 16]),
            mem=rng.choice([0, 1024, 4096, 16384]),
            gpus=1 if rng.random() < 0.05 else 0,
            nodes=rng.choice([1, 1, 1, 1, 2, 4]),
            time_limit=rng.choice([0, 600, 3600, 4 * 3600]),
            priority=rng.choice([0, 0, 0, 1]),
            sites=rng.choice([(), (), ("aws",), ("slurm", "local")]),
            depends_on=(f"job{i - 1:06d}",) if i and rng.random() < 0.02 else (),
            max_price=rng.choice([None, None, 2.0]),
        )
        for i in range(jobs)
    )
    sites = tuple(
        SiteOffer(
            name, tuple(f for f in offers if f.site == name), max_nodes=quota, nodes_in_use=nodes // 3, boot_time=boot
        )
        for name, quota, boot in (("aws", 800, 90.0), ("slurm", 500, 30.0), ("local", 400, 0.0))
    )
    usage = {owner: rng.uniform(0, 1e7) for owner in OWNERS}
    return Snapshot(NOW, demands, tuple(slots), sites, usage, {})
