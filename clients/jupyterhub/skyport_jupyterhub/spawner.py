"""``SkyportSpawner``: start, poll and stop a notebook server as a Skyport job."""

from __future__ import annotations

import asyncio
import datetime as dt
import html
import json
import os
import re
import shlex
import urllib.parse
from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from typing import Any

from jupyterhub import apihandlers
from jupyterhub.apihandlers import APIHandler
from jupyterhub.scopes import needs_scope
from jupyterhub.spawner import Spawner
from jupyterhub.utils import random_port
from skyport_client import ApiError, Client
from skyport_client.api.flavors import list_flavors
from skyport_client.api.jobs import cancel_job, dry_run, get_job, submit_job
from skyport_client.api.remotes import list_remotes
from skyport_client.models import DryRun, Job
from skyport_client.tls import context_from_home
from tornado import web
from traitlets import List, Unicode, default

ENDED = ("F", "E", "C")
PROGRESS = {"Q": 20, "W": 40, "T": 60, "R": 90}  # how far a notebook job in each pending state has come
# The options a user may choose, as #SWM directives; the daemon checks each value and says what to fix.
OPTIONS = {"site": "Site", "flavor": "Flavor", "cpus": "CPUs", "mem": "Memory", "gpus": "GPUs", "time": "Time limit"}
MAX_ESTIMATE_BODY = 4096  # bytes of options an estimate takes: six one-word values fit many times
_WORD = re.compile(r"^[A-Za-z0-9._:-]{1,200}$")  # one word of a directive line: no space, quote or line break


