"""The gate API on a Slurm cluster: one method per operationId of spec/core-gate.yaml.

A Skyport partition is a claim on ``count`` nodes of one Slurm partition (the flavor); it is ready
at once, since the cluster's nodes are already there. A job is an ``sbatch`` of a small wrapper
that runs the script in the job's folder under ``staging_dir`` and writes its exit status to
``.exit`` there; squeue says whether it is pending or running, and how it ended when it did not
end by itself (cancelled, time limit, node failure); once it has ended, sacct says the most
memory it held, where the cluster's accounting records it. Records are JSON files in ``state_dir``, so
a restarted gate picks up where it was.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import getpass
import json
import math
import shlex
import shutil
from pathlib import Path
from typing import Any

from skyport_gate_sdk.errors import BadRequest, Conflict, NotFound
from skyport_gate_sdk.files import check_name, read_from, write_atomic
from skyport_gate_sdk.images import refuse_image
from skyport_gate_sdk.outputs import DEFAULT_RANGE, output_listing, read_output

from skyport_gate_slurm.settings import SlurmSettings
from skyport_gate_slurm.slurm import EXITED, FAILED_WORDS, RUNNING, PartitionInfo, Slurm

VERSION = "0.1.0"
ENDED = ("finished", "failed", "cancelled")
EXIT_FILE = ".exit"
STDOUT, STDERR = ".stdout", ".stderr"

Result = tuple[Any, int]


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclasses.dataclass
class JobRecord:
    id: str
    partition_id: str
    slurm_id: str
    state: str
    state_details: str
    outputs: list[str]
    node_names: list[str]
    started_at: str
    exitcode: int | None = None
    signal: int | None = None
    ended_at: str | None = None
    max_rss: int | None = None  # bytes, from sacct once it has ended, where the cluster records it

    def to_wire(self) -> dict[str, Any]:
        wire = {key: value for key, value in dataclasses.asdict(self).items() if value is not None}
        del wire["slurm_id"], wire["outputs"]
        return wire


def _wrapper(script_name: str, env: dict[str, str]) -> str:
    """The batch script: the job's environment, its script, and its exit status in ``.exit``."""
    exports = "".join(f"export {shlex.quote(key)}={shlex.quote(value)}\n" for key, value in env.items())
    return (
        "#!/bin/sh\n"
        f"{exports}"
        f"./{script_name}\n"
        "status=$?\n"
        f'echo "$status" > {EXIT_FILE}.tmp && mv {EXIT_FILE}.tmp {EXIT_FILE}\n'
        'exit "$status"\n'
    )


