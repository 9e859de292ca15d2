"""TES tasks over the job service: create, read, list and cancel them, and deliver their outputs.

A task is a job with the same ID (skyport.tes.task writes its script): the job service checks,
stores, schedules, charges and cancels it like any other. What only TES has (name, tags, the
document as created, what its outputs delivered) is kept beside it (skyport.store.tes).
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import os
import uuid
from collections.abc import Mapping, Sequence
from typing import Any, BinaryIO

from skyport.errors import BadRequest, Conflict, NotFound, TooLarge
from skyport.jobs.files import JobFiles
from skyport.jobs.record import Job
from skyport.jobs.script import MAX_SCRIPT_BYTES
from skyport.jobs.service import JobService
from skyport.jobs.states import TERMINAL, JobState
from skyport.store import Store
from skyport.store import tes as queries
from skyport.store.tes import TaskRecord
from skyport.tes import task as tasks
from skyport.tes import views
from skyport.tes.states import JOB_STATES, TaskState, task_state
from skyport.tes.storage import Storage, archive_members

logger = logging.getLogger(__name__)

MAX_PAGE = 2047
_SCAN = 4  # pages of jobs read per page of tasks when filters the store cannot apply leave some out


class TaskNotFound(NotFound):
    def __init__(self, task_id: str) -> None:
        super().__init__(f"task {task_id} not found; list your tasks with GET /ga4gh/tes/v1/tasks")


class TaskService:
    """Create, read, list and cancel TES tasks; deliver their outputs once their jobs finish."""

    def __init__(self, store: Store, jobs: JobService, files: JobFiles, storage: Storage) -> None:
        self.store = store
        self.jobs = jobs
        self.files = files
        self.storage = storage

    async def create(self, user: str, task: Mapping[str, Any]) -> str:
        """Store ``task`` (valid against spec/tes.yaml) as a job of ``user``'s; its ID."""
        tags = task.get("tags") or {}
        for key in tags:
            if not key or len(key) > tasks.MAX_TAG_KEY:
                raise BadRequest(f"tag name {key[:40]!r}... must be 1 to {tasks.MAX_TAG_KEY} characters")
        for index, output in enumerate(task.get("outputs") or []):
            self.storage.check(user, output["url"], f"output {index}", output=True)
        plan = tasks.plan(task)
        script = plan.script.encode()
        if len(script) > MAX_SCRIPT_BYTES:
            raise TooLarge(
                f"the task's executors and paths make a job script of {len(script)} bytes; at most "
                f"{MAX_SCRIPT_BYTES} are allowed: shorten the commands or the environment, or put them in an input file"
            )
        inputs = await asyncio.to_thread(self._inputs, user, task.get("inputs") or [])
        try:
            job = await self.jobs.submit(user, script, inputs)
        finally:
            for _, data in inputs:
                data.close()
        record = TaskRecord(
            job_id=job.id,
            owner=user,
            name=task.get("name") or "",
            tags=dict(tags),
            document=_document(task),
            notes=plan.notes,
        )
        await self.store.run(queries.insert_task, record)
        return job.id

    def _inputs(self, user: str, inputs: Sequence[Mapping[str, Any]]) -> list[tuple[str, BinaryIO]]:
        """Each input as an open file named for the job, content first, else fetched from its URL."""
        opened: list[tuple[str, BinaryIO]] = []
        total = 0
        try:
            for index, item in enumerate(inputs):
                name = tasks.input_name(index)
                if item.get("content"):
                    opened.append((name, io.BytesIO(item["content"].encode())))
                elif item.get("url"):
                    opened.append((name, self.storage.fetch(user, item["url"], tasks.is_directory(item))))
                elif "content" in item:
                    opened.append((name, io.BytesIO(b"")))
                else:
                    raise BadRequest(f"input {index} ({item['path']}) has neither content nor url; give one")
                total += opened[-1][1].seek(0, os.SEEK_END)
                opened[-1][1].seek(0)
                if total > self.storage.max_size:  # stop fetching: the job service would refuse them all
                    raise TooLarge(
                        f"the task's inputs up to input {index} are {total} bytes; a task may bring at most "
                        f"{self.storage.max_size} (max_upload) in all"
                    )
        except BaseException:
            for _, data in opened:
                data.close()
            raise
        return opened

    async def get(self, user: str, task_id: str, view: str) -> dict[str, Any]:
        found = await self.store.run(queries.get_task, task_id, user) if _is_id(task_id) else None
        if found is None:
            raise TaskNotFound(task_id)
        return await self._view(*found, view)

    async def list_tasks(
        self,
        user: str,
        *,
        view: str,
        name_prefix: str | None,
        state: str | None,
        tags: Mapping[str, str],
        page_size: int,
        page_token: str | None,
    ) -> tuple[list[dict[str, Any]], str | None]:
        """One page of ``user``'s tasks, newest first, and the token of the next page (None on the last)."""
        wanted = TaskState(state) if state else None
        job_states = JOB_STATES[wanted] if wanted else ()
        if wanted is not None and not job_states:
            return [], None  # a state no task is ever in
        after = await self._page_start(user, page_token)
        shown: list[dict[str, Any]] = []
        while True:
            batch = await self.store.run(
                queries.list_tasks,
                user,
                name_prefix=name_prefix,
                states=job_states,
                limit=page_size * _SCAN,
                after=after,
            )
            for job, record in batch:
                if len(shown) == page_size:  # a full page, and more tasks after it
                    assert after is not None
                    return shown, after.id
                after = job
                if not _tags_match(record.tags, tags):
                    continue
                view_of = await self._view(job, record, view)
                if wanted is None or view_of["state"] == wanted.value:
                    shown.append(view_of)
            if len(batch) < page_size * _SCAN:
                return shown, None

    async def _page_start(self, user: str, token: str | None) -> Job | None:
        if token is None:
            return None
        found = await self.store.run(queries.get_task, token, user) if _is_id(token) else None
        if found is None:
            raise BadRequest(f"page_token {token!r} is not one this server gave you; start again without it")
        return found[0]

    async def cancel(self, user: str, task_id: str) -> None:
        """Cancel the task's job; a task that has already ended is left as it is."""
        found = await self.store.run(queries.get_task, task_id, user) if _is_id(task_id) else None
        if found is None:
            raise TaskNotFound(task_id)
        if found[0].state in TERMINAL:
            return
        with contextlib.suppress(Conflict):  # it ended meanwhile: nothing to cancel, as above
            await self.jobs.cancel(user, task_id)

    async def _view(self, job: Job, record: TaskRecord, view: str) -> dict[str, Any]:
        seen = await asyncio.to_thread(self._seen, job, record, view)
        failed = any(run.exit_code != 0 and not _ignores_error(record, run.index) for run in seen.runs)
        delivered = None if record.delivered is None else not record.delivered.get("error")
        state = task_state(job, executor_failed=failed, delivered=delivered)
        return views.task(job, record, state, view, seen)

    def _seen(self, job: Job, record: TaskRecord, view: str) -> views.Seen:
        """What the job left that ``view`` shows (blocking: reads its files)."""
        if view == "MINIMAL" and job.state != JobState.ERROR:
            return views.Seen()
        log = self.files.find(job.id, tasks.EXECUTORS_LOG)
        runs = tuple(views.parse_executor_log(log.read_text(errors="replace"))) if log else ()
        if view != "FULL":
            return views.Seen(runs)
        tails = {}
        for run in runs:
            for stream in ("stdout", "stderr"):
                path = self.files.find(job.id, tasks.log_name(run.index, stream))
                if path is not None:
                    with path.open("rb") as f:
                        f.seek(max(0, f.seek(0, 2) - views.TAIL))
                        tails[(run.index, stream)] = f.read().decode(errors="replace")
        contents = {}
        for index, item in enumerate(record.document.get("inputs") or []):
            if item.get("has_content"):
                path = self.files.find(job.id, tasks.input_name(index))
                contents[index] = path.read_text(errors="replace") if path else ""
        return views.Seen(runs, tails, contents)

    # -- outputs ----------------------------------------------------------------------------------

    async def deliver_outputs(self, interval: float) -> None:
        """Forever: deliver the outputs of tasks whose jobs have finished, every ``interval`` seconds."""
        while True:
            try:
                for job, record in await self.store.run(queries.undelivered):
                    delivered = await asyncio.to_thread(self._deliver, job, record)
                    await self.store.run(queries.set_delivered, job.id, delivered)
                    logger.info("%s: task outputs delivered: %s", job.id, delivered.get("error") or "all")
            except Exception:  # the store is down, say: tried again next time, as the loop does
                logger.exception("TES outputs not delivered this time")
            await asyncio.sleep(interval)

    def _deliver(self, job: Job, record: TaskRecord) -> dict[str, Any]:
        """Put each output where its URL says; the file logs, and the first error (None when there was none)."""
        files: list[dict[str, str]] = []
        for index, output in enumerate(record.document.get("outputs") or []):
            staged = self.files.find(job.id, tasks.output_name(index))
            if staged is None:
                return {"files": files, "error": f"output {output['path']} was not there when the executors ended"}
            try:
                files += self._put(output, staged)
            except Exception as exc:  # any failure of the storage is the task's SYSTEM_ERROR, said in its log
                logger.warning("%s: output %s not delivered: %s", job.id, output["url"], exc)
                return {"files": files, "error": f"output {output['path']} could not be put at {output['url']}: {exc}"}
        return {"files": files, "error": None}

    def _put(self, output: Mapping[str, Any], staged: Any) -> list[dict[str, str]]:
        if not tasks.archived(output):
            with staged.open("rb") as source:
                self.storage.put(output["url"], source)
            return [{"url": output["url"], "path": output["path"], "size_bytes": str(staged.stat().st_size)}]
        base = output["url"].rstrip("/")
        inside: str = output.get("path_prefix") or "" if tasks.is_wildcard(output) else output["path"]
        logs = []
        for relative, content, size in archive_members(staged):
            url = f"{base}/{relative}"
            self.storage.put(url, content)
            logs.append({"url": url, "path": f"{inside.rstrip('/')}/{relative}", "size_bytes": str(size)})
        return logs


def _document(task: Mapping[str, Any]) -> dict[str, Any]:
    """The task as stored: without read-only fields, inputs' content replaced by a mark that it was given."""
    document = {k: v for k, v in task.items() if k not in ("id", "state", "logs", "creation_time")}
    inputs = []
    for item in task.get("inputs") or []:
        kept = {k: v for k, v in item.items() if k != "content"}
        if "content" in item:
            kept["has_content"] = True
        inputs.append(kept)
    if inputs:
        document["inputs"] = inputs
    resources = document.get("resources")
    if resources and resources.get("backend_parameters"):
        known = {k: v for k, v in resources["backend_parameters"].items() if k.lower() in tasks.BACKEND_PARAMETERS}
        document["resources"] = {**resources, "backend_parameters": known}
    return document


def _ignores_error(record: TaskRecord, index: int) -> bool:
    executors = record.document.get("executors") or []
    return index < len(executors) and bool(executors[index].get("ignore_error"))


def _tags_match(tags: Mapping[str, str], wanted: Mapping[str, str]) -> bool:
    """TES's tag filter: every wanted tag is there, with the wanted value unless that is empty."""
    return all(key in tags and (not value or tags[key] == value) for key, value in wanted.items())


def _is_id(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True
