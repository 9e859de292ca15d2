"""Job processes: starting each job as its own process group, signalling it, and noticing its end.

A job runs under a tiny ``/bin/sh`` wrapper that leads the job's process group. The wrapper waits
for a go byte on its stdin (so the gate can put it in the job's cgroup, or pin CPUs and set
memory limits, before the script exists), runs the job's command (the script in its sandbox, see
:mod:`skyport_gate_local.sandbox`), and writes the command's exit status to a file as its last act. Because
the wrapper has exited by the time anyone reads that file, the file is complete whenever the
wrapper's exit has been seen, and a gate that restarted (and so is not the wrapper's parent) reads
the status from it all the same.

One :class:`Watcher` thread per gate waits on a pidfd per job (``os.pidfd_open``; any process can
be watched, not only children), reaps children it spawned, and runs timers (time limits, the
SIGKILL after a grace period). It needs no SIGCHLD handler and no event loop, so it works the same
under uvicorn, inside the core's loop, or in a test.
"""

from __future__ import annotations

import contextlib
import dataclasses
import heapq
import itertools
import logging
import os
import resource
import selectors
import signal
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from skyport_gate_local.cgroups import Cgroups

logger = logging.getLogger(__name__)

# $1 is the work directory, $2 the status file, the rest the job's command. Ignoring the signals
# keeps the wrapper (and bubblewrap, which inherits that) alive while the script dies of a
# group-wide signal, so it can record 128+N; the command ends with ``env --default-signal``, so
# the script itself is not shielded.
WRAPPER = (
    "trap '' HUP INT TERM; read go || exit 125; "
    'cd "$1" || exit 125; unset OLDPWD; status=$2; shift 2; "$@" </dev/null; echo $? >"$status"'
)

_POLL_SECONDS = 0.05  # how often processes are checked when the kernel has no pidfd_open
# select() waits at most ~24 days (a C int of milliseconds): a far timer is waited for in steps.
_MAX_WAIT_SECONDS = 3600.0


@dataclasses.dataclass(frozen=True)
class Launch:
    """Everything needed to start one job's process group."""

    job_id: str
    workdir: Path
    command: Sequence[str]  # the script in its sandbox
    status: Path
    stdout: Path
    stderr: Path
    env: Mapping[str, str]
    cgroups: Sequence[str]  # the job's cgroup(s); when empty, cpu_set and mem are set on the wrapper
    cpu_set: frozenset[int]  # CPUs to pin the job to; empty means no pinning
    mem: int  # RLIMIT_AS in MiB; 0 means no limit


def script_command(script: Path) -> list[str]:
    """How to run a script: by its shebang when it has one, else with /bin/sh."""
    script.chmod(0o700)  # the job's own account reads it (the gate gives it that file)
    with script.open("rb") as file:
        if file.read(2) == b"#!":
            return [str(script)]
    return ["/bin/sh", str(script)]


def spawn(launch: Launch) -> tuple[int, int]:
    """Start the wrapper of one job in a new session, limited but held before running its command.

    Returns its pid and the write end of its go pipe: pass that to :func:`release` to let the
    script run. The gate reaps the wrapper itself (``os.waitpid``), so no Popen object outlives it.
    """
    argv = ["/bin/sh", "-c", WRAPPER, "skyport-job", str(launch.workdir), str(launch.status), *launch.command]
    go_read, go_write = os.pipe()
    flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND
    out, err = os.open(launch.stdout, flags, 0o644), os.open(launch.stderr, flags, 0o644)
    try:
        pid = os.posix_spawn(
            "/bin/sh",
            argv,
            dict(launch.env),
            file_actions=[
                (os.POSIX_SPAWN_DUP2, go_read, 0),
                (os.POSIX_SPAWN_DUP2, out, 1),
                (os.POSIX_SPAWN_DUP2, err, 2),
            ],
            setsid=True,
        )
    except OSError:
        os.close(go_write)
        raise
    finally:
        for fd in (go_read, out, err):
            os.close(fd)
    try:
        if launch.cgroups:
            Cgroups.enter(launch.cgroups, pid)
        elif launch.cpu_set:
            os.sched_setaffinity(pid, launch.cpu_set)
        if launch.mem > 0 and not launch.cgroups:
            limit = launch.mem * 1024 * 1024
            resource.prlimit(pid, resource.RLIMIT_AS, (limit, limit))
    except OSError:
        os.close(go_write)  # the wrapper reads end of file and exits without running the script
        os.waitpid(pid, 0)
        raise
    return pid, go_write


def release(go: int) -> None:
    """Let a spawned wrapper run its script (``go`` is the pipe end :func:`spawn` returned)."""
    with contextlib.suppress(BrokenPipeError):
        os.write(go, b"go\n")
    os.close(go)


def signal_group(pid: int, signum: int) -> None:
    """Send ``signum`` to every process of the group ``pid`` leads; a gone group is fine."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signum)


def start_time(pid: int) -> int | None:
    """When process ``pid`` started, in clock ticks since boot; None when there is no such live process."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    if fields[0] in ("Z", "X"):  # a zombie has ended
        return None
    return int(fields[19])


def is_alive(pid: int, pid_start: int | None) -> bool:
    """Whether ``pid`` is still the live process that started at ``pid_start``."""
    started = start_time(pid)
    return started is not None and (pid_start is None or started == pid_start)


