"""Jobs in container images: the local site's container runtime (podman), when it has one.

A job that names an image (``#SWM container-image`` on a site that has it, TES executors' ``image``,
``#SWM run-in``) runs as::

    podman [podman_options] run --rm --pull=never --name skyport-<job> --init
           --network=none --read-only --cap-drop=all --security-opt=no-new-privileges
           --user <uid>:<gid> --memory <mem>m --cpuset-cpus <cpus> --pids-limit <max_processes>
           --volume <work>:<work> --volume <script>:<script>:ro --workdir <work>
           --env-file <job>/env   (the job's environment; not on a command line others can read)
           <image> <script>

podman itself runs with the gate's own environment (never the job's: a HOME in the job's folder
would let the job's files configure podman). The job sees the image's file system (read-only,
with a private /tmp), its own work folder and volumes, and nothing else of this machine: no other
job's folder, no Skyport home, no network.
Images are never pulled: the site runs what its operator put in its image store (``podman images``).
``--init`` (catatonit) forwards the gate's SIGTERM to the script; a job killed past its grace
period leaves its container behind, so the gate removes it by name (:meth:`Podman.remove`).
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

RUNTIMES = ("podman", "none")
_TIMEOUT = 60  # seconds for one podman command other than a job's run


@dataclasses.dataclass(frozen=True)
class Podman:
    """podman, with the site's global options (``--root``, ``--runtime`` ...)."""

    binary: str
    options: tuple[str, ...] = ()

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        """podman ``args``; OSError when it does not answer in time."""
        try:
            return subprocess.run(
                [self.binary, *self.options, *args], capture_output=True, text=True, timeout=_TIMEOUT, check=False
            )
        except subprocess.TimeoutExpired:
            raise OSError(f"podman {args[0]} did not answer within {_TIMEOUT} s") from None

    def images(self) -> list[str]:
        """The names (``repository:tag``) of the images in the site's store; empty when podman fails."""
        try:
            done = self._run("images", "--format", "json")
        except OSError:
            return []
        if done.returncode != 0:
            return []
        names = {name for image in json.loads(done.stdout or "[]") for name in image.get("Names") or []}
        return sorted(names)

    def has(self, image: str) -> bool:
        """Whether the store holds ``image`` (short names as podman resolves them)."""
        return self._run("image", "exists", image).returncode == 0

    def command(
        self,
        *,
        name: str,
        image: str,
        uid: int,
        gid: int,
        workdir: Path,
        script_file: Path,
        script: Sequence[str],
        volumes: Iterable[tuple[Path, str]],
        env_file: Path,
        cpu_set: Sequence[int],
        mem: int,
        max_processes: int,
        open_files: int,
    ) -> list[str]:
        """The argv that runs ``script`` in ``image`` as ``uid:gid``, limited as the job asked."""
        work, file = str(workdir), str(script_file)
        argv = [self.binary, *self.options, "run", "--rm", "--pull=never", f"--name={name}", "--init"]
        argv += ["--network=none", "--read-only", "--cap-drop=all", "--security-opt=no-new-privileges"]
        argv += [f"--user={uid}:{gid}", f"--pids-limit={max_processes}"]
        argv += [f"--ulimit=nofile={open_files}:{open_files}", f"--ulimit=nproc={max_processes}:{max_processes}"]
        if mem:
            argv.append(f"--memory={mem}m")
        if cpu_set:
            argv.append(f"--cpuset-cpus={','.join(str(cpu) for cpu in cpu_set)}")
        argv += [f"--volume={source}:{target}" for source, target in volumes]
        argv += [f"--volume={work}:{work}", f"--volume={file}:{file}:ro", f"--workdir={work}"]
        argv.append(f"--env-file={env_file}")
        return [*argv, "--", image, *script]

    def remove(self, name: str) -> None:
        """Remove the container ``name`` (killing what is left of it); nothing when there is none."""
        self._run("rm", "--force", "--ignore", "--time=0", name)


def write_env_file(path: Path, env: Mapping[str, str]) -> None:
    """Write a job's environment as podman's ``--env-file`` reads it, readable by the gate only."""
    path.unlink(missing_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as file:
        file.writelines(f"{key}={value}\n" for key, value in env.items())


def env_problem(env: Mapping[str, str]) -> str:
    """Why ``env`` cannot go in an env file (a value spanning lines); empty when it can."""
    bad = sorted(key for key, value in env.items() if "\n" in value or "\r" in value)
    return (
        f"environment variables {', '.join(bad)} hold line breaks, which a container's environment file cannot"
        if bad
        else ""
    )


def container_name(job_id: str) -> str:
    """The name of a job's container."""
    return f"skyport-{job_id}"


def find(kind: str | None, options: Sequence[str]) -> tuple[Podman | None, str]:
    """The site's runtime: ``podman``, ``none``, or (``kind`` None) podman when it is installed.

    Returns None and, when the operator asked for podman, why it cannot be used.
    """
    if kind == "none":
        return None, ""
    binary = shutil.which("podman")
    if binary is None:
        if kind is None:
            return None, ""
        return None, "container_runtime is podman but podman is not installed (apt-get install podman)"
    return Podman(binary, tuple(options)), ""