class SkyportSpawner(Spawner):
    """Runs ``jupyterhub-singleuser`` as a Skyport job and connects the hub to it."""

    skyport_home = Unicode(
        os.environ.get("SKYPORT_HOME", str(Path.home() / ".skyport")),
        help="Folder with the hub's client certificate (cert.pem, key.pem) and the daemon's CA (ca.pem).",
    ).tag(config=True)
    skyport_user = Unicode(
        "{username}",
        help="The Skyport user a hub user's notebook runs as ({username}: the hub user's name). The hub's "
        "certificate must be a delegate's that names them (`skyport user add hub --acts-for NAME`). "
        "Empty: every notebook runs as the certificate's own user.",
    ).tag(config=True)
    skyport_url = Unicode(
        "", help="URL of the Skyport daemon; empty reads the home's daemon.url (a running daemon writes it)."
    ).tag(config=True)
    directives = List(
        Unicode(),
        default_value=[],
        help='Extra "#SWM" directives of the notebook job, e.g. ["cpus 4", "mem 8G", "site aws"].',
    ).tag(config=True)

    job_id = Unicode("")
    ended = Unicode("")  # why the last server stopped by itself, shown on its options form until the next start

    @default("options_form")
    def _default_options_form(self) -> Any:
        return SkyportSpawner.render_options_form

    @default("options_from_form")
    def _default_options_from_form(self) -> Any:
        return read_options

    def _client(self) -> Client:
        """A client acting for this hub user's Skyport user."""
        url = self.skyport_url or (Path(self.skyport_home) / "daemon.url").read_text().strip()
        acts_for = self.format_string(self.skyport_user) or None
        return Client(url, ssl_context=context_from_home(self.skyport_home), acts_for=acts_for)

    def load_state(self, state: dict[str, Any]) -> None:
        super().load_state(state)
        self.job_id = state.get("skyport_job_id", "")
        self.ended = state.get("skyport_ended", "")

    def get_state(self) -> dict[str, Any]:
        state: dict[str, Any] = super().get_state()
        if self.job_id:
            state["skyport_job_id"] = self.job_id
        if self.ended:
            state["skyport_ended"] = self.ended
        return state

    def clear_state(self) -> None:
        """Forget the job; why it ended stays, for the options form."""
        super().clear_state()
        self.job_id = ""

    async def render_options_form(self) -> str:
        """The form: the sites and flavors (with prices) the user may choose, the resources to ask for, and
        when and at what cost the notebook would start (the daemon's dry run for this user), made again
        through the hub (:class:`EstimateHandler`) each time the user changes a field."""
        with self._client() as client:
            remotes = await asyncio.to_thread(list_remotes.sync, client=client)
            flavors = await asyncio.to_thread(list_flavors.sync, client=client)
        sites = {remote.id: remote.name or "" for remote in remotes}
        site_options = [("", "any site")] + [(name, name) for name in sorted(sites.values())]
        flavor_options = [("", "any flavor")] + [
            (
                flavor.name,
                f"{flavor.name} at {sites.get(flavor.remote_id or '', '?')}: {flavor.cpus} CPUs, {flavor.mem} MiB, "
                f"{flavor.gpus or 0} GPUs, ${flavor.price or 0:.2f} per hour",
            )
            for flavor in sorted(flavors, key=lambda flavor: (flavor.price or 0, flavor.name))
        ]
        fields = [f'<p class="alert alert-warning">{html.escape(self.ended)}</p>'] if self.ended else []
        fields += [_select("site", site_options), _select("flavor", flavor_options)]
        placeholders = {"cpus": "1", "mem": "4G", "gpus": "0", "time": "8h"}
        given = dict(directive.partition(" ")[::2] for directive in self.directives)
        fields += [_input(name, given.get(name) or placeholder) for name, placeholder in placeholders.items()]
        server = "/".join(urllib.parse.quote(name, safe="") for name in (self.user.name, self.name))
        url = f"{self.hub.base_url}api/skyport/estimate/{server}"
        fields.append(_estimate_line(await self.estimate({}), url))
        return "\n".join(fields)

    async def estimate(self, options: Mapping[str, Any]) -> str:
        """When and at what cost this server would start with ``options`` (the form's fields so far), in
        words, from the daemon's dry run for this user; ValueError naming an option that is not one word."""
        script = self.job_script(options, dry=True).encode()
        with self._client() as client:
            try:
                plan = await asyncio.to_thread(dry_run.sync, client=client, script_content=script)
            except ApiError as exc:
                return f"A notebook cannot start: {exc.detail or exc}"
        return _estimate(plan, str(options.get("site") or ""), str(options.get("flavor") or ""))

    def job_script(self, options: Mapping[str, Any], *, dry: bool = False) -> str:
        """The notebook job: directives, the ``options`` chosen, the hub's environment for the server, then
        the server.

        ``dry``: only the directives (no environment), for the dry run."""
        server = f"{self.user.name}-{self.name}" if self.name else self.user.name
        lines = [
            "#!/bin/sh",
            f"#SWM name jupyter-{server}",
            f"#SWM comment JupyterHub server {self.name or '(default)'} of {self.user.name}",
        ]
        lines += [f"#SWM {directive}" for directive in self.directives]
        lines += [f"#SWM {name} {value}" for name, value in chosen(options).items()]
        if dry:
            return "\n".join([*lines, "true"]) + "\n"
        lines += [f"export {key}={shlex.quote(value)}" for key, value in sorted(self.get_env().items())]
        lines.append("exec " + " ".join(shlex.quote(part) for part in [*self.cmd, *self.get_args()]))
        return "\n".join(lines) + "\n"

    async def start(self) -> tuple[str, int]:
        if self.port == 0:
            self.port = random_port()
        # The server may run on another node, so it listens on every address; the hub's OAuth guards it.
        self.ip = self.ip or "0.0.0.0"
        self.ended = ""
        script = self.job_script(self.user_options).encode()
        with self._client() as client:
            self.job_id = (await asyncio.to_thread(submit_job.sync, client=client, script_content=script)).decode()
            self.log.info("Skyport job %s runs the server of %s", self.job_id, self.user.name)
            while True:
                job = await asyncio.to_thread(get_job.sync, client=client, job_id=self.job_id)
                if job.state == "R" and job.node_ips:
                    return job.node_ips[0], self.port
                if job.state in ENDED:
                    raise RuntimeError(f"Skyport job {self.job_id} ended in {job.state}: {job.state_details}")
                await asyncio.sleep(0.5)

    async def progress(self) -> AsyncIterator[dict[str, Any]]:
        """The job's state while it is queued and starting: why it waits, when it is planned to start."""
        said = ""
        while True:
            if self.job_id:
                with self._client() as client:
                    job = await asyncio.to_thread(get_job.sync, client=client, job_id=self.job_id)
                message = describe(job)
                if message != said:
                    said = message
                    yield {"progress": PROGRESS.get(str(job.state), 100), "message": message}
                if job.state not in ("Q", "W", "T"):
                    return
            await asyncio.sleep(1)

    async def poll(self) -> int | None:
        if not self.job_id:
            return 0
        with self._client() as client:
            try:
                job = await asyncio.to_thread(get_job.sync, client=client, job_id=self.job_id)
            except ApiError as exc:
                if exc.status_code == 404:
                    return 0
                raise
        if job.state not in ENDED:
            return None
        # The hub stops the server and shows only an exit status; the options form says why.
        self.ended = ended(job, self.name)
        self.log.warning("Notebook server %s of %s ended: %s", self.name or "(default)", self.user.name, self.ended)
        return job.exitcode if job.exitcode is not None else 1

    async def stop(self, now: bool = False) -> None:
        if not self.job_id:
            return
        with self._client() as client:
            try:
                await asyncio.to_thread(cancel_job.sync, client=client, job_id=self.job_id)
            except ApiError as exc:
                if exc.status_code not in (404, 409):  # gone, or already ended
                    raise


