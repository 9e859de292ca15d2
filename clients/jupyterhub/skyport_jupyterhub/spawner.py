"""``SkyportSpawner``: start, poll and stop a notebook server as a Skyport job."""

from __future__ import annotations

import asyncio
import os
import shlex
from pathlib import Path
from typing import Any

from jupyterhub.spawner import Spawner
from jupyterhub.utils import random_port
from skyport_client import ApiError, Client
from skyport_client.api.jobs import cancel_job, get_job, submit_job
from skyport_client.tls import context_from_home
from traitlets import List, Unicode

ENDED = ("F", "E", "C")


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

    def _client(self) -> Client:
        """A client acting for this hub user's Skyport user."""
        url = self.skyport_url or (Path(self.skyport_home) / "daemon.url").read_text().strip()
        acts_for = self.format_string(self.skyport_user) or None
        return Client(url, ssl_context=context_from_home(self.skyport_home), acts_for=acts_for)

    def load_state(self, state: dict[str, Any]) -> None:
        super().load_state(state)
        self.job_id = state.get("skyport_job_id", "")

    def get_state(self) -> dict[str, Any]:
        state: dict[str, Any] = super().get_state()
        if self.job_id:
            state["skyport_job_id"] = self.job_id
        return state

    def clear_state(self) -> None:
        super().clear_state()
        self.job_id = ""

    def job_script(self) -> str:
        """The notebook job: directives, the hub's environment for the server, then the server."""
        lines = [
            "#!/bin/sh",
            f"#SWM name jupyter-{self.user.name}",
            f"#SWM comment JupyterHub server of {self.user.name}",
        ]
        lines += [f"#SWM {directive}" for directive in self.directives]
        lines += [f"export {key}={shlex.quote(value)}" for key, value in sorted(self.get_env().items())]
        lines.append("exec " + " ".join(shlex.quote(part) for part in [*self.cmd, *self.get_args()]))
        return "\n".join(lines) + "\n"

    async def start(self) -> tuple[str, int]:
        if self.port == 0:
            self.port = random_port()
        # The server may run on another node, so it listens on every address; the hub's OAuth guards it.
        self.ip = self.ip or "0.0.0.0"
        script = self.job_script().encode()
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