class Handlers:
    """The operations of one Slurm site."""

    def __init__(self, settings: SlurmSettings) -> None:
        self.settings = settings
        self.slurm = Slurm(settings.name, settings.slurm_conf)
        self.partitions_dir = settings.state_dir / "partitions"
        self.jobs_dir = settings.state_dir / "jobs"
        for folder in (self.partitions_dir, self.jobs_dir, settings.staging_dir):
            folder.mkdir(parents=True, exist_ok=True)
        self.lock = asyncio.Lock()

    # -- records ------------------------------------------------------------------------------------

    def _folder(self, job_id: str) -> Path:
        return self.settings.staging_dir / check_name(job_id)

    def _save_job(self, job: JobRecord) -> None:
        write_atomic(self.jobs_dir / f"{job.id}.json", json.dumps(dataclasses.asdict(job)).encode())

    def _job(self, job_id: str) -> JobRecord:
        path = self.jobs_dir / f"{check_name(job_id)}.json"
        if not path.exists():
            raise NotFound(f"site {self.settings.name} has no job {job_id}")
        return JobRecord(**json.loads(path.read_bytes()))

    def _partition(self, partition_id: str) -> dict[str, Any]:
        path = self.partitions_dir / f"{check_name(partition_id)}.json"
        if not path.exists():
            raise NotFound(f"site {self.settings.name} has no partition {partition_id}")
        partition: dict[str, Any] = json.loads(path.read_bytes())
        return partition

    def _save_partition(self, partition: dict[str, Any]) -> None:
        write_atomic(self.partitions_dir / f"{partition['id']}.json", json.dumps(partition).encode())

    def _offered(self) -> list[PartitionInfo]:
        offered = self.slurm.partitions()
        if self.settings.partitions:
            offered = [p for p in offered if p.name in self.settings.partitions]
        return offered

    # -- site -----------------------------------------------------------------------------------------

    async def get_site(self) -> Result:
        offered = await asyncio.to_thread(self._offered)
        site = {
            "kind": "slurm",
            "name": self.settings.name,
            "max_nodes": sum(len(p.nodes) for p in offered),
            "spot": False,
            "poll_interval": self.settings.poll_interval,
            "boot_time": 0,
            "single_job": False,
            "version": VERSION,
        }
        return site, 200

    async def get_user(self, name: str) -> Result:
        # sbatch submits every job as the gate's own account.
        return {"name": name, "run_as": getpass.getuser()}, 200

    async def list_flavors(self) -> Result:
        flavors = [
            {
                "name": p.name,
                "cpus": p.cpus,
                "mem": p.mem,
                "gpus": p.gpus,
                "storage": p.disk,
                "price": self.settings.prices.get(p.name, 0.0),
                "comment": f"Slurm partition {p.name}: {len(p.nodes)} node(s)",
            }
            for p in await asyncio.to_thread(self._offered)
        ]
        return flavors, 200

    async def list_images(self) -> Result:
        return [{"name": "host", "kind": "host", "comment": "the cluster nodes' own system"}], 200

    # -- partitions -----------------------------------------------------------------------------------

    async def list_partitions(self) -> Result:
        paths = sorted(self.partitions_dir.glob("*.json"))
        return [json.loads(path.read_bytes()) for path in paths], 200

    async def create_partition(self, body: dict[str, Any]) -> Result:
        async with self.lock:
            if (self.partitions_dir / f"{check_name(body['id'])}.json").exists():
                return self._partition(body["id"]), 200
            offered = {p.name: p for p in await asyncio.to_thread(self._offered)}
            shape = offered.get(body["flavor"])
            if shape is None:
                raise BadRequest(
                    f"no flavor {body['flavor']!r} on site {self.settings.name}; offered: {sorted(offered)}"
                )
            if body.get("image", "host") != "host":
                raise BadRequest(f"no image {body['image']!r} on site {self.settings.name}; offered: host")
            if body["count"] > len(shape.nodes):
                raise Conflict(f"Slurm partition {shape.name} has {len(shape.nodes)} node(s); {body['count']} asked")
            partition = {
                "id": body["id"],
                "state": "ready",
                "state_details": f"{body['count']} node(s) of Slurm partition {shape.name}",
                "flavor": shape.name,
                "image": "host",
                "count": body["count"],
                "nodes": [{"name": node} for node in shape.nodes[: body["count"]]],
                "created_at": _now(),
            }
            if body.get("owner"):
                partition["owner"] = body["owner"]
            self._save_partition(partition)
        return partition, 201

    async def get_partition(self, partition_id: str) -> Result:
        return self._partition(partition_id), 200

    async def delete_partition(self, partition_id: str) -> Result:
        try:
            partition = self._partition(partition_id)
        except NotFound:
            return {"id": partition_id, "state": "deleted", "state_details": "not known here"}, 200
        for path in self.jobs_dir.glob("*.json"):
            job = JobRecord(**json.loads(path.read_bytes()))
            if job.partition_id == partition_id and job.state not in ENDED:
                await self.cancel_job(job.id)
        partition.update(state="deleted", state_details="deleted; its jobs were cancelled")
        self._save_partition(partition)
        return partition, 200

    # -- jobs -------------------------------------------------------------------------------------

    async def start_job(self, body: dict[str, Any]) -> Result:
        async with self.lock:
            if (self.jobs_dir / f"{check_name(body['id'])}.json").exists():
                return self._job(body["id"]).to_wire(), 200
            refuse_image(self.settings.name, body)
            partition = self._partition(body["partition_id"])
            if partition["state"] != "ready":
                raise Conflict(f"partition {partition['id']} is {partition['state']}; jobs start on ready ones")
            if body.get("storage"):
                await self._check_disk(body, partition["flavor"])
            outputs = [check_name(name) for name in body.get("outputs", [])]
            folder = self._folder(body["id"])
            folder.mkdir(exist_ok=True)
            script = body["script"] if body["script"].startswith("#!") else "#!/bin/sh\n" + body["script"]
            (folder / "job.sh").write_text(script)
            (folder / "job.sh").chmod(0o755)
            env = {"SKYPORT_JOB_ID": body["id"], **body.get("env", {})}
            options = self._options(body, partition, folder)
            slurm_id = await asyncio.to_thread(self.slurm.submit, _wrapper("job.sh", env), options)
            job = JobRecord(
                id=body["id"],
                partition_id=partition["id"],
                slurm_id=slurm_id,
                state="pending",
                state_details=f"Slurm job {slurm_id} submitted",
                outputs=outputs,
                node_names=[node["name"] for node in partition["nodes"]],
                started_at=_now(),
            )
            self._save_job(job)
        return job.to_wire(), 201

    async def _check_disk(self, body: dict[str, Any], flavor: str) -> None:
        """Refuse (409) a job asking for more disk per node than the Slurm partition's TmpDisk, which
        sbatch --tmp would refuse too, saying how much there is."""
        shape = {p.name: p for p in await asyncio.to_thread(self._offered)}.get(flavor)
        disk = shape.disk if shape is not None else 0
        if body["storage"] > disk:
            raise Conflict(
                f"job {body['id']} asks for {body['storage']} MiB of disk per node (sbatch --tmp); the nodes of "
                f"Slurm partition {flavor} have {disk} MiB (TmpDisk in slurm.conf)"
            )

    def _options(self, body: dict[str, Any], partition: dict[str, Any], folder: Path) -> list[str]:
        options = [
            f"--job-name=skyport-{body['id']}",
            f"--partition={partition['flavor']}",
            f"--nodes={body.get('nodes', 1)}",
            f"--cpus-per-task={body.get('cpus', 1)}",
            f"--chdir={folder}",
            f"--output={folder / STDOUT}",
            f"--error={folder / STDERR}",
            f"--nodelist={','.join(node['name'] for node in partition['nodes'][: body.get('nodes', 1)])}",
        ]
        if body.get("mem"):
            options.append(f"--mem={body['mem']}M")
        if body.get("gpus"):
            options.append(f"--gres=gpu:{body['gpus']}")
        if body.get("storage"):
            options.append(f"--tmp={body['storage']}M")  # Slurm refuses it where TmpDisk is smaller
        if body.get("time_limit"):
            options.append(f"--time={math.ceil(body['time_limit'] / 60)}")
        if self.settings.account:
            options.append(f"--account={self.settings.account}")
        return options

    async def list_jobs(self, partition_id: str | None = None) -> Result:
        jobs = await asyncio.to_thread(self._refresh)
        return [job.to_wire() for job in jobs if partition_id in (None, job.partition_id)], 200

    def _refresh(self) -> list[JobRecord]:
        """Every job, with what Slurm says of those not ended yet (one squeue for all)."""
        jobs = [JobRecord(**json.loads(path.read_bytes())) for path in sorted(self.jobs_dir.glob("*.json"))]
        active = [job for job in jobs if job.state not in ENDED]
        queue = self.slurm.queue() if active else {}
        for job in active:
            seen = queue.get(job.slurm_id)
            changed = self._settle(job, seen.state if seen else None, seen.reason if seen else "")
            if changed and job.state in ENDED:
                job.max_rss = self.slurm.max_rss(job.slurm_id)
            if changed:
                self._save_job(job)
        return jobs

    def _settle(self, job: JobRecord, word: str | None, reason: str) -> bool:
        """Move ``job`` on by squeue's word for it (None: Slurm no longer lists it); True if it changed."""
        before = dataclasses.astuple(job)
        exit_file = self._folder(job.id) / EXIT_FILE
        if word in RUNNING:
            job.state = RUNNING[word]
            job.state_details = f"Slurm job {job.slurm_id} {word.lower()}" + (
                f" ({reason})" if reason != "None" else ""
            )
        elif (word in EXITED or word is None) and exit_file.exists():
            status = int(exit_file.read_text().strip() or 1)
            job.ended_at = _now()
            if status > 128:
                job.state, job.signal = "failed", status - 128
                job.state_details = f"killed by signal {status - 128}"
            else:
                job.state, job.exitcode, job.state_details = "finished", status, f"exited with status {status}"
        elif word == "CANCELLED":
            job.state, job.ended_at, job.state_details = "cancelled", _now(), "cancelled in Slurm"
        else:
            what = FAILED_WORDS.get(word or "", f"ended in Slurm as {word}" if word else "no longer known to Slurm")
            job.state, job.ended_at = "failed", _now()
            job.state_details = f"Slurm job {job.slurm_id}: {what}, without an exit status"
        return dataclasses.astuple(job) != before

    async def get_job(self, job_id: str) -> Result:
        self._job(job_id)
        jobs = await asyncio.to_thread(self._refresh)
        return next(job for job in jobs if job.id == job_id).to_wire(), 200

    async def cancel_job(self, job_id: str) -> Result:
        job = self._job(job_id)
        if job.state not in ENDED:
            await asyncio.to_thread(self.slurm.cancel, job.slurm_id)
            job.state, job.ended_at, job.state_details = "cancelled", _now(), "cancelled by the core"
            self._save_job(job)
        return job.to_wire(), 200

    async def _log(self, job_id: str, name: str, offset: int | None, length: int | None) -> Result:
        self._job(job_id)
        return await asyncio.to_thread(read_from, self._folder(job_id) / name, offset or 0, length), 200

    async def job_stdout(self, job_id: str, offset: int | None = None, length: int | None = None) -> Result:
        return await self._log(job_id, STDOUT, offset, length)

    async def job_stderr(self, job_id: str, offset: int | None = None, length: int | None = None) -> Result:
        return await self._log(job_id, STDERR, offset, length)

    # -- files ------------------------------------------------------------------------------------

    async def upload_input(self, job_id: str, name: str, body: bytes) -> Result:
        write_atomic(self._folder(job_id) / check_name(name), body)
        return {"name": name, "size": len(body), "kind": "input"}, 200

    async def list_outputs(self, job_id: str) -> Result:
        job = self._job(job_id)
        return await asyncio.to_thread(output_listing, self._folder(job_id), job.outputs), 200

    async def download_output(self, job_id: str, name: str, offset: int = 0, length: int = DEFAULT_RANGE) -> Result:
        if check_name(name) not in self._job(job_id).outputs:
            raise NotFound(f"job {job_id} has no output {name!r}")
        return await asyncio.to_thread(read_output, self._folder(job_id), name, offset, length), 200

    async def delete_job_files(self, job_id: str) -> Result:
        (self.jobs_dir / f"{check_name(job_id)}.json").unlink(missing_ok=True)
        await asyncio.to_thread(shutil.rmtree, self._folder(job_id), True)
        return None, 204