def exit_status(path: Path) -> tuple[int | None, int | None]:
    """(exitcode, signal) from a wrapper's status file; (None, None) when it left none."""
    try:
        status = int(path.read_text().strip())
    except (OSError, ValueError):
        return None, None
    if 128 < status < 128 + signal.NSIG:  # the shell's way of saying "killed by signal N"
        return None, status - 128
    return status, None


@dataclasses.dataclass
class _Watched:
    job_id: str
    pid: int
    pid_start: int | None
    child: bool  # spawned by this gate, so it must reap it
    pidfd: int | None


class Watcher:
    """A thread that reports the end of watched process groups and runs timers."""

    def __init__(self, on_exit: Callable[[str], None]) -> None:
        self._on_exit = on_exit
        self._selector = selectors.DefaultSelector()
        self._wake_read, self._wake_write = os.pipe()
        os.set_blocking(self._wake_write, False)
        self._selector.register(self._wake_read, selectors.EVENT_READ)
        self._lock = threading.Lock()
        self._incoming: list[_Watched] = []
        self._polled: dict[int, _Watched] = {}
        self._timers: list[tuple[float, int, Callable[[], None]]] = []
        self._order = itertools.count()
        self._closing = False
        self._thread = threading.Thread(target=self._run, name="skyport-local-watcher", daemon=True)
        self._thread.start()

    def watch(self, job_id: str, pid: int, pid_start: int | None, *, child: bool, wake: bool = True) -> None:
        """Call ``on_exit(job_id)`` once the wrapper ``pid`` has ended (and been reaped, if it is a ``child``).

        With ``wake`` false the watcher takes the process on at its next :meth:`wake` (one for a
        batch of processes rather than one each)."""
        try:
            pidfd: int | None = os.pidfd_open(pid)
        except ProcessLookupError:
            pidfd = None  # already reaped elsewhere; the poll below notices at once
        except OSError:
            pidfd = None  # no pidfd_open on this kernel
        with self._lock:
            self._incoming.append(_Watched(job_id, pid, pid_start, child, pidfd))
        if wake:
            self.wake()

    def call_later(self, delay: float, callback: Callable[[], None]) -> None:
        """Run ``callback`` on the watcher thread after ``delay`` seconds."""
        with self._lock:
            heapq.heappush(self._timers, (time.monotonic() + delay, next(self._order), callback))
        self.wake()

    def close(self) -> None:
        """Stop watching; the processes themselves keep running."""
        self._closing = True
        self.wake()
        self._thread.join()
        for key in list(self._selector.get_map().values()):
            os.close(key.fd)
        self._selector.close()
        os.close(self._wake_write)

    def wake(self) -> None:
        """Have the watcher thread look at what was added (see :meth:`watch`)."""
        with contextlib.suppress(BlockingIOError, OSError):
            os.write(self._wake_write, b"x")

    def _timeout(self) -> float | None:
        with self._lock:
            next_timer = self._timers[0][0] - time.monotonic() if self._timers else None
        if self._polled:
            return _POLL_SECONDS if next_timer is None else min(next_timer, _POLL_SECONDS)
        return None if next_timer is None else min(max(next_timer, 0.0), _MAX_WAIT_SECONDS)

    def _run(self) -> None:
        while not self._closing:
            ended: list[_Watched] = []
            for key, _ in self._selector.select(self._timeout()):
                if key.fd == self._wake_read:
                    with contextlib.suppress(BlockingIOError):
                        os.read(self._wake_read, 4096)
                else:
                    ended.append(key.data)
            self._take_incoming()
            ended.extend(w for w in list(self._polled.values()) if not self._polled_alive(w))
            for watched in ended:
                self._finish(watched)
            self._run_due_timers()

    def _take_incoming(self) -> None:
        with self._lock:
            incoming, self._incoming = self._incoming, []
        for watched in incoming:
            if watched.pidfd is None:
                self._polled[watched.pid] = watched
            else:
                self._selector.register(watched.pidfd, selectors.EVENT_READ, watched)

    def _polled_alive(self, watched: _Watched) -> bool:
        if watched.child:
            with contextlib.suppress(ChildProcessError):
                return os.waitpid(watched.pid, os.WNOHANG) == (0, 0)
            return False
        return is_alive(watched.pid, watched.pid_start)

    def _finish(self, watched: _Watched) -> None:
        if watched.pidfd is not None:
            self._selector.unregister(watched.pidfd)
            os.close(watched.pidfd)
        self._polled.pop(watched.pid, None)
        # Until the wrapper is reaped its pid stays reserved, so the group is still surely ours:
        # end whatever the script left running in the background.
        signal_group(watched.pid, signal.SIGKILL)
        if watched.child:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(watched.pid, 0)
        try:
            self._on_exit(watched.job_id)
        except Exception:
            logger.exception("%s: recording the end of the job failed", watched.job_id)

    def _run_due_timers(self) -> None:
        while True:
            with self._lock:
                if not self._timers or self._timers[0][0] > time.monotonic():
                    return
                _, _, callback = heapq.heappop(self._timers)
            try:
                callback()
            except Exception:
                logger.exception("a job timer failed")
