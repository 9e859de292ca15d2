# cython: language_level=3, cdivision=True, embedsignature=True
# Directives: language_level=3 is Python 3 semantics; cdivision=True drops the zero-division check on
# C division (the kernel divides nothing by a value that can be zero); embedsignature=True puts the
# signature in the docstring for help(). boundscheck, wraparound and initializedcheck are NOT set
# here: setup.py turns them off for speed, and on with SKYPORT_CYTHON_DEBUG=1 to hunt memory bugs.
"""The scheduler kernel: places pending jobs on nodes over time, or on new partitions.

Inputs and outputs are flat typed arrays; ``skyport.scheduler.inputs`` packs them and
``skyport.scheduler.timetable`` reads the result and writes the reasons. docs/scheduler.md explains
the rules. The placement loop runs without the GIL.

Each node keeps its allocations (what runs there, what started in this pass, and reservations) in a
list sorted by end time. A job's earliest start on a node is the first of (the node's available
time, each allocation's end) at which the node has room for the job over its whole run; a gang job
needs that on ``nodes`` nodes of one partition at the same time. Earliest starts are cached per job
shape and stay valid until something is committed on the partition they point at: commits only take
room away, so every other partition can only get later. A job one of whose budgets cannot pay for the
dearest option there is, is never cached: what its budgets have left changes with every job placed
before it.

An option (a partition, or a new partition of a flavor) is refused for a job when its worst case
(price x nodes x time limit) is more than one of the job's budgets has left; each job placed takes its
worst case from every budget it draws on.
"""

from libc.math cimport INFINITY
from libc.stdlib cimport free, malloc

# Why codes; the same numbers as in skyport/scheduler/inputs.py.
cdef enum:
    READY = 0
    STARTS_NOW = 3
    RESERVED = 4
    NEW_PARTITION = 5
    BEHIND_RESERVATIONS = 6
    QUOTA_FULL = 7
    OVER_PRICE = 8
    NEVER_FITS = 9
    OVER_BUDGET = 10


cdef struct Alloc:
    double start
    double end
    long long cpus
    long long mem
    long long gpus
    long long next  # next allocation on the same node (by end time), -1 at the end


cdef struct Request:
    long long cpus
    long long mem
    long long gpus
    long long nodes
    double duration


cdef struct Cluster:
    Alloc* allocs
    long long n_allocs
    long long* head  # per node: first allocation, -1 when none
    const long long* cpus
    const long long* mem
    const long long* gpus
    const double* available


cdef inline long long short_budget(
    const long long[::1] job_budgets, long long first, long long last, const double[::1] budget_left, double cost
) noexcept nogil:
    """The first of the job's budgets (job_budgets[first:last]) with less than ``cost`` left, or -1."""
    cdef long long b
    for b in range(first, last):
        if cost > budget_left[job_budgets[b]]:
            return job_budgets[b]
    return -1


cdef inline void charge(
    const long long[::1] job_budgets, long long first, long long last, double[::1] budget_left, double cost
) noexcept nogil:
    cdef long long b
    for b in range(first, last):
        budget_left[job_budgets[b]] -= cost


cdef inline bint node_has_room(const Cluster* c, long long n, const Request* r) noexcept nogil:
    return c.cpus[n] >= r.cpus and c.mem[n] >= r.mem and c.gpus[n] >= r.gpus


cdef inline bint room_at(const Cluster* c, long long n, double point, const Request* r) noexcept nogil:
    """True if what is allocated on node n at instant ``point`` leaves room for the request."""
    cdef long long cpus = 0, mem = 0, gpus = 0
    cdef long long k = c.head[n]
    while k >= 0:
        if c.allocs[k].start <= point < c.allocs[k].end:
            cpus += c.allocs[k].cpus
            mem += c.allocs[k].mem
            gpus += c.allocs[k].gpus
        k = c.allocs[k].next
    return c.cpus[n] - cpus >= r.cpus and c.mem[n] - mem >= r.mem and c.gpus[n] - gpus >= r.gpus


cdef inline bint fits(const Cluster* c, long long n, double t, const Request* r) noexcept nogil:
    """True if node n has room for the request over [t, t + duration): usage only rises at starts."""
    cdef double end = t + r.duration
    cdef long long k
    if t < c.available[n] or not room_at(c, n, t, r):
        return False
    k = c.head[n]
    while k >= 0:
        if t < c.allocs[k].start < end and not room_at(c, n, c.allocs[k].start, r):
            return False
        k = c.allocs[k].next
    return True


