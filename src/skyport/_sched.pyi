"""Typed signature of the compiled scheduler kernel (src/skyport/_sched.pyx).

Every argument is a contiguous buffer (``array.array`` here): ``q`` = int64, ``d`` = float64,
``B`` = uint8. skyport.scheduler.inputs.Packed.call documents and passes them.
"""

from array import array

def schedule(
    job_cpus: array[int],
    job_mem: array[int],
    job_gpus: array[int],
    job_nodes: array[int],
    job_duration: array[float],
    job_max_price: array[float],
    job_allow: array[int],
    job_shape: array[int],
    allowed: array[int],
    part_first: array[int],
    part_group: array[int],
    part_price: array[float],
    node_cpus: array[int],
    node_mem: array[int],
    node_gpus: array[int],
    node_available: array[float],
    run_node: array[int],
    run_end: array[float],
    run_cpus: array[int],
    run_mem: array[int],
    run_gpus: array[int],
    offer_group: array[int],
    offer_site: array[int],
    offer_cpus: array[int],
    offer_mem: array[int],
    offer_gpus: array[int],
    offer_price: array[float],
    site_free: array[int],
    site_boot: array[float],
    job_budget_first: array[int],
    job_budgets: array[int],
    budget_left: array[float],
    now: float,
    reservation_depth: int,
    out_why: array[int],
    out_start: array[float],
    out_offer: array[int],
    out_node_first: array[int],
    out_nodes: array[int],
    out_budget: array[int],
    out_cost: array[float],
    out_left: array[float],
) -> None:
    """Place the jobs (rows, in priority order), writing the ``out_`` arrays, ``site_free`` and ``budget_left``."""
