"""The level-triggered scheduling loop.

Every pass compares what the store wants (jobs and partitions) with what the gates report, and
acts to close the difference:

1. observe: each site's gate lists its partitions and jobs (one call each);
2. reconcile: partitions and jobs take the gate's state; ended runs have their outputs and logs
   staged back (T) and end in F or E; cancelled or ended runs are cleaned up on the gate;
3. schedule: pending jobs go to the Cython scheduler, and placements that start now are
   dispatched (inputs uploaded, job started) or get a new partition (W);
4. tidy: partitions nobody needs any more are deleted, and partitions the store does not know
   (left by a crash) are deleted too.

Every action is idempotent - the gate takes core-chosen IDs and answers 200 to a repeat - so a
crash at any point, followed by a restart, repeats nothing harmful and loses nothing.

A step that fails for one job (starting it, copying its results back, cleaning up after it) is
tried again after a pause that doubles from FIRST_BACKOFF up to MAX_BACKOFF, while the others go
on; a failure that waiting will not change (the gate's 4xx, a bad name, a file that cannot be
read) ends the job in E after MAX_ATTEMPTS tries. The tries are counted in memory: a restart
starts them again. A pending job that can never start (a dependency ended in E or C, or a
request this daemon no longer accepts) ends in E at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
import logging
import math
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from skyport import scheduler
from skyport.accounting.service import Limits, charged_partition
from skyport.config import Settings
from skyport.errors import BadRequest, GateError, JobChanged, SkyportError
from skyport.jobs import script as scripts
from skyport.jobs.record import Job
from skyport.jobs.service import JobService, demand
from skyport.jobs.states import PENDING, TERMINAL, JobState
from skyport.sites.gate_client.models import GateJob, JobStart, Partition, PartitionRequest, StartAnswer
from skyport.sites.records import IdleCharge, PartitionRecord
from skyport.sites.registry import Gate, SiteRegistry
from skyport.store import jobs as job_queries
from skyport.store import partitions as partition_queries

logger = logging.getLogger(__name__)
T = TypeVar("T")

_ENDED = {"finished", "failed", "cancelled"}
SWEEP_INTERVAL = 300.0  # seconds between looks at a site the store has nothing on
MAX_ATTEMPTS = 3  # tries of a step that fails for a reason waiting will not change
FIRST_BACKOFF = 1.0  # seconds before a failed step is tried again; doubled after each failure
MAX_BACKOFF = 300.0
# 4xx answers that mean "not now" rather than "never": busy, locked, too many requests.
_TRANSIENT_STATUSES = frozenset({408, 409, 423, 425, 429})
# Failures of a job's own files that waiting does not change.
_PERMANENT_ERRORS = (BadRequest, FileNotFoundError, IsADirectoryError, NotADirectoryError, PermissionError)
BATCH = 1000  # jobs in one start_jobs or delete_jobs_files call (maxItems in spec/core-gate.yaml)
DRY_RUN_WAVE = 1_000  # tasks of an array a dry run plans at most (a pass's work for 10,000 takes seconds)
_CREATE = "create its partition"  # the step of a waiting job whose partition the gate has not created


@dataclasses.dataclass
class Observation:
    """What one gate reported in this pass; ``problem`` is set when it could not be asked."""

    jobs: dict[str, GateJob]
    partitions: dict[str, Partition]
    problem: str = ""


@dataclasses.dataclass
class Trouble:
    """The failed tries of one step of one job, and when to try it again."""

    step: str
    attempts: int = 0
    retry_at: float = 0.0


def _permanent(exc: Exception) -> bool:
    """Whether ``exc`` will fail the same way however long we wait."""
    if isinstance(exc, GateError):
        status = exc.gate_status
        return status is not None and 400 <= status < 500 and status not in _TRANSIENT_STATUSES
    return isinstance(exc, _PERMANENT_ERRORS)


def _detail(exc: Exception) -> str:
    if isinstance(exc, SkyportError):
        return exc.detail
    if isinstance(exc, OSError) and exc.filename:
        return f"{Path(exc.filename).name}: {exc.strerror}"  # the name only: the path is the daemon's
    return f"{type(exc).__name__}: {exc}"


class Loop:
    """Runs passes until stopped; ``wake()`` asks for the next pass at once."""

    def __init__(self, settings: Settings, service: JobService, sites: SiteRegistry) -> None:
        self.settings = settings
        self.service = service
        self.store = service.store
        self.files = service.files
        self.sites = sites
        self.scheduler_settings = scheduler.SchedulerSettings(
            default_time_limit=settings.default_time_limit,
            fair_share_half_life=settings.fair_share_half_life,
        )
        self.timetable = scheduler.Timetable(placements=())
        self.nodes: dict[str, scheduler.NodeSlot] = {}  # the nodes the timetable places jobs on
        self._wake = asyncio.Event()
        self._stopping = False
        self._observed_at: dict[str, float] = {}
        self._observations: dict[str, Observation] = {}
        # Gate job ID -> when this daemon started it, until a gate's answer shows the run: an answer
        # older than the start cannot know it (a site is asked at most every poll_interval).
        self._started_at: dict[str, float] = {}
        self._troubles: dict[str, Trouble] = {}  # job ID -> failed tries of its current step
        self._in_range: set[str] = set()  # pending jobs whose request check_request accepted
        # Only the loop writes partitions: it keeps the live ones, and (site, ID) of every one it
        # ever recorded, in memory, read once here; each write goes to the store first.
        self._partitions = {p.id: p for p in self.store.call(partition_queries.live_partitions)}
        self._recorded = self.store.call(partition_queries.recorded_partitions)
        # Job ID -> (owner, start, end, cpus x nodes) of recent runs, for fair share; see _usage.
        self._runs: dict[str, tuple[str, float, float, int]] | None = None
        self.timed: Callable[[str, float], None] = lambda step, seconds: None  # "pass" or "plan"; set by the metrics
        self.charged: Callable[[IdleCharge], None] = lambda charge: None  # each idle stretch recorded; the metrics
        # Pending job ID -> (its request, what the scheduler sees of it); see _demands_of.
        self._demands: dict[str, tuple[scripts.JobRequest, scheduler.JobDemand]] = {}
        self._demand_terms: tuple[object, ...] = ()

    def wake(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        self._stopping = True
        self._wake.set()

    async def run(self) -> None:
        """Pass after pass until :meth:`stop`; a failing pass is logged (once while it fails the same way)."""
        failure = ""
        while not self._stopping:
            self._wake.clear()
            started = time.monotonic()
            try:
                busy = await self.run_pass()
                failure = ""
            except JobChanged as exc:
                logger.info("%s; the next pass starts from the stored state", exc.detail)
                busy = True
            except Exception as exc:
                if repr(exc) != failure:
                    logger.exception("scheduling pass failed; retrying (logged again only if it fails otherwise)")
                failure, busy = repr(exc), False
            spent = time.monotonic() - started
            self.timed("pass", spent)
            await self._sleep(busy, spent)

    async def _sleep(self, busy: bool, spent: float) -> None:
        """Until the next pass is due or something wakes the loop, but never sooner than ``spent``
        (how long the last pass took): under a burst of submissions the request handlers get at
        least half the daemon's time, and the burst is scheduled in a few passes, not one each."""
        if self._stopping:
            return
        interval = self.settings.loop_interval
        if busy:
            interval = min([interval, *(gate.poll_interval for gate in self.sites)])
        await asyncio.sleep(min(spent, interval))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout=max(0.0, interval - spent))

    # -- one pass ---------------------------------------------------------------------------------

    async def run_pass(self) -> bool:
        """One observe-reconcile-schedule-tidy pass; True while jobs are active on some site."""
        now = time.time()
        jobs = self.service.active_jobs()
        self._troubles = {job.id: self._troubles[job.id] for job in jobs if job.id in self._troubles}
        self._in_range &= {job.id for job in jobs}
        partitions = self._live_partitions()
        observations = await self._observe(jobs, partitions, now)
        jobs = await self._reconcile_jobs(jobs, observations)
        jobs = await self._reconcile_partitions(partitions, observations, jobs, now)
        jobs = await self._end_doomed(jobs)
        pending = [job for job in jobs if job.state in PENDING]
        if pending:
            jobs = await self._schedule(pending, jobs, partitions, now)
        else:
            self.timetable = scheduler.Timetable(placements=())
        await self._tidy(partitions, jobs, observations, time.time())
        return any(job.state not in PENDING for job in jobs) or any(not p.gone for p in partitions.values())

    async def _observe(
        self, jobs: Sequence[Job], partitions: dict[str, PartitionRecord], now: float
    ) -> dict[str, Observation]:
        wanted = {job.site for job in jobs if job.site} | {p.site for p in partitions.values()}
        # Every site now and then, and all of them on start: what a site holds that the store does
        # not know (instances a crash or a lost store left behind) is deleted by _tidy.
        wanted |= {gate.name for gate in self.sites if now - self._observed_at.get(gate.name, 0.0) >= SWEEP_INTERVAL}
        due = [
            gate
            for gate in self.sites
            if gate.name in wanted and now - self._observed_at.get(gate.name, 0.0) >= gate.poll_interval
        ]

        async def observe(gate: Gate) -> tuple[str, Observation]:
            try:
                gate_jobs, gate_partitions = await asyncio.gather(gate.jobs(), gate.partitions())
            except GateError as exc:
                logger.warning("%s", exc.detail)
                return gate.name, Observation({}, {}, exc.detail)
            return gate.name, Observation({j.id: j for j in gate_jobs}, {p.id: p for p in gate_partitions})

        for name, observation in await asyncio.gather(*(observe(gate) for gate in due)):
            self._observed_at[name] = now
            self._observations[name] = observation
        return {name: self._observations[name] for name in wanted if name in self._observations}

    async def _reconcile_jobs(self, jobs: list[Job], observations: dict[str, Observation]) -> list[Job]:
        """Each job takes its run's state; the results of ended runs are copied back together (see
        :meth:`_copy_back`), and ended runs a gate may forget in one call are forgotten last, together."""
        result = []
        forget: dict[str, list[Job]] = {}
        ended: list[tuple[Job, Gate, GateJob]] = []
        for job in jobs:
            observation = observations.get(job.site or "")
            gate = self.sites.get(job.site or "")
            if observation is None or gate is None or observation.problem:
                result.append(job)
                continue
            seen = observation.jobs.get(job.gate_job_id)
            if self._forgettable(job, gate, seen, self._observed_at[gate.name]):
                forget.setdefault(gate.name, []).append(job)
                result.append(job)
                continue
            result.append(await self._reconcile_job(job, gate, seen, self._observed_at[gate.name], ended))
        changed = {job.id: job for job in await self._copy_back(ended)}
        for name, done in forget.items():
            gate = self.sites.get(name)
            assert gate is not None
            for job in await self._forget_all(gate, done):
                changed[job.id] = job
        return [changed.get(job.id, job) for job in result]

    def _forgettable(self, job: Job, gate: Gate, seen: GateJob | None, observed_at: float) -> bool:
        """Whether ``job`` ended, nothing of it runs on the gate, and the gate forgets runs in batches."""
        return (
            job.state in TERMINAL
            and not job.gate_done
            and gate.serves("delete_jobs_files")
            and (seen is None or seen.state in _ENDED)
            and self._started_at.get(job.gate_job_id, -math.inf) < observed_at
            and not self._held(job, "clean up", time.time())
        )

    async def _forget_all(self, gate: Gate, jobs: list[Job]) -> list[Job]:
        """Have the gate forget the runs of these ended jobs, BATCH at a time; the jobs as they are then."""
        result = []
        for chunk in _chunks(jobs):
            try:
                await gate.forget_many([job.gate_job_id for job in chunk])
            except GateError as exc:
                result += [await self._failed(job, "clean up", exc) for job in chunk]
                continue
            for job in chunk:
                self._started_at.pop(job.gate_job_id, None)
                self._troubles.pop(job.id, None)
            result += await self.service.update_all(chunk, gate_done=True)
        return result

    async def _reconcile_job(
        self, job: Job, gate: Gate, seen: GateJob | None, observed_at: float, ended: list[tuple[Job, Gate, GateJob]]
    ) -> Job:
        """``job`` with its run's state; a job whose run ended (R or T) is added to ``ended`` instead."""
        if seen is None and self._started_at.get(job.gate_job_id, -math.inf) >= observed_at:
            return job  # started after the gate was last asked: wait for an answer that can know it
        self._started_at.pop(job.gate_job_id, None)
        if job.state in TERMINAL:
            return await self._clean_up(job, gate, seen)
        if seen is None:
            if job.state in (JobState.RUNNING, JobState.TRANSFERRING):
                return await self.service.change(
                    job,
                    JobState.ERROR,
                    f"lost: site {gate.name} no longer knows run {job.gate_job_id}",
                    end_time=time.time(),
                    gate_done=True,
                )
            return job
        if job.state in PENDING:  # started before a crash, recorded only now
            job = await self.service.change(job, JobState.RUNNING, f"running on {gate.name}", **_run_fields(seen))
        if job.state == JobState.RUNNING and seen.state not in _ENDED:
            return await self.service.update(job, **_run_fields(seen))
        ended.append((job, gate, seen))
        return job

    async def _clean_up(self, job: Job, gate: Gate, seen: GateJob | None) -> Job:
        """Stop what still runs of an ended job on the gate, then have the gate forget it."""
        if self._held(job, "clean up", time.time()):
            return job
        try:
            if seen is not None and seen.state not in _ENDED:
                await gate.cancel(job.gate_job_id)
            elif not job.gate_done:
                await gate.forget(job.gate_job_id)
                job = await self.service.update(job, gate_done=True)
        except GateError as exc:
            return await self._failed(job, "clean up", exc)
        self._troubles.pop(job.id, None)
        return job

    async def _copy_back(self, ended: list[tuple[Job, Gate, GateJob]]) -> list[Job]:
        """Copy back the results of these ended runs and end their jobs; the jobs as they are then.

        One store transaction moves the jobs still R to T, and one ends in F or E all those whose
        results were copied; a copy that fails (:meth:`_stage_back`) is tried again after a pause.
        """
        moving = [
            (job, JobState.TRANSFERRING, f"copying results back from {gate.name}", _end_fields(seen))
            for job, gate, seen in ended
            if job.state == JobState.RUNNING
        ]
        moved = {job.id: job for job in await self.service.change_all(moving)}
        result, ends, ready = [], [], []
        for old, gate, seen in ended:
            job = moved.get(old.id, old)
            if self._held(job, "copy results back", time.time()):
                result.append(job)
            else:
                ready.append((job, gate, seen))
        unstaged = await asyncio.to_thread(self._start_staging, [(job, seen) for job, _, seen in ready])
        for job, gate, seen in ready:
            try:
                if job.id in unstaged:
                    raise unstaged[job.id]
                ends.append((job, *await self._stage_back(job, gate, seen)))
            except (GateError, OSError, BadRequest) as exc:
                result.append(await self._failed(job, "copy results back", exc))
                continue
            self._troubles.pop(job.id, None)
        return result + await self.service.change_all(ends)

    def _start_staging(self, ended: list[tuple[Job, GateJob]]) -> dict[str, OSError]:
        """Get the folders of these ended runs ready for their results, all in one trip to a worker
        thread (see :meth:`JobFiles.start_staging`): the logs the gate said are empty are written
        here, not copied. What failed, by job ID."""
        failed = {}
        for job, seen in ended:
            logs = (("stdout", seen.stdout_size), ("stderr", seen.stderr_size))
            empty = [stream for stream, size in logs if size == 0]
            try:
                self.files.start_staging(job.id, empty)
            except OSError as exc:
                failed[job.id] = exc
        return failed

    # -- failed steps -----------------------------------------------------------------------------

    def _held(self, job: Job, step: str, now: float) -> bool:
        """Whether ``step`` failed for ``job`` and waits for its next try."""
        trouble = self._troubles.get(job.id)
        return trouble is not None and trouble.step == step and now < trouble.retry_at

    async def _failed(self, job: Job, step: str, exc: Exception) -> Job:
        """Count a failed try of ``step``; end the job in E when waiting cannot help and the tries are used up.

        Logged once per try. A pending or transferring job's details say what failed and when
        it is tried again; an ended job's details stay as they are.
        """
        trouble = self._troubles.get(job.id)
        if trouble is None or trouble.step != step:
            trouble = self._troubles[job.id] = Trouble(step)
        trouble.attempts += 1
        detail = _detail(exc)
        if _permanent(exc) and trouble.attempts >= MAX_ATTEMPTS:
            del self._troubles[job.id]
            reason = f"could not {step}: {detail} (tried {trouble.attempts} times)"
            if job.state in TERMINAL:
                logger.warning("%s: %s; left to the site", job.id, reason)
                return await self.service.update(job, gate_done=True)
            return await self.service.change(job, JobState.ERROR, reason, end_time=time.time())
        delay = min(MAX_BACKOFF, FIRST_BACKOFF * 2 ** (trouble.attempts - 1))
        trouble.retry_at = time.time() + delay
        logger.warning("%s: %s failed (try %d): %s; next try in %g s", job.id, step, trouble.attempts, detail, delay)
        if job.state in TERMINAL:
            return job
        details = f"{step} failed (try {trouble.attempts}): {detail}; next try in {delay:g} s"
        return await self.service.update(job, state_details=details)

    async def _stage_back(self, job: Job, gate: Gate, seen: GateJob) -> tuple[JobState, str, dict[str, object]]:
        """Copy outputs and logs of an ended run to the daemon (its folder made ready by
        :meth:`_start_staging`); the state (F or E), the reason and the fields to end the job with."""
        logs = (("stdout", seen.stdout_size), ("stderr", seen.stderr_size))
        notes = [note for stream, size in logs if size != 0 and (note := await self._stage_log(job, gate, stream))]
        kept, refused = await self._stage_outputs(job, gate)
        notes += refused
        state = JobState.ERROR
        if seen.state == "finished" and seen.exitcode == 0:
            state, reason = JobState.FINISHED, "finished"
        elif seen.state == "finished":
            reason = f"exited with status {seen.exitcode}"
        elif seen.state == "cancelled":
            reason = f"cancelled on site {gate.name}"
        else:
            reason = seen.state_details or f"failed on site {gate.name}"
        if seen.signal and state == JobState.ERROR:
            reason = f"killed by signal {seen.signal}" + (f": {seen.state_details}" if seen.state_details else "")
        return state, "; ".join([reason, *notes]), {"outputs": kept, **_end_fields(seen)}

    async def _stage_log(self, job: Job, gate: Gate, stream: str) -> str:
        """Copy the run's ``stream`` log range by range, cut at max_output; a note when it was cut."""
        cap = self.settings.max_output
        part = await asyncio.to_thread(self.files.new_part, job.id)
        try:
            size = await gate.copy_log(job.gate_job_id, stream, part, cap)
            if size > cap:
                await asyncio.to_thread(part.truncate, cap)
        except BaseException:
            await asyncio.to_thread(self.files.drop_part, part)
            raise
        await asyncio.to_thread(self.files.keep_log, job.id, stream, part)
        if size <= cap:
            return ""
        logger.warning("%s: %s cut at max_output (%d bytes)", job.id, stream, cap)
        return f"{stream} cut at max_output ({cap} bytes)"

    async def _stage_outputs(self, job: Job, gate: Gate) -> tuple[list[str], list[str]]:
        """Download the run's outputs within max_output (all files together); the names of those kept,
        and a note per file not kept.

        A file the gate refused (a symbolic link, a FIFO...), one the job did not declare, and one
        that would pass the cap are not kept, and the notes say why. Each file streams to a
        temporary file in the job's outputs folder, renamed into place once complete.
        """
        if not job.request.outputs:
            return [], []  # the gate lists declared outputs only
        cap, used, kept, notes = self.settings.max_output, 0, [], []
        for output in await gate.outputs(job.gate_job_id):
            why = output.refused or ("" if output.name in job.request.outputs else "the job did not declare it")
            if not why and output.size <= cap - used:
                size = await self._download(job, gate, output.name, cap - used)
                if size <= cap - used:
                    used += size
                    kept.append(output.name)
                    continue
            if not why:
                taken = f", {used} of them taken by the outputs before it" if used else ""
                why = f"it is larger than max_output allows ({cap} bytes of outputs per job{taken})"
            notes.append(f"output {output.name} refused: {why}")
            logger.warning("%s: %s", job.id, notes[-1])
        return kept, notes

    async def _download(self, job: Job, gate: Gate, name: str, limit: int) -> int:
        """Download output ``name`` and keep it if it is at most ``limit`` bytes; its size (limit + 1 if over)."""
        part = await asyncio.to_thread(self.files.new_part, job.id)
        try:
            size = await gate.download(job.gate_job_id, name, part, limit)
        except BaseException:
            await asyncio.to_thread(self.files.drop_part, part)
            raise
        if size <= limit:
            await asyncio.to_thread(self.files.keep_output, job.id, name, part)
        else:
            await asyncio.to_thread(self.files.drop_part, part)
        return size

    async def _reconcile_partitions(
        self,
        partitions: dict[str, PartitionRecord],
        observations: dict[str, Observation],
        jobs: list[Job],
        now: float,
    ) -> list[Job]:
        """Record what gates say of partitions; returns ``jobs`` with the changes made to them."""
        by_id = {job.id: job for job in jobs}
        for record in list(partitions.values()):
            observation = observations.get(record.site)
            if observation is None or observation.problem:
                continue
            seen = observation.partitions.get(record.id)
            if seen is None:
                # Created in the store but the gate never heard of it (crash in between): ask again.
                continue
            updated = dataclasses.replace(
                record,
                state=seen.state,
                state_details=seen.state_details or "",
                node_names=tuple(n.name for n in seen.nodes or ()),
                node_ips=tuple(n.ip or "" for n in seen.nodes or ()),
            )
            if updated != record:
                await self._save_partition(updated)
                partitions[record.id] = updated
            waiting = [job for job in by_id.values() if job.partition_id == record.id and job.state == JobState.WAITING]
            wanted = f"{record.count} x {record.flavor} on {record.site}"
            for job in waiting:
                if seen.state == "failed":
                    reason = f"site {record.site} could not create {record.count} x {record.flavor}: "
                    by_id[job.id] = await self.service.change(
                        job, JobState.ERROR, reason + (seen.state_details or "failed")
                    )
                elif seen.state == "creating" and seen.state_details:
                    # Say why the job still waits: "AWS refused: InsufficientInstanceCapacity ...; attempt 2 of 5".
                    details = f"partition has not been created yet: {wanted}: {seen.state_details}"
                    by_id[job.id] = await self.service.update(job, state_details=details)
        return list(by_id.values())

    # -- scheduling -------------------------------------------------------------------------------

    async def _end_doomed(self, jobs: list[Job]) -> list[Job]:
        """End in E, saying why, the pending jobs that can never start; ``jobs`` as they are then."""
        dependencies = {d for job in jobs if job.state in PENDING for d in job.request.depends_on}
        states = await self.service.states(sorted(dependencies))
        result = []
        for job in jobs:
            reason = self._never_starts(job, states) if job.state in PENDING else ""
            ended = await self.service.change(job, JobState.ERROR, reason, end_time=time.time()) if reason else job
            result.append(ended)
        return result

    def _never_starts(self, job: Job, states: dict[str, JobState]) -> str:
        """Why ``job`` can never start, or ""."""
        if job.id not in self._in_range:  # a job's request never changes: checked once per daemon
            try:
                scripts.check_request(job.request, max_time_limit=self.settings.max_time_limit)
            except BadRequest as exc:
                return f"this job can never start: {exc.detail}"
            self._in_range.add(job.id)
        for dependency in job.request.depends_on:
            state = states.get(dependency)
            if state is None:
                return f"dependency {dependency} does not exist any more; this job can never start"
            if state in (JobState.ERROR, JobState.CANCELLED):
                return f"dependency {dependency} ended in {state.value}; this job can never start"
        return ""

    async def _schedule(
        self, pending: list[Job], jobs: list[Job], partitions: dict[str, PartitionRecord], now: float
    ) -> list[Job]:
        """Plan the pending jobs and act on the plan; ``jobs`` as they are then.

        When some fail to start, the others are planned again: a job whose start failed waits for
        its next try outside the plan, so the nodes it was given go to the jobs behind it in this
        same pass.
        """
        while True:
            ready, throttled = _throttle([job for job in pending if not self._held(job, "start", now)], jobs)
            snapshot = await self._snapshot(ready, jobs, partitions, now)
            started = time.perf_counter()
            planned = scheduler.plan(snapshot, self.scheduler_settings)
            self.timed("plan", time.perf_counter() - started)
            self.timetable = scheduler.Timetable(placements=(*planned.placements, *throttled)) if throttled else planned
            self.nodes = {node.id: node for node in snapshot.nodes}
            changed, failed = await self._act(ready, partitions, now)
            jobs = [changed.get(job.id, job) for job in jobs]
            pending = [job for job in jobs if job.state in PENDING]
            if not failed:
                await self.service.tell_reasons(
                    {job.id: placement.reason for job in pending if (placement := self.timetable.for_job(job.id))}
                )
                return jobs

    async def dry_run(self, tasks: list[Job]) -> tuple[list[scheduler.Placement], scheduler.Snapshot]:
        """Where and when a job (or an array's ``tasks``) would be placed were it submitted now, beside the
        active jobs, and the snapshot that plan was made from; nothing is changed.

        An array's first wave is planned: as many of its tasks as its throttle lets run at once (all of
        them without one), at most DRY_RUN_WAVE; the placements are theirs, in task order.
        """
        now = time.time()
        throttle = scripts.array_tasks(tasks[0].request.array)[1] if tasks[0].array_id is not None else 0
        wave = tasks[: min(throttle or len(tasks), DRY_RUN_WAVE)]
        jobs = [*self.service.active_jobs(), *wave]
        pending = [j for j in jobs if j.state in PENDING and not self._held(j, "start", now)]
        partitions = self._live_partitions()
        snapshot = await self._snapshot(pending, jobs, partitions, now)
        timetable = scheduler.plan(snapshot, self.scheduler_settings)
        placements = []
        for task in wave:
            placement = timetable.for_job(task.id)
            assert placement is not None
            placements.append(placement)
        return placements, snapshot

    async def _act(
        self, ready: list[Job], partitions: dict[str, PartitionRecord], now: float
    ) -> tuple[dict[str, Job], bool]:
        """Start what the timetable starts now and create the partitions it asks for.

        Returns the jobs changed, and whether some job failed to start.
        """
        by_id = {job.id: job for job in ready}
        changed: dict[str, Job] = {}
        starts: dict[str, list[tuple[Job, PartitionRecord]]] = {}  # by site
        claimed: set[str] = set()  # single-job partitions given a job in this pass
        for placement in self.timetable.placements:
            if not placement.placed or placement.start_time is None:
                continue
            job = by_id[placement.job_id]
            if placement.node_ids and placement.start_time <= now:
                partition = partitions[self.nodes[placement.node_ids[0]].partition_id]
                if partition.single_job and (partition.used or partition.id in claimed):
                    continue
                claimed.add(partition.id)
                starts.setdefault(partition.site, []).append((job, partition))
            elif placement.new_partition is not None and not _has_partition_coming(job, partitions):
                changed[job.id] = await self._create_partition(job, placement.new_partition, now, partitions)
        failed = False
        started: list[tuple[Job, PartitionRecord, GateJob]] = []
        for site, wanted in starts.items():
            gate = self.sites.get(site)
            assert gate is not None
            for job, partition, outcome in await self._start_all(gate, wanted):
                if isinstance(outcome, Exception):
                    changed[job.id] = await self._failed(job, "start", outcome)
                    failed = True
                    continue
                started.append((job, partition, outcome))
                self._troubles.pop(job.id, None)
                partitions[partition.id] = dataclasses.replace(partition, used=True, idle_since=None)
        for job in await self._started(started):
            changed[job.id] = job
        return changed, failed

    async def _start_all(
        self, gate: Gate, wanted: list[tuple[Job, PartitionRecord]]
    ) -> list[tuple[Job, PartitionRecord, GateJob | Exception]]:
        """Upload each job's inputs and start it: BATCH jobs a call when the gate serves start_jobs."""
        outcomes: list[tuple[Job, PartitionRecord, GateJob | Exception]] = []
        answers: list[GateJob | GateError]
        for chunk in _chunks(wanted) if gate.serves("start_jobs") else [[pair] for pair in wanted]:
            requests: list[tuple[Job, PartitionRecord, JobStart]] = []
            for job, partition in chunk:
                try:
                    requests.append((job, partition, await self._job_start(job, partition, gate)))
                except (GateError, OSError, BadRequest) as exc:
                    outcomes.append((job, partition, exc))
            if not requests:
                continue
            try:
                if gate.serves("start_jobs"):
                    batch = await gate.start_many([start for _, _, start in requests])
                    answers = [_started_or_refused(gate, answer) for answer in batch]
                else:
                    answers = [await gate.start(requests[0][2])]
            except GateError as exc:
                outcomes += [(job, partition, exc) for job, partition, _ in requests]
                continue
            outcomes += [
                (job, partition, answer) for (job, partition, _), answer in zip(requests, answers, strict=True)
            ]
        return outcomes

    async def _snapshot(
        self, pending: list[Job], jobs: list[Job], partitions: dict[str, PartitionRecord], now: float
    ) -> scheduler.Snapshot:
        offers = self.sites.offers()
        limits = await self.service.accounts.limits(now, self.settings.default_time_limit)
        demands = self._demands_of(pending, limits)
        running: dict[str, list[Job]] = {}
        for job in jobs:
            if job.state in (JobState.RUNNING, JobState.TRANSFERRING) and job.partition_id:
                running.setdefault(job.partition_id, []).append(job)
        nodes: list[scheduler.NodeSlot] = []
        in_use: dict[str, int] = {}
        for record in partitions.values():
            if record.gone or record.state == "deleting":
                continue
            in_use[record.site] = in_use.get(record.site, 0) + record.count
            gate = self.sites.get(record.site)
            flavor = gate.flavor(record.flavor) if gate else None
            if flavor is None or (record.single_job and record.used):
                continue
            boot = offers[record.site].site.boot_time or 0.0
            available = now if record.state == "ready" else max(now + 1.0, record.created_at + boot)
            nodes += _slots(
                record,
                cpus=flavor.cpus or 0,
                mem=flavor.mem or 0,
                gpus=flavor.gpus or 0,
                disk=flavor.storage or 0,
                available=available,
                running=running.get(record.id, []),
                default_time_limit=self.settings.default_time_limit,
            )
        sites = self.sites.site_offers(in_use)
        dependencies = {d for job in pending for d in job.request.depends_on}
        states = await self.service.states(sorted(dependencies))
        usage = await self._usage(now)
        return scheduler.Snapshot(
            now=now,
            jobs=demands,
            nodes=tuple(nodes),
            sites=sites,
            usage=usage,
            job_states={k: v.value for k, v in states.items()},
            budgets=limits.budgets,
        )

    def _demands_of(self, pending: list[Job], limits: Limits) -> tuple[scheduler.JobDemand, ...]:
        """What the scheduler sees of each pending job, made once per job: a job's request, owner,
        account and submit time never change, and of the budgets and account ceilings only which
        budgets there are and the ceilings count here (not what the budgets have left); when those
        change, every demand is made again."""
        terms = (*((b.holder, b.name, b.period) for b in limits.held), *sorted(limits.ceilings.items()))
        if terms != self._demand_terms:
            self._demands, self._demand_terms = {}, terms
        made = {}
        for job in pending:
            known = self._demands.get(job.id)
            if known is None or known[0] is not job.request:
                known = (job.request, limits.apply(demand(job.id, job.owner, job.submit_time, job.request), job))
            made[job.id] = known
        self._demands = made
        return tuple(wanted for _, wanted in made.values())

    async def _usage(self, now: float) -> dict[str, float]:
        """Each owner's fair-share usage: the runs that ended in the last four half-lives, weighted by age.

        The runs are read from the store once; after that the job service tells the loop of every
        job it writes (:meth:`_note_run`), and runs older than the window are dropped here.
        """
        half_life = self.settings.fair_share_half_life
        since = now - 4 * half_life
        if self._runs is None:
            self._runs = await self.store.run(job_queries.usage_since, since)
            self.service.written = self._note_run
        usage: dict[str, float] = {}
        for job_id, (owner, start, end, cpus) in list(self._runs.items()):
            if end <= since:
                del self._runs[job_id]
                continue
            weight = math.pow(0.5, max(0.0, now - end) / half_life)
            usage[owner] = usage.get(owner, 0.0) + cpus * max(0.0, end - start) * weight
        return usage

    def _note_run(self, job: Job) -> None:
        """Keep the run of ``job`` for fair share while it has a start and an end (a requeue clears them)."""
        assert self._runs is not None
        if job.start_time is not None and job.end_time is not None:
            self._runs[job.id] = (job.owner, job.start_time, job.end_time, job.request.cpus * job.request.nodes)
        else:
            self._runs.pop(job.id, None)

    async def _job_start(self, job: Job, partition: PartitionRecord, gate: Gate) -> JobStart:
        """Upload the job's inputs; what the gate is asked to start."""
        for name in job.input_files:
            data = await asyncio.to_thread(self.files.input_path(job.id, name).read_bytes)
            await gate.upload(job.gate_job_id, name, data)
        request = job.request
        return JobStart(
            id=job.gate_job_id,
            partition_id=partition.id,
            script=job.script,
            name=job.name,
            owner=job.owner,
            env=_environment(job),
            cpus=request.cpus,
            mem=request.mem,
            gpus=request.gpus,
            storage=request.disk or None,
            nodes=request.nodes,
            time_limit=request.time_limit,
            outputs=list(request.outputs),
            image=request.run_in or _container_image(request.container_image, gate) or None,
            volumes=list(request.volumes) or None,
        )

    async def _started(self, started: list[tuple[Job, PartitionRecord, GateJob]]) -> list[Job]:
        """Record that the gates started these jobs (R), in one store transaction; their partitions are used."""
        now = time.time()
        changes = []
        for job, partition, seen in started:
            self._started_at[job.gate_job_id] = now
            fields = {
                "start_time": now,
                **_run_fields(seen),
                "site": partition.site,
                "partition_id": partition.id,
                "flavor": partition.flavor,
                "price": partition.price,
            }
            changes.append((job, JobState.RUNNING, f"running on {partition.site} ({partition.flavor})", fields))
        jobs = await self.service.change_all(changes)
        for partition in {partition.id: partition for _, partition, _ in started}.values():
            if not partition.used or partition.idle_since is not None:
                await self._save_partition(dataclasses.replace(partition, used=True, idle_since=None))
        return jobs

    async def _create_partition(
        self, job: Job, new: scheduler.NewPartition, now: float, partitions: dict[str, PartitionRecord]
    ) -> Job:
        gate = self.sites.get(new.site)
        assert gate is not None
        record = PartitionRecord(
            id=f"p-{uuid.uuid4().hex[:20]}",
            site=new.site,
            flavor=new.flavor,
            count=new.count,
            owner=job.owner,
            created_at=now,
            price=new.price,
            single_job=gate.single_job,
            state_details=f"requested for job {job.id}",
            account=job.account or job.owner,
        )
        # The record is written before the gate is asked: a crash in between leaves a record
        # whose creation the next pass repeats, never an instance nobody knows about.
        await self._save_partition(record)
        partitions[record.id] = record
        # W details begin with Sky Port's words for the step: its terminals (swmjupyter) read them.
        wanted = f"initiate a new partition: {new.count} x {new.flavor} on {new.site}"
        job = await self.service.change(
            job, JobState.WAITING, wanted, site=new.site, partition_id=record.id, flavor=new.flavor
        )
        try:
            await self._ask_gate_to_create(gate, record, job.request.image or None)
        except GateError as exc:  # the partition's record stays "creating": _tidy asks the gate again
            return await self._failed(job, _CREATE, exc)
        return job

    async def _ask_gate_to_create(self, gate: Gate, record: PartitionRecord, image: str | None) -> None:
        seen = await gate.create_partition(
            PartitionRequest(id=record.id, flavor=record.flavor, count=record.count, image=image, owner=record.owner)
        )
        await self._save_partition(
            dataclasses.replace(record, state=seen.state, state_details=seen.state_details or "")
        )

    def partitions(self) -> Iterable[PartitionRecord]:
        """The live partitions in no order (a view: for reading at once, not across an ``await``)."""
        return self._partitions.values()

    def _live_partitions(self) -> dict[str, PartitionRecord]:
        """The live partitions by ID, oldest first."""
        return {p.id: p for p in sorted(self._partitions.values(), key=lambda p: p.created_at)}

    async def _save_partition(self, record: PartitionRecord) -> None:
        """Write ``record`` to the store, then to the loop's memory of partitions.

        A partition left idle that is in use again, or being deleted, has its idle stretch charged
        in the same write (docs/budgets.md).
        """
        before = self._partitions.get(record.id)
        charge = None
        if before is not None and before.idle_since is not None:
            if record.idle_since is None or record.state in ("deleting", "deleted", "failed"):
                charge = before.idle_charge(time.time())
                record = dataclasses.replace(record, idle_since=None)
        await self.store.run(partition_queries.save_partition, record, charge)
        if charge is not None:
            self.charged(charge)
        self._recorded.add((record.site, record.id))
        if record.state in ("deleted", "failed"):
            self._partitions.pop(record.id, None)
        else:
            self._partitions[record.id] = record

    # -- tidying ----------------------------------------------------------------------------------

    async def _tidy(
        self,
        partitions: dict[str, PartitionRecord],
        jobs: list[Job],
        observations: dict[str, Observation],
        now: float,
    ) -> None:
        needed = {job.partition_id for job in jobs if job.state not in TERMINAL and job.partition_id}
        waiting = {job.partition_id: job for job in jobs if job.state == JobState.WAITING and job.partition_id}
        unpaid = await self._unpaid(partitions.values(), needed, now)
        for record in partitions.values():
            gate = self.sites.get(record.site)
            observation = observations.get(record.site)
            if gate is None or observation is None or observation.problem:
                continue
            job = waiting.get(record.id)
            if record.id not in observation.partitions and record.state == "creating":
                # Recorded but unknown to the gate (a crash in between, or the gate refused): ask again.
                await self._create_again(gate, record, job, now)
                continue
            try:
                await self._tidy_partition(
                    gate, record, observation, record.id in needed, now, unpaid=unpaid.get(record.id)
                )
            except GateError as exc:
                logger.warning("partition %s: %s", record.id, exc.detail)
        for name, observation in observations.items():
            gate = self.sites.get(name)
            if gate is None or observation.problem:
                continue
            for partition_id, seen in observation.partitions.items():
                if (name, partition_id) not in self._recorded and seen.state not in ("deleted", "deleting"):
                    logger.warning("deleting partition %s on %s: the core has no record of it", partition_id, name)
                    await gate.delete_partition(partition_id)

    async def _create_again(self, gate: Gate, record: PartitionRecord, job: Job | None, now: float) -> None:
        """Ask the gate again for a partition it does not know, for the job waiting for it.

        A refusal counts as a failed try of that job; with no job waiting, the record is closed.
        """
        if job is None:
            done = dataclasses.replace(record, state="deleted", state_details="never created: no job waits for it")
            await self._save_partition(done)
            return
        if self._held(job, _CREATE, now):
            return
        try:
            await self._ask_gate_to_create(gate, record, job.request.image or None)
        except GateError as exc:
            await self._failed(job, _CREATE, exc)

    async def _unpaid(self, partitions: Iterable[PartitionRecord], needed: set[str], now: float) -> dict[str, str]:
        """Partition ID -> the budget that cannot pay for its idle time to come (to its idle_timeout),
        for the priced partitions left idle: those are deleted at once rather than kept."""
        idle = [p for p in partitions if p.id not in needed and p.price > 0 and not p.gone and p.state != "deleting"]
        if not idle:
            return {}
        limits = await self.service.accounts.limits(now, self.settings.default_time_limit)
        unpaid = {}
        for record in idle:
            idle_for = now - record.idle_since if record.idle_since is not None else 0.0
            to_come = record.price * record.count * max(0.0, self.settings.idle_timeout - idle_for) / 3600.0
            for limit, budget in zip(limits.budgets, limits.held, strict=True):
                if charged_partition(record, budget) and limit.left < to_come:
                    unpaid[record.id] = f"{limit.label} cannot pay for its idle time"
                    break
        return unpaid

    async def _tidy_partition(
        self,
        gate: Gate,
        record: PartitionRecord,
        observation: Observation,
        needed: bool,
        now: float,
        *,
        unpaid: str | None,
    ) -> None:
        if needed or record.state in ("deleting", "deleted", "failed"):
            if needed and record.idle_since is not None:
                await self._save_partition(dataclasses.replace(record, idle_since=None))
            return
        if record.idle_since is None:
            record = dataclasses.replace(record, idle_since=now)
            await self._save_partition(record)
        spent = record.single_job and record.used
        if spent or unpaid or now - record.idle_since >= self.settings.idle_timeout:  # type: ignore[operator]
            seen = await gate.delete_partition(record.id)
            reason = "its job ended" if spent else unpaid or f"idle for {self.settings.idle_timeout:g} s"
            logger.info("partition %s on %s deleted: %s", record.id, record.site, reason)
            await self._save_partition(
                dataclasses.replace(record, state=seen.state, state_details=f"deleted: {reason}")
            )


