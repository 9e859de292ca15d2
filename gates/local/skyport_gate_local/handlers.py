"""The gate API's operations for the local machine, one method per operationId.

A partition is a name for this machine (it is ready at once); a job is a process group started
in its own sandbox (:mod:`~skyport_gate_local.sandbox`) and cgroup (:mod:`~skyport_gate_local.cgroups`),
in its own directory under the state directory::

    state_dir/partitions/<id>.json      partition records
    state_dir/jobs/<id>/job.json        the job's record (absent until it starts)
    state_dir/jobs/<id>/work/           its work directory: uploaded inputs, then its outputs
    state_dir/jobs/<id>/script          the script, stdout, stderr and the wrapper's status file

Records live in memory and on disk; every change is written before it is answered, so a gate
killed at any moment and started again on the same state directory picks up every job.
"""

from __future__ import annotations

import asyncio
import fnmatch
import logging
import os
import platform
import resource
import shutil
import signal
import socket
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from skyport_gate_sdk.errors import BadRequest, Conflict, NotFound, SkyportError
from skyport_gate_sdk.files import check_name, read_from, write_atomic
from skyport_gate_sdk.outputs import DEFAULT_RANGE, output_listing, read_output

from skyport_gate_local import cgroups, containers, processes, records, sandbox
from skyport_gate_local.cgroups import Cgroups
from skyport_gate_local.records import ENDED, JobRecord, PartitionRecord
from skyport_gate_local.settings import LocalSettings

logger = logging.getLogger(__name__)

VERSION = "0.1.0"
FLAVOR = "local"
IMAGE = "host"
_OCTET = {"Content-Type": "application/octet-stream"}
_ARCH = {"aarch64": "arm64", "amd64": "x86_64"}