def read_options(form: dict[str, list[str]]) -> dict[str, str]:
    """The options form's answers that were given: {option: value}."""
    given = {name: values[0].strip() for name, values in form.items() if name in OPTIONS and values}
    return {name: value for name, value in given.items() if value}


def chosen(options: dict[str, Any]) -> dict[str, str]:
    """``options`` (from the form or the hub's API) as directive values; ValueError naming the first bad one."""
    unknown = sorted(set(options) - set(OPTIONS))
    if unknown:
        raise ValueError(f"unknown notebook options {', '.join(unknown)}; the options are {', '.join(OPTIONS)}")
    values = {}
    for name, value in options.items():
        text = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
        if not isinstance(text, str) or not _WORD.fullmatch(text):
            raise ValueError(f"{OPTIONS[name]} {value!r} is not one word of letters, digits, '.', '_', ':' or '-'")
        values[name] = text
    return values


def describe(job: Job) -> str:
    """What a notebook job is doing, for the hub's progress page."""
    words = {"Q": "queued", "W": "waiting for its nodes", "T": "transferring files", "R": "running"}
    message = f"Skyport job {job.id} {words.get(str(job.state), f'ended in {job.state}')}"
    if job.state_details:
        message += f": {job.state_details}"
    if job.state in ("Q", "W") and job.planned_start_time:
        message += f"; planned to start at {job.planned_start_time}"
        if job.remote_name:
            message += f" on {job.remote_name}"
        if job.estimated_cost:
            message += f", estimated cost ${job.estimated_cost:.2f}"
    return message


def ended(job: Job, name: str) -> str:
    """Why a notebook server stopped by itself: its time limit passed, or how its job ended."""
    server = f"Your server {name}" if name else "Your server"
    start, end = (dt.datetime.fromisoformat(t) if t else None for t in (job.start_time, job.end_time))
    at = f" at {end.astimezone(dt.UTC):%H:%M} UTC" if end else ""
    ran = (end - start).total_seconds() if start and end else 0.0
    if job.state == "E" and job.time_limit and ("time limit" in (job.state_details or "") or ran >= job.time_limit):
        return (
            f"{server} was stopped{at} because its time limit of {_duration(job.time_limit)} passed "
            f"(Skyport job {job.id}). Start it again, with a longer time limit if it needs one."
        )
    return f"{server} stopped{at}: {describe(job)}."


def _duration(seconds: int) -> str:
    for unit, size in (("days", 86400), ("hours", 3600), ("minutes", 60)):
        if seconds >= size and seconds % size == 0:
            count = seconds // size
            return f"{count} {unit.removesuffix('s') if count == 1 else unit}"
    return f"{seconds} s"


class EstimateHandler(APIHandler):
    """``POST /hub/api/skyport/estimate/USER/SERVER`` (SERVER empty for the default server) with the
    options as JSON, ``{"time": "2h", "cpus": "4"}``: ``{"estimate": TEXT}``, when and at what cost that
    server would start with them.

    An API of the hub's own: its tokens, or its login cookie with its XSRF token (the options form
    calls it so), for a user who may start that server; the daemon's dry run is asked as that user.
    """

    @needs_scope("servers")
    async def post(self, user_name: str, server_name: str) -> None:
        if len(self.request.body) > MAX_ESTIMATE_BODY:
            raise web.HTTPError(413, f"the options are more than {MAX_ESTIMATE_BODY} bytes")
        options = self.get_json_body() or {}
        if not isinstance(options, dict):
            raise web.HTTPError(400, 'send the options as a JSON object, {"time": "2h"}')
        user = self.find_user(user_name)
        if user is None or server_name not in user.orm_spawners:
            raise web.HTTPError(404, f"no server {server_name!r} of user {user_name!r}; open its options form first")
        spawner = user.spawners[server_name]
        if not isinstance(spawner, SkyportSpawner):
            raise web.HTTPError(404, f"server {server_name!r} of {user_name!r} is not started by Skyport")
        try:
            text = await spawner.estimate({name: value for name, value in options.items() if value not in ("", None)})
        except ValueError as exc:
            raise web.HTTPError(400, str(exc)) from exc
        self.finish({"estimate": text})