def _slots(
    record: PartitionRecord,
    *,
    cpus: int,
    mem: int,
    gpus: int,
    disk: int,
    available: float,
    running: list[Job],
    default_time_limit: int,
) -> list[scheduler.NodeSlot]:
    """The partition's nodes, with its running jobs spread over them first-fit."""
    loads: list[list[scheduler.Running]] = [[] for _ in range(record.count)]
    free = [[cpus, mem, gpus] for _ in range(record.count)]
    for job in running:
        request = job.request
        end = (job.start_time or 0.0) + min(request.time_limit or default_time_limit, scheduler.MAX_DURATION)
        placed = 0
        for index in range(record.count):
            if placed == request.nodes:
                break
            if free[index][0] >= request.cpus and free[index][1] >= request.mem and free[index][2] >= request.gpus:
                free[index][0] -= request.cpus
                free[index][1] -= request.mem
                free[index][2] -= request.gpus
                loads[index].append(scheduler.Running(end, request.cpus, request.mem, request.gpus))
                placed += 1
    return [
        scheduler.NodeSlot(
            id=f"{record.id}:{index}",
            site=record.site,
            flavor=record.flavor,
            partition_id=record.id,
            cpus=cpus,
            mem=mem,
            gpus=gpus,
            disk=disk,
            price=record.price,
            available_at=available,
            running=tuple(loads[index]),
            label=f"{record.site}/{record.node_names[index] if index < len(record.node_names) else index}",
        )
        for index in range(record.count)
    ]