cdef double node_earliest(const Cluster* c, long long n, const Request* r, double before) noexcept nogil:
    """Earliest start on node n before ``before``, or INFINITY."""
    cdef double t = c.available[n]
    cdef long long k
    if not node_has_room(c, n, r) or t >= before:
        return INFINITY
    if fits(c, n, t, r):
        return t
    k = c.head[n]
    while k >= 0:
        t = c.allocs[k].end
        if t >= before:
            break
        if t > c.available[n] and fits(c, n, t, r):
            return t
        k = c.allocs[k].next
    return INFINITY


cdef long long count_fitting(const Cluster* c, long long first, long long last, double t, const Request* r) noexcept nogil:
    cdef long long n, count = 0
    for n in range(first, last):
        if node_has_room(c, n, r) and fits(c, n, t, r):
            count += 1
    return count


cdef double next_candidate(const Cluster* c, long long first, long long last, double after) noexcept nogil:
    """The smallest node-available time or allocation end in the partition that is > ``after``."""
    cdef double best = INFINITY
    cdef long long n, k
    for n in range(first, last):
        if after < c.available[n] < best:
            best = c.available[n]
        k = c.head[n]
        while k >= 0:
            if after < c.allocs[k].end < best:
                best = c.allocs[k].end
            k = c.allocs[k].next
    return best


cdef double gang_earliest(
    const Cluster* c, long long first, long long last, const Request* r, double before, double* scratch
) noexcept nogil:
    """Earliest start before ``before`` at which ``r.nodes`` nodes of the partition all have room."""
    cdef long long n, i, j, m = 0
    cdef double t, swap
    for n in range(first, last):
        t = node_earliest(c, n, r, before)
        if t < before:
            scratch[m] = t
            m += 1
    if m < r.nodes:
        return INFINITY
    # No start is earlier than the nodes-th smallest single-node earliest start: partial selection sort.
    for i in range(r.nodes):
        for j in range(i + 1, m):
            if scratch[j] < scratch[i]:
                swap = scratch[i]
                scratch[i] = scratch[j]
                scratch[j] = swap
    t = scratch[r.nodes - 1]
    while t < before:
        if count_fitting(c, first, last, t, r) >= r.nodes:
            return t
        t = next_candidate(c, first, last, t)
    return INFINITY


cdef void commit(
    Cluster* c, long long n, double start, double end, long long cpus, long long mem, long long gpus
) noexcept nogil:
    """Allocate on node n over [start, end), keeping the node's list sorted by end."""
    cdef long long k = c.n_allocs, prev = -1, cur = c.head[n]
    c.n_allocs += 1
    c.allocs[k].start = start
    c.allocs[k].end = end
    c.allocs[k].cpus = cpus
    c.allocs[k].mem = mem
    c.allocs[k].gpus = gpus
    while cur >= 0 and c.allocs[cur].end <= c.allocs[k].end:
        prev = cur
        cur = c.allocs[cur].next
    c.allocs[k].next = cur
    if prev < 0:
        c.head[n] = k
    else:
        c.allocs[prev].next = k