# Registered as batchspawner registers its API: JupyterHub loads the spawner class before its handlers.
apihandlers.default_handlers.append(
    (r"/api/skyport/estimate/(?P<user_name>[^/]+)/(?P<server_name>[^/]*)", EstimateHandler)
)


def _estimate_line(text: str, url: str) -> str:
    """The estimate, and a script that asks ``url`` for it again when a field of the form changes."""
    script = (
        "(function () {"
        " var out = document.getElementById('skyport-estimate'), form = out.closest('form'), asked = 0, timer;"
        " var xsrf = new URL(form.action, location.href).searchParams.get('_xsrf') || '';"
        f" var names = {json.dumps(list(OPTIONS))};"
        " var ask = function () {"
        "  var mine = ++asked, options = {};"
        "  names.forEach(function (n) { var f = form.elements[n]; if (f && f.value) { options[n] = f.value; } });"
        "  fetch(out.dataset.url, {method: 'POST', body: JSON.stringify(options), credentials: 'same-origin',"
        "   headers: {'Content-Type': 'application/json', 'X-XSRFToken': xsrf}})"
        "  .then(function (r) { return r.json().then(function (b) {"
        "   if (mine === asked) { out.textContent = b.estimate || b.message || ('HTTP ' + r.status); } }); })"
        "  .catch(function (e) { if (mine === asked) { out.textContent = 'No estimate: ' + e; } });"
        " };"
        " var later = function () { clearTimeout(timer); timer = setTimeout(ask, 300); };"
        " form.addEventListener('input', later); form.addEventListener('change', later);"
        "})();"
    )
    return f'<p id="skyport-estimate" data-url="{html.escape(url)}">{html.escape(text)}</p><script>{script}</script>'


def _estimate(plan: DryRun, site: str, flavor: str) -> str:
    """When and at what cost the notebook would start on ``site`` and ``flavor`` ("": any)."""
    if (not site or site == plan.remote_name) and (not flavor or flavor == plan.flavor_name) and plan.placed:
        start = _when(plan.start_time)
        return f"Starts {start} on {plan.remote_name} ({plan.flavor_name}); costs up to ${plan.worst_case_cost:.2f}"
    fits = [
        option
        for option in plan.alternatives
        if (not site or site == option.remote_name) and (not flavor or flavor == option.flavor_name)
    ]
    if not fits:
        if not site and not flavor:
            return f"A notebook would wait: {plan.reason}"
        return f"No notebook fits {flavor or 'a flavor'} on {site or 'any site'}"
    option = fits[0]  # the cheapest
    ready = f"from {_when(option.ready_at)}" if option.ready_at else "when it has room"
    return (
        f"Could start {ready} on {option.remote_name} ({option.flavor_name}); "
        f"costs up to ${option.worst_case_cost:.2f} (${option.price:.2f} per hour)"
    )


def _when(timestamp: str | None) -> str:
    """An ISO 8601 time from the daemon as ``now`` or ``at 14:05 UTC``, with the date when it is not today."""
    if not timestamp:
        return "now"
    now = dt.datetime.now(dt.UTC)
    moment = dt.datetime.fromisoformat(timestamp).astimezone(dt.UTC)
    if moment <= now + dt.timedelta(seconds=5):
        return "now"
    return f"at {moment:%H:%M} UTC" if moment.date() == now.date() else f"at {moment:%Y-%m-%d %H:%M} UTC"


def _select(name: str, options: list[tuple[str, str]]) -> str:
    choices = "".join(f'<option value="{html.escape(value)}">{html.escape(text)}</option>' for value, text in options)
    return f'<label>{OPTIONS[name]} <select name="{name}" class="form-control">{choices}</select></label>'


def _input(name: str, placeholder: str) -> str:
    return (
        f'<label>{OPTIONS[name]} <input name="{name}" placeholder="{html.escape(placeholder)}" '
        'class="form-control"></label>'
    )