def _container_image(image: str, gate: Gate) -> str:
    """A job's ``container-image`` when its site's container runtime has that image; empty otherwise
    (the job then runs on the site's system, as its comment says)."""
    offered = gate.offer.images if gate.offer else []
    return image if any(i.name == image and i.kind == "container" for i in offered) else ""


def _environment(job: Job) -> dict[str, str]:
    """What the core adds to a job's environment; a task of an array learns its task and array IDs."""
    env = {"SWM_JOBID": job.id, "SKYPORT_JOB_ID": job.id, "SKYPORT_USER": job.owner}
    if job.array_id is not None:
        for prefix in ("SKYPORT", "SLURM"):  # SLURM_ for scripts written for sbatch --array
            env[f"{prefix}_ARRAY_TASK_ID"] = str(job.array_task)
            env[f"{prefix}_ARRAY_JOB_ID"] = job.array_id
    return env


def _throttle(pending: list[Job], jobs: list[Job]) -> tuple[list[Job], list[scheduler.Placement]]:
    """The pending jobs the scheduler may place, and a placement saying why for each task held back.

    An array with a throttle (``%N``) has at most N tasks started (W, R or T); of its pending tasks
    only as many as make up N go to the scheduler, lowest task IDs first.
    """
    limits: dict[str, int] = {}
    for job in pending:
        if job.array_id is not None and job.array_id not in limits:
            limits[job.array_id] = scripts.array_tasks(job.request.array)[1]
    if not any(limits.values()):
        return pending, []
    started: dict[str, int] = {}
    for job in jobs:
        if job.array_id in limits and job.state in (JobState.WAITING, JobState.RUNNING, JobState.TRANSFERRING):
            started[job.array_id] = started.get(job.array_id, 0) + 1
    room = {array_id: limit - started.get(array_id, 0) for array_id, limit in limits.items() if limit}
    ready: list[Job] = []
    held: list[scheduler.Placement] = []
    for job in sorted(pending, key=lambda j: j.array_task or 0):
        if job.array_id not in room or job.state == JobState.WAITING:
            ready.append(job)
        elif room[job.array_id] > 0:
            room[job.array_id] -= 1
            ready.append(job)
        else:
            limit = limits[job.array_id]
            reason = (
                f"held by the array's throttle: at most {limit} of its tasks run at once; "
                f"{started.get(job.array_id, 0)} are running"
            )
            held.append(scheduler.Placement(job_id=job.id, placed=False, start_time=None, reason=reason))
    return ready, held