def schedule(
    const long long[::1] job_cpus,
    const long long[::1] job_mem,
    const long long[::1] job_gpus,
    const long long[::1] job_nodes,
    const double[::1] job_duration,
    const double[::1] job_max_price,
    const long long[::1] job_allow,
    const long long[::1] job_shape,
    const unsigned char[::1] allowed,
    const long long[::1] part_first,
    const long long[::1] part_group,
    const double[::1] part_price,
    const long long[::1] node_cpus,
    const long long[::1] node_mem,
    const long long[::1] node_gpus,
    const double[::1] node_available,
    const long long[::1] run_node,
    const double[::1] run_end,
    const long long[::1] run_cpus,
    const long long[::1] run_mem,
    const long long[::1] run_gpus,
    const long long[::1] offer_group,
    const long long[::1] offer_site,
    const long long[::1] offer_cpus,
    const long long[::1] offer_mem,
    const long long[::1] offer_gpus,
    const double[::1] offer_price,
    long long[::1] site_free,
    const double[::1] site_boot,
    const long long[::1] job_budget_first,
    const long long[::1] job_budgets,
    double[::1] budget_left,
    double now,
    long long reservation_depth,
    long long[::1] out_why,
    double[::1] out_start,
    long long[::1] out_offer,
    const long long[::1] out_node_first,
    long long[::1] out_nodes,
    long long[::1] out_budget,
    double[::1] out_cost,
    double[::1] out_left,
):
    """Place jobs (rows, in priority order) and write why/start/offer/nodes per job; see the module doc."""
    cdef long long n_jobs = job_cpus.shape[0], n_parts = part_group.shape[0], n_nodes = node_cpus.shape[0]
    cdef long long n_runs = run_node.shape[0], n_offers = offer_group.shape[0], n_groups = 0
    cdef long long n_shapes = 0, total_nodes = out_nodes.shape[0], largest = 1
    cdef long long j, p, n, k, s, row, shape, chosen, best_part, reserved = 0, stamp = 0
    cdef long long b_first, b_last, lacking, blocked
    cdef double t, best, best_offer_start, cost, blocked_cost, blocked_left, top_price = 0.0
    cdef bint room_anywhere, affordable_offer, budget_room, budgeted
    cdef Request r
    cdef Cluster c
    cdef long long* part_stamp = NULL
    cdef long long* cache_stamp = NULL
    cdef long long* cache_part = NULL
    cdef double* cache_time = NULL
    cdef unsigned char* cache_room = NULL
    cdef double* scratch = NULL

    for j in range(n_jobs):
        if job_shape[j] + 1 > n_shapes:
            n_shapes = job_shape[j] + 1
    for p in range(n_parts):
        if part_first[p + 1] - part_first[p] > largest:
            largest = part_first[p + 1] - part_first[p]
    for p in range(n_parts):
        if part_price[p] > top_price:
            top_price = part_price[p]
    for k in range(n_offers):
        if offer_price[k] > top_price:
            top_price = offer_price[k]
    for j in range(n_jobs):
        if job_allow[j] + 1 > n_groups:
            n_groups = job_allow[j] + 1
    if n_groups:
        n_groups = allowed.shape[0] // n_groups  # allowed is (rows x groups), row-major
    c.n_allocs = 0
    c.cpus = &node_cpus[0] if n_nodes else NULL
    c.mem = &node_mem[0] if n_nodes else NULL
    c.gpus = &node_gpus[0] if n_nodes else NULL
    c.available = &node_available[0] if n_nodes else NULL
    c.allocs = <Alloc*> malloc((n_runs + total_nodes + 1) * sizeof(Alloc))
    c.head = <long long*> malloc((n_nodes + 1) * sizeof(long long))
    part_stamp = <long long*> malloc((n_parts + 1) * sizeof(long long))
    cache_stamp = <long long*> malloc((n_shapes + 1) * sizeof(long long))
    cache_part = <long long*> malloc((n_shapes + 1) * sizeof(long long))
    cache_time = <double*> malloc((n_shapes + 1) * sizeof(double))
    cache_room = <unsigned char*> malloc(n_shapes + 1)
    scratch = <double*> malloc(largest * sizeof(double))
    try:
        if (not c.allocs or not c.head or not part_stamp or not cache_stamp or not cache_part
                or not cache_time or not cache_room or not scratch):
            raise MemoryError()
        with nogil:
            for n in range(n_nodes):
                c.head[n] = -1
            for p in range(n_parts):
                part_stamp[p] = 0
            for s in range(n_shapes):
                cache_stamp[s] = -1
            for k in range(n_runs):
                commit(&c, run_node[k], -INFINITY, run_end[k], run_cpus[k], run_mem[k], run_gpus[k])

            for j in range(n_jobs):
                if out_why[j] != READY:
                    continue
                r.cpus = job_cpus[j]
                r.mem = job_mem[j]
                r.gpus = job_gpus[j]
                r.nodes = job_nodes[j]
                r.duration = job_duration[j]
                row = job_allow[j] * n_groups
                shape = job_shape[j]
                b_first = job_budget_first[j]
                b_last = job_budget_first[j + 1]
                # Budgets matter to this job only if one of them cannot pay for the dearest option there is.
                budgeted = b_last > b_first and short_budget(
                    job_budgets, b_first, b_last, budget_left, top_price * r.nodes * r.duration / 3600.0
                ) >= 0
                blocked = -1
                blocked_cost = INFINITY
                blocked_left = 0.0

                # Earliest start on existing nodes (cached per shape while its partition is untouched).
                if not budgeted and cache_stamp[shape] >= 0 and (cache_part[shape] < 0 or part_stamp[cache_part[shape]] <= cache_stamp[shape]):
                    best = cache_time[shape]
                    best_part = cache_part[shape]
                    room_anywhere = cache_room[shape]
                else:
                    best = INFINITY
                    best_part = -1
                    room_anywhere = False
                    for p in range(n_parts):
                        if not allowed[row + part_group[p]] or part_first[p + 1] - part_first[p] < r.nodes:
                            continue
                        if not room_anywhere:
                            room_anywhere = count_room(&c, part_first[p], part_first[p + 1], &r) >= r.nodes
                        if part_price[p] * r.nodes > job_max_price[j]:
                            continue
                        if budgeted:
                            cost = part_price[p] * r.nodes * r.duration / 3600.0
                            lacking = short_budget(job_budgets, b_first, b_last, budget_left, cost)
                            if lacking >= 0:  # the reason names it only if the partition could hold the job
                                if cost < blocked_cost and count_room(&c, part_first[p], part_first[p + 1], &r) >= r.nodes:
                                    blocked, blocked_cost, blocked_left = lacking, cost, budget_left[lacking]
                                continue
                        if r.nodes == 1:
                            for n in range(part_first[p], part_first[p + 1]):
                                t = node_earliest(&c, n, &r, best)
                                if t < best:
                                    best = t
                                    best_part = p
                                    if best <= now:
                                        break
                        else:
                            t = gang_earliest(&c, part_first[p], part_first[p + 1], &r, best, scratch)
                            if t < best:
                                best = t
                                best_part = p
                        if best <= now:
                            break
                    if not budgeted:
                        cache_stamp[shape] = stamp
                        cache_part[shape] = best_part
                        cache_time[shape] = best
                        cache_room[shape] = room_anywhere

                if best <= now:
                    charge(job_budgets, b_first, b_last, budget_left, part_price[best_part] * r.nodes * r.duration / 3600.0)
                    _take(&c, part_first[best_part], part_first[best_part + 1], best, &r, out_nodes, out_node_first[j])
                    stamp += 1
                    part_stamp[best_part] = stamp
                    out_why[j] = STARTS_NOW
                    out_start[j] = best
                    continue

                # The cheapest allowed flavor that fits, is under the price ceiling and within quota.
                chosen = -1
                affordable_offer = False
                budget_room = False  # an offer on a site with room that only a budget refused
                for k in range(n_offers):
                    if not allowed[row + offer_group[k]]:
                        continue
                    if offer_cpus[k] < r.cpus or offer_mem[k] < r.mem or offer_gpus[k] < r.gpus:
                        continue
                    room_anywhere = True
                    if offer_price[k] * r.nodes > job_max_price[j]:
                        continue
                    if budgeted:
                        cost = offer_price[k] * r.nodes * r.duration / 3600.0
                        lacking = short_budget(job_budgets, b_first, b_last, budget_left, cost)
                        if lacking >= 0:
                            if cost < blocked_cost:
                                blocked, blocked_cost, blocked_left = lacking, cost, budget_left[lacking]
                            if site_free[offer_site[k]] < 0 or site_free[offer_site[k]] >= r.nodes:
                                budget_room = True
                            continue
                    affordable_offer = True
                    if site_free[offer_site[k]] >= 0 and site_free[offer_site[k]] < r.nodes:
                        continue
                    chosen = k
                    break
                best_offer_start = now + site_boot[offer_site[chosen]] if chosen >= 0 else INFINITY

                if best_offer_start < best:
                    if site_free[offer_site[chosen]] >= 0:
                        site_free[offer_site[chosen]] -= r.nodes
                    charge(job_budgets, b_first, b_last, budget_left, offer_price[chosen] * r.nodes * r.duration / 3600.0)
                    out_why[j] = NEW_PARTITION
                    out_start[j] = best_offer_start
                    out_offer[j] = chosen
                elif best < INFINITY and reserved < reservation_depth:
                    charge(job_budgets, b_first, b_last, budget_left, part_price[best_part] * r.nodes * r.duration / 3600.0)
                    _take(&c, part_first[best_part], part_first[best_part + 1], best, &r, out_nodes, out_node_first[j])
                    stamp += 1
                    part_stamp[best_part] = stamp
                    reserved += 1
                    out_why[j] = RESERVED
                    out_start[j] = best
                elif best < INFINITY:
                    out_why[j] = BEHIND_RESERVATIONS
                    out_start[j] = best
                elif affordable_offer and not budget_room:
                    out_why[j] = QUOTA_FULL
                elif blocked >= 0:
                    out_why[j] = OVER_BUDGET
                    out_budget[j] = blocked
                    out_cost[j] = blocked_cost
                    out_left[j] = blocked_left
                elif room_anywhere:
                    out_why[j] = OVER_PRICE
                else:
                    out_why[j] = NEVER_FITS
    finally:
        free(c.allocs)
        free(c.head)
        free(part_stamp)
        free(cache_stamp)
        free(cache_part)
        free(cache_time)
        free(cache_room)
        free(scratch)


cdef long long count_room(const Cluster* c, long long first, long long last, const Request* r) noexcept nogil:
    cdef long long n, count = 0
    for n in range(first, last):
        if node_has_room(c, n, r):
            count += 1
    return count


cdef void _take(
    Cluster* c, long long first, long long last, double t, const Request* r, long long[::1] out, long long at
) noexcept nogil:
    """Commit the request at t on the first ``r.nodes`` nodes of the partition that fit, writing their indexes."""
    cdef long long n, taken = 0
    for n in range(first, last):
        if taken == r.nodes:
            break
        if node_has_room(c, n, r) and fits(c, n, t, r):
            out[at + taken] = n
            taken += 1
    for n in range(taken):
        commit(c, out[at + n], t, t + r.duration, r.cpus, r.mem, r.gpus)
