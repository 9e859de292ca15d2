"""Handlers for the ``jobs`` tag."""

from __future__ import annotations

import datetime as dt
import time
import urllib.parse
from typing import Any, BinaryIO

from starlette.datastructures import UploadFile

from skyport.core import views
from skyport.core.context import core, user
from skyport.errors import BadRequest, NotFound
from skyport.jobs.states import JobState
from skyport.store.jobs import Filter

Result = tuple[Any, int] | tuple[Any, int, dict[str, str]]
PAGE = 100  # jobs in a listing when the request names no limit, as in spec/core-terminal.yaml


async def submit_job(
    script_content: UploadFile | None = None,
    input_files: list[UploadFile] | None = None,
    path: str | None = None,
    body: dict[str, Any] | None = None,
) -> Result:
    script, inputs = await _form(script_content, input_files, body)
    job = await core().jobs.submit(user(), script, inputs, path)
    if job.array_id is not None:  # the answer names the array; its tasks are listed by ?array=
        return job.array_id.encode(), 200, {"Location": f"/user/job?array={job.array_id}"}
    return job.id.encode(), 200, {"Location": f"/user/job/{job.id}"}


async def dry_run(
    script_content: UploadFile | None = None,
    input_files: list[UploadFile] | None = None,
    body: dict[str, Any] | None = None,
) -> Result:
    running = core()
    script, inputs = await _form(script_content, input_files, body)
    tasks = await running.jobs.dry_run(user(), script, inputs)
    wave, snapshot = await running.loop.dry_run(tasks)
    typical = await running.usage.typical_run(tasks[0].owner, running.settings.default_time_limit)
    return views.dry_run(tasks, wave, snapshot, running.settings.default_time_limit, typical), 200


async def _form(
    script_content: UploadFile | None, input_files: list[UploadFile] | None, body: dict[str, Any] | None
) -> tuple[bytes | None, list[tuple[str, BinaryIO]]]:
    """The script and the input files of a submission's multipart form."""
    # A part without a filename is a form field, not a file: connexion hands it over in ``body``.
    # Sky Port's swmclient sends the script that way; input files must be files.
    fields = body or {}
    if "input_files" in fields:
        raise BadRequest("input_files was sent as a text field; send each input file as a part with a filename")
    field = fields.get("script_content")
    script = await script_content.read() if script_content is not None else field.encode() if field else None
    # Uploads are spooled to temporary files as they arrive; the service copies them in chunks.
    return script, [(upload.filename or "", upload.file) for upload in input_files or []]


async def list_jobs(
    *,
    state: list[str] | None = None,
    limit: int = PAGE,
    before: str | None = None,
    name: str | None = None,
    since: str | None = None,
    array: str | None = None,
    task: int | None = None,
) -> Result:
    running = core()
    now = time.time()
    wanted = Filter(
        states=tuple(JobState(s) for s in state or ()),
        name=name,
        since=_time(since, "since") if since is not None else None,
        array_id=array,
        array_task=task,
    )
    # One job more than asked for says whether a next page follows.
    jobs = await running.jobs.list_jobs(user(), wanted, limit + 1, before)
    body = [views.job(job, running.loop.timetable.for_job(job.id), running.loop.nodes, now) for job in jobs[:limit]]
    if len(jobs) <= limit:
        return body, 200
    given = {"state": ",".join(state) if state else None, "name": name, "since": since, "array": array, "task": task}
    query = {"limit": limit, "before": jobs[limit - 1].id, **{k: v for k, v in given.items() if v is not None}}
    link = f'</user/job?{urllib.parse.urlencode(query, safe=",:")}>; rel="next"'
    return body, 200, {"Link": link, "Content-Type": "application/json"}


def _time(text: str, what: str) -> float:
    """Seconds since the epoch of an ISO 8601 date-time with a time zone (``2026-11-30T12:00:00Z``)."""
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise BadRequest(f"{what}={text!r} is not a date-time with a time zone, such as 2026-11-30T12:00:00Z")
    return moment.timestamp()


async def get_job(jobId: str) -> Result:
    running = core()
    job = await running.jobs.get(user(), jobId)
    return views.job(job, running.loop.timetable.for_job(job.id), running.loop.nodes, time.time()), 200


async def cancel_job(jobId: str) -> Result:
    service = core().jobs
    if await service.is_array(user(), jobId):
        count = await service.cancel_array(user(), jobId)
        return f"array {jobId}: {count} tasks cancelled\n".encode(), 200
    job = await service.cancel(user(), jobId)
    return f"job {job.id} cancelled\n".encode(), 200


async def modify_job(jobId: str) -> Result:
    # connexion validates the `modification` header against the spec; `requeue` is its only value.
    job = await core().jobs.requeue(user(), jobId)
    return f"job {job.id} requeued\n".encode(), 200


async def job_stdout(jobId: str, offset: int = 0) -> Result:
    return await core().jobs.log(user(), jobId, "stdout", offset), 200


async def job_stderr(jobId: str, offset: int = 0) -> Result:
    return await core().jobs.log(user(), jobId, "stderr", offset), 200


async def list_job_files(jobId: str) -> Result:
    files = await core().jobs.files_of(user(), jobId)
    return [{"name": name, "size": size, "kind": kind} for name, size, kind in files], 200


async def download_job_file(jobId: str, name: str) -> Result:
    data = await core().jobs.file(user(), jobId, name)
    if data is None:
        raise NotFound(f"job {jobId} has no file called {name!r}; list them with GET /user/job/{jobId}/files")
    return data, 200