def _chunks(items: list[T]) -> list[list[T]]:
    """``items`` in lists of at most BATCH, the most one batch call of the gate API takes."""
    return [items[i : i + BATCH] for i in range(0, len(items), BATCH)]


def _started_or_refused(gate: Gate, answer: StartAnswer) -> GateJob | GateError:
    """The job a start_jobs answer started, or the refusal as start_job would have raised it."""
    if answer.job is not None and answer.status in (200, 201):
        return answer.job
    detail = answer.problem.detail or answer.problem.title if answer.problem else ""
    return GateError(gate.name, f"start job {answer.id}: {detail or 'refused'} (HTTP {answer.status})", answer.status)


def _has_partition_coming(job: Job, partitions: dict[str, PartitionRecord]) -> bool:
    """Whether a partition created for this waiting job is still on its way."""
    record = partitions.get(job.partition_id or "")
    return job.state == JobState.WAITING and record is not None and record.state == "creating"


def _timestamp(value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, str):
        return dt.datetime.fromisoformat(value).timestamp()
    assert isinstance(value, dt.datetime)
    return value.timestamp()


def _run_fields(seen: GateJob) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    if seen.node_names:
        fields["node_names"] = tuple(seen.node_names)
    if seen.node_ips:
        fields["node_ips"] = tuple(seen.node_ips)
    started = _timestamp(seen.started_at)
    if started is not None:
        fields["start_time"] = started
    return fields


def _end_fields(seen: GateJob) -> dict[str, Any]:
    fields = _run_fields(seen)
    fields["end_time"] = _timestamp(seen.ended_at) or time.time()
    fields["exitcode"] = seen.exitcode
    fields["signal"] = seen.signal
    fields["max_rss"] = seen.max_rss
    return fields