class Handlers:
    """One local site's gate: the object ``skyport_gate_sdk.apps.gate_app`` looks operationIds up on."""

    def __init__(self, settings: LocalSettings) -> None:
        self.settings = settings
        self._partitions_dir = settings.state_dir / "partitions"
        self._jobs_dir = settings.state_dir / "jobs"
        self._partitions_dir.mkdir(parents=True, exist_ok=True)
        self._jobs_dir.mkdir(parents=True, exist_ok=True)
        self._node = {"name": socket.gethostname(), "ip": "127.0.0.1", "state": "up"}
        allowed = sorted(os.sched_getaffinity(0))
        # Pin jobs to CPUs only when the site's CPUs are real ones; an oversubscribed site shares them.
        self._pinnable = allowed[: settings.cpus] if settings.cpus <= len(allowed) else []
        self._lock = threading.RLock()
        self._partitions: dict[str, PartitionRecord] = {}
        self._jobs: dict[str, JobRecord] = {}
        self._watcher = processes.Watcher(self._process_ended)
        self._sandbox, self._sandbox_problem = sandbox.find(settings.sandbox, settings.state_dir, settings.read_only)
        if self._sandbox_problem:
            logger.error("site %s starts no job until this is fixed: %s", settings.name, self._sandbox_problem)
        self._cgroups, why = cgroups.find(settings.name, settings.state_dir)
        if why:
            logger.warning("site %s: %s", settings.name, why)
        self._podman, self._runtime_problem = containers.find(settings.container_runtime, settings.podman_options)
        if self._runtime_problem:
            logger.error(
                "site %s runs no job in an image until this is fixed: %s", settings.name, self._runtime_problem
            )
        self._reload()

    def close(self) -> None:
        """Stop watching jobs (they keep running; a new gate on the same state directory adopts them)."""
        self._watcher.close()
        with self._lock:
            for job in self._jobs.values():
                if self._cgroups is not None and job.cgroups and not job.active:
                    self._cgroups.remove(job.cgroups)  # what the watcher had left to retry

    # -- site -------------------------------------------------------------------------------------

    async def get_site(self) -> tuple[dict[str, Any], int]:
        return {
            "kind": "local",
            "name": self.settings.name,
            "max_nodes": self.settings.max_nodes,
            "spot": False,
            "poll_interval": 0.02,
            "boot_time": 0,
            "single_job": False,
            "version": VERSION,
            "isolation": self._isolation(),
            "batch": ["start_jobs", "delete_jobs_files"],
        }, 200

    def _isolation(self) -> dict[str, str]:
        isolation = {
            "sandbox": self.settings.sandbox if self._sandbox is not None else "unavailable",
            "limits": self._cgroups.kind if self._cgroups is not None else "rlimits",
            "run_as": "owner" if os.geteuid() == 0 else "gate-user",
        }
        if self._sandbox_problem:
            isolation["details"] = self._sandbox_problem
        return isolation

    async def get_user(self, name: str) -> tuple[dict[str, str], int]:
        account = sandbox.run_as(name, self.settings.users)
        return {"name": name, "run_as": account.name}, 200

    async def list_flavors(self) -> tuple[list[dict[str, Any]], int]:
        cpus, mem = self.settings.cpus, self.settings.mem
        machine = platform.machine()
        return [
            {
                "name": FLAVOR,
                "cpus": cpus,
                "mem": mem,
                "gpus": 0,
                "storage": self._disk(),
                "price": self.settings.price,
                "arch": _ARCH.get(machine, machine),
                "resources": [{"name": "cpus", "count": cpus}, {"name": "mem", "count": mem}],
            }
        ], 200

    async def list_images(self) -> tuple[list[dict[str, Any]], int]:
        host = {"name": IMAGE, "kind": "host", "comment": "jobs run directly on this machine"}
        if self._podman is None:
            return [host], 200
        names = await asyncio.to_thread(self._podman.images)
        return [host, *({"name": name, "kind": "container", "comment": "run with podman"} for name in names)], 200

    # -- partitions -------------------------------------------------------------------------------

    async def list_partitions(self) -> tuple[list[dict[str, Any]], int]:
        with self._lock:
            return [p.to_wire(self._node) for p in self._partitions.values()], 200

    async def create_partition(self, body: Mapping[str, Any]) -> tuple[dict[str, Any], int]:
        return await asyncio.to_thread(self._create_partition, body)

    def _create_partition(self, body: Mapping[str, Any]) -> tuple[dict[str, Any], int]:
        with self._lock:
            existing = self._partitions.get(body["id"])
            if existing is not None:
                return existing.to_wire(self._node), 200
            if body["flavor"] != FLAVOR:
                raise BadRequest(f"site {self.settings.name} has no flavor {body['flavor']!r}; it offers {FLAVOR!r}")
            image = body.get("image") or IMAGE
            if image != IMAGE:
                raise BadRequest(f"site {self.settings.name} has no image {image!r}; it offers {IMAGE!r}")
            if body["count"] > self.settings.max_nodes:
                raise BadRequest(
                    f"site {self.settings.name} is this machine, one node; a partition of {body['count']} cannot exist"
                )
            partition = PartitionRecord(
                id=body["id"],
                flavor=FLAVOR,
                image=image,
                count=body["count"],
                state="ready",
                state_details=f"ready: jobs run on {self._node['name']}",
                created_at=records.now_iso(),
                owner=body.get("owner"),
            )
            records.save(self._partition_path(partition.id), partition)
            self._partitions[partition.id] = partition
            logger.info("partition %s created", partition.id)
            return partition.to_wire(self._node), 201

    async def get_partition(self, partition_id: str) -> tuple[dict[str, Any], int]:
        with self._lock:
            return self._known_partition(partition_id).to_wire(self._node), 200

    async def delete_partition(self, partition_id: str) -> tuple[dict[str, Any], int]:
        return await asyncio.to_thread(self._delete_partition, partition_id)

    def _delete_partition(self, partition_id: str) -> tuple[dict[str, Any], int]:
        with self._lock:
            partition = self._partitions.get(partition_id)
            if partition is None:
                return {"id": partition_id, "state": "deleted", "state_details": "no such partition"}, 200
            if partition.state != "deleted":
                for job in self._jobs.values():
                    if job.partition_id == partition_id and job.state not in ENDED:
                        self._stop(job, "cancelled", f"cancelled: partition {partition_id} was deleted")
                partition.state = "deleted"
                partition.state_details = "deleted"
                records.save(self._partition_path(partition_id), partition)
                logger.info("partition %s deleted", partition_id)
            return partition.to_wire(self._node), 200

    # -- jobs -------------------------------------------------------------------------------------

    async def list_jobs(self, partition_id: str | None = None) -> tuple[list[dict[str, Any]], int]:
        with self._lock:
            jobs = self._jobs.values()
            return [j.to_wire(self._node) for j in jobs if partition_id in (None, j.partition_id)], 200

    async def start_job(self, body: Mapping[str, Any]) -> tuple[dict[str, Any], int]:
        await self._find_sandbox()
        job, is_new = self._reserve(body)
        if is_new:
            await asyncio.to_thread(self._launch, job, body)
        with self._lock:
            return job.to_wire(self._node), 201 if is_new else 200

    async def start_jobs(self, body: list[Mapping[str, Any]]) -> tuple[list[dict[str, Any]], int]:
        """start_job for each job; the new ones are launched in one hand-off to a thread."""
        await self._find_sandbox()
        answers: list[tuple[dict[str, Any], JobRecord | None]] = []
        launches = []
        for request in body:
            try:
                job, is_new = self._reserve(request)
            except SkyportError as exc:
                answers.append(({"id": request["id"], "status": exc.status, "problem": exc.problem()}, None))
                continue
            answers.append(({"id": job.id, "status": 201 if is_new else 200}, job))
            if is_new:
                launches.append((job, request))
        if launches:
            await asyncio.to_thread(self._launch_all, launches)
        with self._lock:
            return [answer | ({"job": job.to_wire(self._node)} if job else {}) for answer, job in answers], 200

    async def _find_sandbox(self) -> None:
        """Look for the sandbox again when the gate started without one; a 409 while there is none."""
        if self._sandbox is None:
            self._sandbox, self._sandbox_problem = await asyncio.to_thread(
                sandbox.find, self.settings.sandbox, self.settings.state_dir, self.settings.read_only
            )
            if self._sandbox is None:
                raise Conflict(f"site {self.settings.name} cannot start jobs: {self._sandbox_problem}")

    async def get_job(self, job_id: str) -> tuple[dict[str, Any], int]:
        with self._lock:
            return self._known_job(job_id).to_wire(self._node), 200

    async def cancel_job(self, job_id: str) -> tuple[dict[str, Any], int]:
        return await asyncio.to_thread(self._cancel_job, job_id)

    def _cancel_job(self, job_id: str) -> tuple[dict[str, Any], int]:
        with self._lock:
            job = self._known_job(job_id)
            if job.state not in ENDED:
                self._stop(job, "cancelled", "cancelled")
            return job.to_wire(self._node), 200

    async def job_stdout(
        self, job_id: str, offset: int = 0, length: int | None = None
    ) -> tuple[bytes, int, dict[str, str]]:
        return await asyncio.to_thread(self._read_log, job_id, "stdout", offset, length), 200, _OCTET

    async def job_stderr(
        self, job_id: str, offset: int = 0, length: int | None = None
    ) -> tuple[bytes, int, dict[str, str]]:
        return await asyncio.to_thread(self._read_log, job_id, "stderr", offset, length), 200, _OCTET

    def _read_log(self, job_id: str, stream: str, offset: int, length: int | None) -> bytes:
        with self._lock:
            self._known_job(job_id)
        return read_from(self._jobs_dir / job_id / stream, offset, length)

    # -- files ------------------------------------------------------------------------------------

    async def upload_input(self, job_id: str, name: str, body: bytes) -> tuple[dict[str, Any], int]:
        return await asyncio.to_thread(self._upload_input, job_id, name, body)

    def _upload_input(self, job_id: str, name: str, data: bytes) -> tuple[dict[str, Any], int]:
        check_name(name)
        with self._lock:
            if job_id in self._jobs:
                raise Conflict(f"job {job_id} has started; inputs are uploaded before start_job")
            workdir = self._jobs_dir / job_id / "work"
            workdir.mkdir(parents=True, exist_ok=True)
        write_atomic(workdir / name, data)
        return {"name": name, "size": len(data), "kind": "input"}, 200

    async def list_outputs(self, job_id: str) -> tuple[list[dict[str, Any]], int]:
        return await asyncio.to_thread(self._list_outputs, job_id)

    def _list_outputs(self, job_id: str) -> tuple[list[dict[str, Any]], int]:
        workdir = self._ended_job_workdir(job_id)
        return output_listing(workdir, self._known_job(job_id).outputs), 200

    async def download_output(
        self, job_id: str, name: str, offset: int = 0, length: int = DEFAULT_RANGE
    ) -> tuple[bytes, int, dict[str, str]]:
        return await asyncio.to_thread(self._download_output, job_id, name, offset, length), 200, _OCTET

    def _download_output(self, job_id: str, name: str, offset: int, length: int) -> bytes:
        workdir = self._ended_job_workdir(job_id)
        if name not in self._known_job(job_id).outputs:
            raise NotFound(f"job {job_id} has no output {name!r}")
        return read_output(workdir, name, offset, length)

    async def delete_job_files(self, job_id: str) -> tuple[None, int]:
        await asyncio.to_thread(self._delete_job_files, job_id)
        return None, 204

    async def delete_jobs_files(self, body: list[str]) -> tuple[None, int]:
        await asyncio.to_thread(lambda: [self._delete_job_files(job_id) for job_id in body])
        return None, 204

    def _delete_job_files(self, job_id: str) -> None:
        job_dir = self._jobs_dir / job_id
        with self._lock:
            job = self._jobs.pop(job_id, None)
            if job is not None and job.active and job.pid is not None:
                processes.signal_group(job.pid, signal.SIGKILL)
            if job is not None and job.cgroups:
                self._remove_cgroups(job_id, job.cgroups)
            (job_dir / "job.json").unlink(missing_ok=True)
        if job is not None and job.container and self._podman is not None:
            self._podman.remove(job.container)
        shutil.rmtree(job_dir, ignore_errors=True)
        logger.info("%s: files deleted", job_id)

    # -- lifecycle of a job -----------------------------------------------------------------------

    def _reserve(self, body: Mapping[str, Any]) -> tuple[JobRecord, bool]:
        """The job with this ID, or a new pending one holding its CPUs and memory."""
        job_id = body["id"]
        with self._lock:
            existing = self._jobs.get(job_id)
            if existing is not None:
                return existing, False
            partition = self._known_partition(body["partition_id"])
            if partition.state != "ready":
                raise Conflict(f"partition {partition.id} is {partition.state}; jobs start only on a ready partition")
            cpus, mem = self._check_request(body)
            busy_cpus, busy_mem = self._in_use()
            if busy_cpus + cpus > self.settings.cpus or (mem and busy_mem + mem > self.settings.mem):
                raise Conflict(
                    f"site {self.settings.name} is full: {busy_cpus} of {self.settings.cpus} CPUs and "
                    f"{busy_mem} of {self.settings.mem} MiB are in use; job {job_id} needs {cpus} CPUs "
                    f"and {mem} MiB; start it when a job has ended"
                )
            job = JobRecord(
                id=job_id,
                partition_id=partition.id,
                state="pending",
                state_details="starting",
                cpus=cpus,
                mem=mem,
                time_limit=body.get("time_limit", 0),
                outputs=[check_name(name) for name in body.get("outputs", [])],
                started_at=records.now_iso(),
                started_epoch=time.time(),
                cpu_set=self._free_cpus(cpus),
            )
            self._jobs[job_id] = job
            return job, True

    def _check_request(self, body: Mapping[str, Any]) -> tuple[int, int]:
        site = self.settings
        cpus, mem = body.get("cpus", 1), body.get("mem", 0)
        if cpus > site.cpus:
            raise BadRequest(f"job {body['id']} asks for {cpus} CPUs; site {site.name} has {site.cpus}")
        if mem > site.mem:
            raise BadRequest(f"job {body['id']} asks for {mem} MiB; site {site.name} has {site.mem} MiB")
        if body.get("gpus", 0) > 0:
            raise BadRequest(f"job {body['id']} asks for GPUs; site {site.name} has none")
        if body.get("nodes", 1) > site.max_nodes:
            raise BadRequest(f"job {body['id']} asks for {body['nodes']} nodes; site {site.name} is one machine")
        if body.get("storage", 0) > (disk := self._disk()):
            where = "its setting 'storage'" if site.storage is not None else f"free in {self._jobs_dir}"
            raise BadRequest(
                f"job {body['id']} asks for {body['storage']} MiB of disk; site {site.name} has {disk} MiB ({where})"
            )
        image = self._container_image(body)
        if image and self._podman is None:
            why = self._runtime_problem or "it has no container runtime"
            raise BadRequest(
                f"site {site.name} cannot run image {image!r}: {why}, and its setting host_images "
                f"({', '.join(site.host_images) or 'empty'}) does not name the image as one to run on this "
                "machine's system"
            )
        if image and (problem := containers.env_problem(body.get("env", {}))):
            raise BadRequest(f"job {body['id']}: {problem}")
        volumes = body.get("volumes", [])
        if volumes and site.sandbox == "none":
            raise BadRequest(f"site {site.name} runs jobs without a sandbox (sandbox: none), so it has no volumes")
        for path in volumes:
            problem = sandbox.volume_problem(path)
            if problem:
                raise BadRequest(f"job {body['id']}: {problem} on site {site.name}")
        return cpus, mem

    def _container_image(self, body: Mapping[str, Any]) -> str:
        """The image a job runs in with the container runtime; empty when it runs on this machine's system."""
        image = body.get("image")
        if image is None or any(fnmatch.fnmatchcase(image, pattern) for pattern in self.settings.host_images):
            return ""
        return str(image)

    def _disk(self) -> int:
        """MiB of disk a job may use: the setting, or what is free where job folders are made now."""
        if self.settings.storage is not None:
            return self.settings.storage
        return shutil.disk_usage(self._jobs_dir).free // (1024 * 1024)

    def _in_use(self) -> tuple[int, int]:
        holding = [j for j in self._jobs.values() if j.active]
        return sum(j.cpus for j in holding), sum(j.mem for j in holding)

    def _free_cpus(self, count: int) -> list[int]:
        if not self._pinnable:
            return []
        taken = {cpu for j in self._jobs.values() if j.active for cpu in j.cpu_set}
        return [cpu for cpu in self._pinnable if cpu not in taken][:count]

    def _launch_all(self, launches: list[tuple[JobRecord, Mapping[str, Any]]]) -> None:
        """Launch each job; the watcher is woken once for all of them."""
        for job, body in launches:
            self._launch(job, body, wake=False)
        self._watcher.wake()

    def _launch(self, job: JobRecord, body: Mapping[str, Any], *, wake: bool = True) -> None:
        assert self._sandbox is not None
        job_dir = self._jobs_dir / job.id
        workdir = job_dir / "work"
        workdir.mkdir(parents=True, exist_ok=True)
        script = job_dir / "script"
        script.write_text(body["script"], encoding="utf-8")
        owner = body.get("owner")
        volumes = [(job_dir / "volumes" / str(n), path) for n, path in enumerate(body.get("volumes", []))]
        try:
            account = sandbox.run_as(owner, self.settings.users)
            for folder, _ in volumes:
                folder.mkdir(parents=True, exist_ok=True)
            if os.geteuid() == 0:
                for path in (script, workdir, *workdir.iterdir(), *(folder for folder, _ in volumes)):
                    os.chown(path, account.uid, account.gid, follow_symlinks=False)
            workdir.chmod(0o700)
            if self.settings.sandbox == "none":
                # Unsandboxed, the job's account walks to its folder itself: let it through the gate's
                # folders (traverse only), whatever the umask they were made under (the daemon's is 077).
                for folder in (self.settings.state_dir, self._jobs_dir, job_dir):
                    folder.chmod(folder.stat().st_mode | 0o111)
            env = sandbox.environment(
                job_id=job.id,  # the gate's job ID by default; the core sends its own in ``env``, and that wins
                name=body.get("name") or job.id,
                user=owner or account.name,
                account=account,
                workdir=workdir,
                requested=body.get("env", {}),
            )
            command = self._sandbox.command(account, workdir, script, processes.script_command(script), volumes)
            if image := self._container_image(body):
                command, env = self._in_container(job, image, account=account, script=script, volumes=volumes, env=env)
            if self._cgroups is not None:
                job.cgroups = self._cgroups.create(job.id, job.cpu_set, job.mem, self.settings.max_processes)
            launch = processes.Launch(
                job_id=job.id,
                workdir=workdir,
                command=command,
                status=job_dir / "status",
                stdout=job_dir / "stdout",
                stderr=job_dir / "stderr",
                env=env,
                cgroups=job.cgroups,
                cpu_set=frozenset(job.cpu_set),
                mem=job.mem,
            )
            pid, go = processes.spawn(launch)
        except (OSError, NotFound) as exc:
            with self._lock:
                self._end(job, "failed", f"could not start: {getattr(exc, 'detail', exc)}")
                if job.cgroups:
                    self._remove_cgroups(job.id, job.cgroups)
            return
        with self._lock:
            job.pid, job.pid_start = pid, processes.start_time(pid)
            if self._jobs.get(job.id) is not job or job.state != "pending":
                # Cancelled or forgotten while it was being started: never let the script run.
                processes.signal_group(pid, signal.SIGKILL)
            else:
                job.state, job.state_details = "running", f"running on {self._node['name']} (pid {pid})"
                self._save_job(job)
                if job.time_limit:
                    self._arm_time_limit(job, job.time_limit)
            self._watcher.watch(job.id, pid, job.pid_start, child=True, wake=wake)
        processes.release(go)
        logger.info("%s: started, pid %s", job.id, pid)

    def _in_container(
        self,
        job: JobRecord,
        image: str,
        *,
        account: sandbox.Account,
        script: Path,
        volumes: list[tuple[Path, str]],
        env: dict[str, str],
    ) -> tuple[list[str], dict[str, str]]:
        """The command running the job's script in ``image`` with podman, and podman's own environment.

        Raises NotFound naming the site's images when its store does not hold ``image``.
        """
        assert self._podman is not None
        if not self._podman.has(image):
            have = ", ".join(self._podman.images()) or "none"
            raise NotFound(
                f"site {self.settings.name} has no image {image!r} (it pulls none; its images: {have}); "
                "ask its operator to add it, or name one of those"
            )
        job_dir = self._jobs_dir / job.id
        containers.write_env_file(job_dir / "env", env)
        job.container = containers.container_name(job.id)
        command = self._podman.command(
            name=job.container,
            image=image,
            uid=account.uid,
            gid=account.gid,
            workdir=job_dir / "work",
            script_file=script,
            script=processes.script_command(script),
            volumes=volumes,
            env_file=job_dir / "env",
            cpu_set=job.cpu_set,
            mem=job.mem,
            max_processes=self.settings.max_processes,
            open_files=resource.getrlimit(resource.RLIMIT_NOFILE)[0],
        )
        gate_env = {key: os.environ[key] for key in ("PATH", "HOME") if key in os.environ}
        return command, gate_env

    def _arm_time_limit(self, job: JobRecord, delay: float) -> None:
        pid = job.pid
        self._watcher.call_later(max(delay, 0.0), lambda: self._time_limit_reached(job.id, pid))

    def _time_limit_reached(self, job_id: str, pid: int | None) -> None:
        with self._lock:
            job = self._jobs.get(job_id)
            if job is not None and job.pid == pid and job.state == "running":
                self._stop(job, "failed", f"time limit of {job.time_limit} s reached")

    def _stop(self, job: JobRecord, state: str, details: str) -> None:
        """End a job by the gate's decision: record why, then SIGTERM its group and SIGKILL it after a grace."""
        self._end(job, state, details)
        if job.pid is not None and job.active:
            processes.signal_group(job.pid, signal.SIGTERM)
            pid = job.pid
            self._watcher.call_later(self.settings.kill_grace, lambda: self._kill_if_active(job.id, pid))
        logger.info("%s: %s", job.id, details)

    def _kill_if_active(self, job_id: str, pid: int) -> None:
        with self._lock:
            job = self._jobs.get(job_id)
            if job is not None and job.pid == pid and job.active:
                processes.signal_group(pid, signal.SIGKILL)

    def _remove_container(self, job: JobRecord) -> None:
        """Remove the job's container, in the background: killing podman's client leaves it running."""
        if job.container and self._podman is not None:
            threading.Thread(target=self._podman.remove, args=(job.container,), daemon=True).start()

    def _end(self, job: JobRecord, state: str, details: str) -> None:
        job.state, job.state_details, job.ended_at = state, details, records.now_iso()
        if job.pid is None:
            job.active = False
        self._save_job(job)

    def _process_ended(self, job_id: str) -> None:
        """Record how a job's wrapper ended (called by the watcher once it is gone)."""
        with self._lock:
            job = self._jobs.get(job_id)
            if job is not None:
                self._record_exit(job, lost=False)

    def _record_exit(self, job: JobRecord, *, lost: bool) -> None:
        """Record how the job ended; its largest resident memory is its cgroup's peak where it has
        one, else unknown: wait4's figure for the wrapper would include this gate's own memory, which
        a forked child counts until it execs."""
        job.active = False
        job.max_rss = Cgroups.peak_memory(job.cgroups) if job.cgroups else None
        job.exitcode, job.signal = processes.exit_status(self._jobs_dir / job.id / "status")
        job.stdout_size, job.stderr_size = (_size(self._jobs_dir / job.id / stream) for stream in ("stdout", "stderr"))
        out_of_memory = job.exitcode != 0 and job.mem and Cgroups.out_of_memory(job.cgroups)
        if job.state == "running":
            job.ended_at = records.now_iso()
            if out_of_memory:
                job.state, job.state_details = "failed", f"out of memory: the job used more than {job.mem} MiB"
            elif job.exitcode is not None:
                job.state, job.state_details = "finished", f"exited with status {job.exitcode}"
            elif job.signal is not None:
                job.state, job.state_details = "finished", f"killed by signal {job.signal}"
            elif lost:
                job.state, job.state_details = "failed", "lost while the gate was down: it left no exit status"
            else:
                job.state, job.state_details = "failed", "its wrapper was killed, so its exit status is unknown"
        elif job.exitcode is None and job.signal is None and not lost:
            job.signal = signal.SIGKILL  # the gate's own SIGKILL took the wrapper with it
        self._save_job(job)
        if job.cgroups:
            self._remove_cgroups(job.id, job.cgroups)
        self._remove_container(job)
        logger.info("%s: %s", job.id, job.state_details)

    def _remove_cgroups(self, job_id: str, paths: list[str], tries: int = 100) -> None:
        """Remove a job's cgroups once its last process is gone; what lingers is killed and tried again."""
        if self._cgroups is None or self._cgroups.remove(paths):
            return
        if tries > 1:
            self._watcher.call_later(0.05, lambda: self._remove_cgroups(job_id, paths, tries - 1))
        else:
            logger.warning("%s: its cgroups %s could not be removed", job_id, paths)

    def _save_job(self, job: JobRecord) -> None:
        if self._jobs.get(job.id) is job:
            job_dir = self._jobs_dir / job.id
            job_dir.mkdir(exist_ok=True)
            records.save(job_dir / "job.json", job)

    def _reload(self) -> None:
        """Read the records a previous gate left and resume watching its jobs."""
        for path in self._partitions_dir.glob("*.json"):
            partition = records.load_partition(path)
            self._partitions[partition.id] = partition
        for path in self._jobs_dir.glob("*/job.json"):
            job = records.load_job(path)
            self._jobs[job.id] = job
            if not job.active:
                continue
            if job.pid is not None and processes.is_alive(job.pid, job.pid_start):
                self._watcher.watch(job.id, job.pid, job.pid_start, child=False)
                if job.state in ENDED:  # it was being stopped when the gate went down
                    processes.signal_group(job.pid, signal.SIGKILL)
                elif job.time_limit:
                    self._arm_time_limit(job, job.started_epoch + job.time_limit - time.time())
                logger.info("%s: still running after a gate restart, pid %s", job.id, job.pid)
            else:
                self._record_exit(job, lost=True)
        logger.info(
            "site %s: %d partitions and %d jobs reloaded", self.settings.name, len(self._partitions), len(self._jobs)
        )

    # -- lookups ----------------------------------------------------------------------------------

    def _partition_path(self, partition_id: str) -> Path:
        return self._partitions_dir / f"{partition_id}.json"

    def _known_partition(self, partition_id: str) -> PartitionRecord:
        partition = self._partitions.get(partition_id)
        if partition is None:
            raise NotFound(f"site {self.settings.name} has no partition {partition_id}")
        return partition

    def _known_job(self, job_id: str) -> JobRecord:
        job = self._jobs.get(job_id)
        if job is None:
            raise NotFound(f"site {self.settings.name} has no job {job_id}")
        return job

    def _ended_job_workdir(self, job_id: str) -> Path:
        with self._lock:
            job = self._known_job(job_id)
            if job.state not in ENDED:
                raise Conflict(f"job {job_id} is {job.state}; its outputs are known once it has ended")
        return self._jobs_dir / job_id / "work"


def _size(path: Path) -> int:
    """Bytes in the file at ``path`` (not followed if a link); 0 when there is none."""
    try:
        return path.lstat().st_size
    except FileNotFoundError:
        return 0
