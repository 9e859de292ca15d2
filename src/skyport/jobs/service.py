"""The job service: the only code that writes job rows.

API handlers call the user-facing functions (submit, cancel, requeue, reads); the scheduling
loop calls :meth:`JobService.change` and :meth:`JobService.update` for the lifecycle. Every state
change goes through :func:`skyport.jobs.states.transition`, which records the reason.

Being the only writer, the service also keeps the active jobs (those the loop still acts on) in
memory, read from the store once when it starts: every write goes to the store first, and the
copy in memory changes only once the store has taken it, so the store stays the truth.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import math
import os
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, BinaryIO

import sqlalchemy as sa
from skyport_gate_sdk.files import check_name

from skyport import scheduler
from skyport.accounting.budgets import money
from skyport.accounting.service import AccountService
from skyport.errors import (
    BadRequest,
    Conflict,
    Forbidden,
    ImpossibleRequest,
    JobChanged,
    JobNotFound,
    NotFound,
    TooLarge,
)
from skyport.jobs import events as job_events
from skyport.jobs import script as scripts
from skyport.jobs.events import Credential, EventHub, Feed, JobEvent
from skyport.jobs.files import InputSource, JobFiles
from skyport.jobs.record import Job
from skyport.jobs.states import ACTIVE, PENDING, TERMINAL, JobState, Transition, transition
from skyport.sites.registry import SiteRegistry
from skyport.store import Store
from skyport.store import events as event_queries
from skyport.store import jobs as queries

logger = logging.getLogger(__name__)
_CANCEL_ATTEMPTS = 5
REASONS_PER_PASS = 1000  # reason events recorded by one scheduling pass at most
_TASK_STEP = 1e-5  # seconds between the submit times of an array's tasks


def demand(job_id: str, owner: str, submit_time: float, request: scripts.JobRequest) -> scheduler.JobDemand:
    """What the scheduler needs to know of a job."""
    return scheduler.JobDemand(
        id=job_id,
        owner=owner,
        submit_time=submit_time,
        cpus=request.cpus,
        mem=request.mem,
        gpus=request.gpus,
        disk=request.disk,
        nodes=request.nodes,
        time_limit=request.time_limit,
        priority=request.priority,
        sites=request.sites,
        flavors=(request.flavor,) if request.flavor else (),
        depends_on=request.depends_on,
        max_price=request.max_price,
    )


class JobService:
    """Submit, read and change jobs."""

    def __init__(
        self,
        store: Store,
        files: JobFiles,
        sites: SiteRegistry,
        accounts: AccountService,
        events: EventHub,
        *,
        owner: str,
        max_upload: int,
        max_time_limit: int,
        default_time_limit: int,
    ) -> None:
        self.store = store
        self.files = files
        self.sites = sites
        self.accounts = accounts
        self.events = events  # told of every event written, for the open event streams
        self._told: dict[str, str] = {}  # job ID -> the waiting reason its last reason event gave
        self.owner = owner  # the daemon's owner; only they may submit a script by path
        self.max_upload = max_upload
        self.max_time_limit = max_time_limit  # seconds; a longer #SWM time is refused
        self.default_time_limit = default_time_limit  # seconds planned for a job that gives no time limit
        self.wake: Callable[[], None] = lambda: None  # set by the loop that acts on changes
        self.written: Callable[[Job], None] = lambda job: None  # set by the loop: told of every job written
        # Told of every job written, as it was (None: not active) and as it is now; set by the metrics.
        self.changed: Callable[[Job | None, Job], None] = lambda before, after: None
        self._active = {job.id: job for job in store.call(queries.active_jobs)}

    def active_jobs(self) -> list[Job]:
        """Every job not yet ended, plus ended runs a gate may still hold files or processes of,
        oldest first: what :func:`skyport.store.jobs.active_jobs` reads, without reading it."""
        return sorted(self._active.values(), key=lambda job: (job.submit_time, job.id))

    def active(self) -> Iterable[Job]:
        """The active jobs in no order (a view: for reading at once, not across an ``await``)."""
        return self._active.values()

    def _stored(self, job: Job) -> Job:
        """Take ``job``, just written to the store, into the active jobs (or out of them), and tell
        :attr:`written` and :attr:`changed` of it; returns it."""
        self.changed(self._active.get(job.id), job)
        if job.state in ACTIVE or not job.gate_done:
            self._active[job.id] = job
        else:
            self._active.pop(job.id, None)
        self.written(job)
        return job

    # -- user-facing ------------------------------------------------------------------------------

    async def submit(
        self, user: str, script: bytes | None, inputs: Sequence[tuple[str, BinaryIO]], path: str | None = None
    ) -> Job:
        """Parse, check and store a new job with its input files (open files, copied in chunks); it starts in Q.

        A script with an ``array`` directive stores one job per task, all in one transaction, and
        returns the first; its ``array_id`` names the array.
        """
        admitted, staged = await self._checked(user, script, inputs, path)

        def insert(connection: sa.Connection) -> tuple[list[Job], list[JobEvent]]:
            new = admitted(connection)
            return new, queries.insert_jobs(connection, new)

        if staged:  # refused before its inputs are copied in, and stored only once they are
            new = await self.store.run(admitted)
            await asyncio.to_thread(self.files.store_inputs, [job.id for job in new], staged)
        # Checked and stored in one transaction, with the submissions made meanwhile (group commit).
        new, submitted = await self.store.grouped(insert)
        for job in new:
            self._stored(job)
        self.events.publish(submitted)
        if new[0].array_id:
            logger.info("array %s of %d tasks submitted by %s: %s", new[0].array_id, len(new), user, new[0].name)
        else:
            logger.info("%s submitted by %s: %s", new[0].id, user, new[0].name)
        self.wake()
        return new[0]

    async def dry_run(self, user: str, script: bytes | None, inputs: Sequence[tuple[str, BinaryIO]]) -> list[Job]:
        """The jobs submitting ``script`` would store (one, or an array's tasks in task order), after the
        same checks; nothing is stored."""
        admitted, _ = await self._checked(user, script, inputs, None)
        return await self.store.run(admitted)

    async def _checked(
        self, user: str, script: bytes | None, inputs: Sequence[tuple[str, BinaryIO]], path: str | None
    ) -> tuple[Callable[[sa.Connection], list[Job]], list[tuple[str, InputSource]]]:
        """A submission checked, but for what the store knows, and its input files read: the function
        that checks the rest (the account charged and its budgets) in a store transaction and
        returns the jobs to store, and the input files; refusals raise, nothing is stored."""
        if path is not None:
            script = await asyncio.to_thread(self._read_local_script, user, path)
        if script is None:
            raise BadRequest("no job script: send it as the multipart field script_content (or ?path= on the host)")
        text = scripts.decode(script)
        request = scripts.parse(text, max_time_limit=self.max_time_limit)
        size = len(script) + sum(data.seek(0, os.SEEK_END) for _, data in inputs)
        if size > self.max_upload:
            raise TooLarge(f"the submission is {size} bytes; the daemon accepts at most {self.max_upload}")
        tasks, _ = scripts.array_tasks(request.array) if request.array else ((), 0)
        if len(script) * len(tasks) > self.max_upload:
            raise TooLarge(
                f"an array stores its script once per task: {len(tasks)} tasks x {len(script)} bytes is more "
                f"than the {self.max_upload} bytes the daemon accepts; use fewer tasks or a shorter script"
            )
        # Reading and copying input files goes to a thread; a job with none (most) skips both trips.
        staged = (
            await asyncio.to_thread(self._collect_inputs, user, request, inputs) if inputs or request.inputs else []
        )
        self._check_possible(request)
        await self._check_user(user, request)
        await self._check_dependencies(user, request.depends_on)
        cheapest = scheduler.cheapest_fit(demand("new", user, 0.0, request), self.sites.site_offers({}))
        ids = [str(uuid.uuid4()) for _ in tasks or [None]]
        array_id = str(uuid.uuid4()) if tasks else None

        def admitted(connection: sa.Connection) -> list[Job]:
            """The new jobs, once the account they are charged to and its budgets allow them."""
            account = self.accounts.account_for(connection, user, request.account)
            self._check_budgets(connection, user, account.name, request, cheapest)
            now = time.time()
            return [
                Job(
                    id=job_id,
                    owner=user,
                    account=account.name,
                    script=text,
                    request=request,
                    # Tasks a step apart, so the scheduler and the listings take them in task order.
                    submit_time=now + position * _TASK_STEP,
                    input_files=tuple(name for name, _ in staged),
                    state_details="queued: waiting for the scheduler",
                    array_id=array_id,
                    array_task=task,
                )
                for position, (job_id, task) in enumerate(zip(ids, tasks or [None], strict=True))
            ]

        return admitted, staged

    def _read_local_script(self, user: str, path: str) -> bytes:
        if user != self.owner:
            raise Forbidden(f"only the daemon's owner ({self.owner}) may submit a script by path; upload it instead")
        file = Path(path).expanduser()
        if not file.is_file():
            raise BadRequest(f"no job script at {file} on the daemon's host")
        return file.read_bytes()

    def _collect_inputs(
        self, user: str, request: scripts.JobRequest, uploaded: Sequence[tuple[str, BinaryIO]]
    ) -> list[tuple[str, InputSource]]:
        files: dict[str, InputSource] = {}
        for filename, data in uploaded:
            name = check_name(Path(filename).name, "input file name")
            if name in files:
                raise BadRequest(f"two input files are called {name!r}; input names must be unique")
            files[name] = data
        for declared in request.inputs:
            name = scripts.check_input_path(declared)
            if name in files:
                continue
            local = Path(declared).expanduser()
            if user == self.owner and local.is_absolute() and local.is_file():
                files[name] = local
                continue
            raise BadRequest(f"input {declared!r} is declared in the script but was not uploaded with it")
        return list(files.items())

    def _check_possible(self, request: scripts.JobRequest) -> None:
        """Refuse what no configured site could ever run, naming what is impossible."""
        for name in request.sites:
            if self.sites.get(name) is None:
                known = ", ".join(gate.name for gate in self.sites)
                raise BadRequest(f"site {name!r} is not configured; configured sites: {known}")
        allowed = [gate for gate in self.sites if not request.sites or gate.name in request.sites]
        offers = [gate.offer for gate in allowed if gate.offer is not None]
        if request.flavor and not any(f.name == request.flavor for offer in offers for f in offer.flavors):
            names = sorted({f.name for offer in offers for f in offer.flavors})
            raise BadRequest(f"flavor {request.flavor!r} is not offered by the allowed sites; offered: {names}")
        if request.image and not any(i.name == request.image for offer in offers for i in offer.images):
            names = sorted({i.name for offer in offers for i in offer.images})
            raise BadRequest(f"image {request.image!r} is not offered by the allowed sites; offered: {names}")
        if not offers:
            return  # no gate has answered yet: the scheduler will say why the job waits
        reason = scheduler.impossible_reason(demand("new", "", 0.0, request), self.sites.site_offers({}))
        if reason:
            raise ImpossibleRequest(reason)

    def _check_budgets(
        self,
        connection: sa.Connection,
        user: str,
        account: str,
        request: scripts.JobRequest,
        cheapest: tuple[float, str, str] | None,
    ) -> None:
        """Refuse a job whose worst case on the ``cheapest`` flavor that fits (price, site, flavor) is
        more than a whole budget it draws on: it could never start."""
        if cheapest is None:
            return
        limit = min(request.time_limit or self.default_time_limit, scheduler.MAX_DURATION)
        worst = cheapest[0] * limit / 3600.0
        for budget in self.accounts.budgets_of(connection, account, user):
            if worst > budget.amount:
                raise ImpossibleRequest(
                    f"this job may cost up to {money(worst)} ({cheapest[2]} on {cheapest[1]} for its time limit), "
                    f"more than the whole budget of {budget.label}, {money(budget.amount)} per {budget.period.value}; "
                    "ask for less time or fewer nodes, or charge another account"
                )

    async def _check_user(self, user: str, request: scripts.JobRequest) -> None:
        """Refuse a job that no allowed site can run as its user, with each site's fix."""
        allowed = [gate for gate in self.sites if not request.sites or gate.name in request.sites]
        problems = await asyncio.gather(*(gate.user_problem(user) for gate in allowed))
        if allowed and all(problems):
            raise BadRequest("; ".join(problems))

    async def _check_dependencies(self, user: str, depends_on: Sequence[str]) -> None:
        """Refuse a dependency that is not one of ``user``'s jobs."""
        if not depends_on:
            return
        stored = [job_id for job_id in depends_on if job_id not in self._active]
        owned = await self.store.run(queries.owned_job_ids, user, stored) if stored else set()
        for job_id in depends_on:
            active = self._active.get(job_id)
            if job_id not in owned and (active is None or active.owner != user):
                raise BadRequest(f"depends on job {job_id}, which does not exist")

    async def states(self, job_ids: Sequence[str]) -> dict[str, JobState]:
        """The state of each of ``job_ids`` that exists: from memory for active jobs, else from the store."""
        states = {job_id: self._active[job_id].state for job_id in job_ids if job_id in self._active}
        stored = [job_id for job_id in job_ids if job_id not in states]
        if stored:
            states.update(await self.store.run(queries.job_states, stored))
        return states

    async def get(self, user: str, job_id: str) -> Job:
        try:
            uuid.UUID(job_id)
        except ValueError:
            raise BadRequest(f"{job_id!r} is not a job id: job ids are UUIDs, as `skyport jobs` lists them") from None
        job = await self.store.run(queries.get_job, job_id, user)
        if job is None and await self.is_array(user, job_id):
            raise NotFound(f"{job_id} is a job array, not a job: list its tasks with GET /user/job?array={job_id}")
        if job is None:
            raise JobNotFound(job_id)
        return job

    async def list_jobs(
        self, user: str, wanted: queries.Filter = queries.EVERY_JOB, limit: int | None = None, before: str | None = None
    ) -> list[Job]:
        """The user's jobs newest first; with ``before`` (a job ID), those listed after that job."""
        if before is None:
            return await self.store.run(queries.list_jobs, user, wanted, limit)

        def page(connection: Any) -> list[Job] | None:
            last = queries.get_job(connection, before, user)
            return None if last is None else queries.list_jobs(connection, user, wanted, limit, last)

        jobs = await self.store.run(page)
        if jobs is None:
            raise BadRequest(
                f"before={before!r} is not one of your jobs; pass the ID of the last job of the previous page"
            )
        return jobs

    async def log(self, user: str, job_id: str, stream: str, offset: int = 0) -> bytes:
        """What the job wrote to ``stream`` so far: live from the gate while it runs."""
        job = await self.get(user, job_id)
        gate = self.sites.get(job.site or "")
        if job.state == JobState.RUNNING and gate is not None:
            return await gate.log(job.gate_job_id, stream, offset)
        return await asyncio.to_thread(self.files.read_log, job.id, stream, offset)

    async def files_of(self, user: str, job_id: str) -> list[tuple[str, int, str]]:
        job = await self.get(user, job_id)
        return await asyncio.to_thread(self.files.listing, job.id)

    async def file(self, user: str, job_id: str, name: str) -> bytes | None:
        job = await self.get(user, job_id)
        path = await asyncio.to_thread(self.files.find, job.id, name)
        return None if path is None else await asyncio.to_thread(path.read_bytes)

    async def cancel(self, user: str, job_id: str) -> Job:
        """Move the job to C; the loop then stops what runs on the gate.

        The loop may move the job on (Q to R, say) between reading it and cancelling it: then the
        cancel is made again from the job as it is now.
        """
        for _ in range(_CANCEL_ATTEMPTS):
            job = await self.get(user, job_id)
            if job.state in TERMINAL:
                raise Conflict(f"job {job_id} already ended in state {job.state.value}; nothing to cancel")
            try:
                job = await self.change(job, JobState.CANCELLED, f"cancelled by {user}", end_time=time.time())
            except JobChanged:
                continue
            self.wake()
            return job
        raise JobChanged(job_id)

    async def is_array(self, user: str, array_id: str) -> bool:
        """Whether ``array_id`` is the ID of a job array of ``user``'s."""
        return await self.store.run(queries.array_owned, array_id, user)

    async def cancel_array(self, user: str, array_id: str) -> int:
        """Cancel the tasks of array ``array_id`` not yet ended; how many. Conflict when none is left.

        The pending ones at once, in one transaction; the started ones (few: they hold resources)
        one by one, so that each records what its run cost.
        """
        if not await self.is_array(user, array_id):
            raise JobNotFound(array_id)
        reason = f"cancelled by {user}"
        cancelled = await self._cancel_pending(user, reason, array_id=array_id)
        started = [
            job.id
            for job in self._active.values()
            if job.array_id == array_id and job.owner == user and job.state in ACTIVE - PENDING
        ]
        for job_id in started:
            with contextlib.suppress(Conflict):  # it ended meanwhile
                await self.cancel(user, job_id)
                cancelled += 1
        if not cancelled:
            raise Conflict(f"array {array_id} has no task left to cancel: all of them ended")
        return cancelled

    async def cancel_all_of(self, user: str, reason: str, *, submitted_before: float) -> int:
        """Cancel the queued and waiting jobs ``user`` submitted before then, for ``reason``; how many."""
        return await self._cancel_pending(user, reason, submitted_before=submitted_before)

    async def _cancel_pending(self, user: str, reason: str, **where: Any) -> int:
        """Cancel ``user``'s pending jobs that ``where`` selects (see :func:`queries.cancel_pending`)
        in one transaction, then take the change into the active jobs; how many."""
        steps = await self.store.run(queries.cancel_pending, user, reason, **where)
        for step in steps:
            if (job := self._active.get(step.job_id)) is not None:
                self._stored(dataclasses.replace(job, state=JobState.CANCELLED, state_details=reason, end_time=step.at))
        self.events.publish(steps)
        if steps:
            logger.info("%d jobs of %s cancelled: %s", len(steps), user, reason)
            self.wake()
        return len(steps)

    async def requeue(self, user: str, job_id: str) -> Job:
        """Put an ended job back to Q as a new run with the same script and inputs; what its runs so far
        cost stays in its cost."""
        job = await self.get(user, job_id)
        if job.state not in TERMINAL:
            raise Conflict(f"job {job_id} is in state {job.state.value}; only F, E or C jobs can be requeued")
        if not job.gate_done:
            raise Conflict(f"job {job_id} is still being cleaned up on site {job.site}; try again in a moment")
        await asyncio.to_thread(self.files.clear_results, job.id)
        job = await self.change(
            job,
            JobState.QUEUED,
            f"requeued by {user}",
            earlier_cost=job.cost(job.end_time or time.time()),
            earlier_cpu_time=job.cpu_time(job.end_time or time.time()),
            attempt=job.attempt + 1,
            site=None,
            partition_id=None,
            flavor=None,
            price=0.0,
            start_time=None,
            end_time=None,
            exitcode=None,
            signal=None,
            node_names=(),
            node_ips=(),
            max_rss=None,
            gate_done=False,
        )
        self.wake()
        return job

    async def tell_reasons(self, reasons: Mapping[str, str]) -> int:
        """Record an event (kind reason) for each queued job whose waiting reason in ``reasons`` (by job
        ID) differs from what its last one said; at most REASONS_PER_PASS at a time, the others at
        the next call. How many were recorded."""
        for job_id in [job_id for job_id in self._told if job_id not in reasons]:
            del self._told[job_id]  # started, ended or gone: its next wait is news again
        now = time.time()
        rows, told = [], {}
        for job_id, reason in reasons.items():
            job = self._active.get(job_id)
            if job is not None and job.state == JobState.QUEUED and reason and self._told.get(job_id) != reason:
                rows.append(job_events.row(job, job.state, reason, now))
                told[job_id] = reason
                if len(rows) == REASONS_PER_PASS:
                    break
        if rows:
            self.events.publish(await self.store.run(event_queries.record, rows))
            self._told.update(told)  # once stored: a failed write is tried again at the next pass
        return len(rows)

    async def open_events(
        self,
        user: str,
        *,
        everyone: bool,
        job_id: str | None,
        after: int | None,
        tail: int,
        follow: bool,
        credentials: frozenset[Credential] = frozenset(),
        expires: float = math.inf,
    ) -> Feed:
        """The events of ``user``'s jobs (``everyone``'s: the daemon's owner only), or of one of them,
        after event ``after`` or else the last ``tail`` stored; with ``follow``, then those that happen.
        ``credentials``: what the request came with; revoking one of them ends the stream, and so
        does their expiry at ``expires``.

        The stream is open in the hub before the store is read, so nothing written meanwhile is
        missed; the caller closes the feed when its response ends.
        """
        if everyone:
            self.accounts.owner_only(user, "follow everyone's job events")
        if job_id is not None and not everyone:
            await self.get(user, job_id)
        elif job_id is not None and await self.store.run(queries.get_job, job_id) is None:
            raise JobNotFound(job_id)
        owner = None if everyone else user
        stream = self.events.open(user, owner, job_id, credentials)
        try:
            start = after if after is not None else await self.store.run(event_queries.before_last, tail, owner, job_id)
        except BaseException:
            self.events.close(user, stream)
            raise

        async def stored(last: int) -> list[JobEvent]:
            return await self.store.run(event_queries.after, last, owner, job_id, Feed.PAGE)

        return Feed(self.events, user=user, stream=stream, stored=stored, start=start, follow=follow, expires=expires)

    # -- lifecycle (the loop) ---------------------------------------------------------------------

    async def change(
        self, job: Job, target: JobState, reason: str, *, outputs: Sequence[str] = (), **fields: Any
    ) -> Job:
        """Move ``job`` to ``target`` for ``reason``, with other fields changed at the same time;
        ``outputs``: the output files staged back, for the event."""
        if target == job.state:
            return await self.update(job, state_details=reason, **fields)
        step = transition(job.id, job.state, target, reason)
        changed = dataclasses.replace(job, state=target, state_details=reason, **fields)
        event = await self.store.run(queries.save_change, changed, step, expected=job.state, outputs=outputs)
        if event is None:
            raise JobChanged(job.id)
        self.events.publish([event])
        logger.info("%s %s -> %s: %s", job.id, job.state.value, target.value, reason)
        return self._stored(changed)

    async def change_all(self, changes: Sequence[tuple[Job, JobState, str, Mapping[str, Any]]]) -> list[Job]:
        """:meth:`change` of each (job, target, reason, other fields, which may name the ``outputs``
        staged back as :meth:`change` takes them), all in one transaction.

        Those another writer changed first are left as they are, and then JobChanged is raised
        once the others are written.
        """
        rows = []
        for job, target, reason, fields in changes:
            step = transition(job.id, job.state, target, reason) if target != job.state else None
            others = {name: value for name, value in fields.items() if name != "outputs"}
            changed = dataclasses.replace(job, state=target, state_details=reason, **others)
            rows.append((changed, step, job.state, tuple(fields.get("outputs", ()))))
        return await self._save_all(rows)

    async def update_all(self, jobs: Sequence[Job], **fields: Any) -> list[Job]:
        """:meth:`update` of each of ``jobs`` with the same ``fields``, in one transaction; see :meth:`change_all`."""
        return await self._save_all([(dataclasses.replace(job, **fields), None, job.state, ()) for job in jobs])

    async def _save_all(self, rows: list[tuple[Job, Transition | None, JobState, tuple[str, ...]]]) -> list[Job]:
        if not rows:
            return []
        written = await self.store.run(queries.save_jobs, rows)
        self.events.publish([event for _, event in written if event is not None])
        for (job, step, expected, _), (ok, _) in zip(rows, written, strict=True):
            if ok:
                if step is not None:
                    logger.info("%s %s -> %s: %s", job.id, expected.value, job.state.value, job.state_details)
                self._stored(job)
        lost = [job.id for (job, *_), (ok, _) in zip(rows, written, strict=True) if not ok]
        if lost:
            raise JobChanged(lost[0])
        return [job for job, *_ in rows]

    async def update(self, job: Job, **fields: Any) -> Job:
        """Change fields other than the state."""
        changed = dataclasses.replace(job, **fields)
        if changed == job:
            return job
        if not await self.store.run(queries.save_job, changed, expected=job.state):
            raise JobChanged(job.id)
        return self._stored(changed)
