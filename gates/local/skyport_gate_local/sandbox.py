"""The box a local job runs in: bubblewrap namespaces, a Unix account, and an environment built for it.

A job is untrusted code. With ``sandbox: bubblewrap`` (the default) its command becomes::

    bwrap --unshare-pid --unshare-ipc --die-with-parent
          --ro-bind /usr /usr  --symlink usr/bin /bin  ...   the system, read-only
          --tmpfs <hidden>...                               the Skyport home and the gate's state, if under it
          --proc /proc --dev /dev --tmpfs /tmp              its own /proc, a minimal /dev, a private /tmp
          --bind <work> <work> --chdir <work>               its work folder, read-write
          -- [setpriv --reuid U ...] env --default-signal=HUP,INT,TERM <script>

Only :data:`SYSTEM` (and the site's ``read_only`` folders) is bound, so the job sees nothing of
/root, /home, /tmp, /run or /srv: the
Skyport home (under one of those in every ordinary set-up), other jobs' folders and other users'
files are not there at all. The sandbox's PID namespace dies with its first process, so killing
it ends every process of the job, ``setsid`` or not; ``--die-with-parent`` ties it to the job's
wrapper (not to the gate, so a gate restart leaves jobs running).

When the gate runs as root, bubblewrap runs as root (it needs no user namespace then) and
``setpriv`` switches to the job's Unix account inside the sandbox, with no capabilities and
``no_new_privs``. Otherwise bubblewrap makes an unprivileged user namespace and the job runs as
the gate's own account.

The wrapper ignores SIGHUP, SIGINT and SIGTERM so that a signal sent to the job's process group
stops the script, not bubblewrap; ``env --default-signal`` gives the script the defaults back.
"""

from __future__ import annotations

import dataclasses
import os
import pwd
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

from skyport_gate_sdk.errors import NotFound

# What a job sees of the machine, read-only. Symbolic links among them (/bin -> usr/bin on
# merged-/usr systems) are recreated as links.
SYSTEM = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc", "/opt")
PATH = "/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin"
RESET_SIGNALS = "HUP,INT,TERM"
INSTALL_HINT = "install it (apt-get install bubblewrap), or set `sandbox: none` in the local site's settings"


@dataclasses.dataclass(frozen=True)
class Account:
    """The Unix account a job runs as."""

    name: str
    uid: int
    gid: int


def gate_account() -> Account:
    """The account the gate itself runs as."""
    entry = pwd.getpwuid(os.geteuid())
    return Account(entry.pw_name, entry.pw_uid, entry.pw_gid)


def run_as(user: str | None, users: Mapping[str, str]) -> Account:
    """The Unix account for jobs of Skyport ``user``: the gate's own unless the gate is root.

    As root, ``users`` maps Skyport names to Unix names (the same name otherwise); a job without
    an owner runs as ``nobody``. Raises :class:`NotFound` naming the fix when there is no such account.
    """
    if os.geteuid() != 0:
        return gate_account()
    name = users.get(user, user) if user else "nobody"
    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        mapped = f" (mapped to {name!r} in the site's `users:`)" if user in users else ""
        raise NotFound(
            f"user {user!r} has no Unix account{mapped} on this machine, and the local gate runs jobs as "
            f"their user's account: add a `users:` mapping in the local site's settings (e.g. "
            f"{{{user}: nobody}}) or create Unix user {name!r}"
        ) from None
    return Account(entry.pw_name, entry.pw_uid, entry.pw_gid)


def environment(
    *, job_id: str, name: str, user: str, account: Account, workdir: Path, requested: Mapping[str, str]
) -> dict[str, str]:
    """The whole environment of a job: a small documented set, then what the job asked for."""
    return {
        "PATH": PATH,
        "HOME": str(workdir),
        "LANG": "C.UTF-8",
        "TMPDIR": "/tmp",
        "USER": account.name,
        "LOGNAME": account.name,
        "SKYPORT_USER": user,
        "SKYPORT_JOB_ID": job_id,
        "SKYPORT_JOB_NAME": name,
        "SWM_JOBID": job_id,
        **requested,
    }


@dataclasses.dataclass(frozen=True)
class Sandbox:
    """How job commands are wrapped; ``box`` is empty with ``sandbox: none``."""

    box: tuple[str, ...]  # bwrap and the mounts every job gets; its own folder and script come after
    setpriv: str
    env: str

    def command(
        self,
        account: Account,
        workdir: Path,
        script_file: Path,
        script: Sequence[str],
        volumes: Sequence[tuple[Path, str]] = (),
    ) -> list[str]:
        """The argv that runs ``script`` in the box, as ``account``, with default signal handling.

        Each of ``volumes`` is a folder of the job's own and the path the job sees it at; they are
        bound before the work folder, so a volume above it cannot hide it.
        """
        inner = [self.env, f"--default-signal={RESET_SIGNALS}", *script]
        if os.geteuid() == 0:
            inner = [
                self.setpriv,
                f"--reuid={account.uid}",
                f"--regid={account.gid}",
                "--init-groups",
                "--inh-caps=-all",
                "--bounding-set=-all",
                "--no-new-privs",
                "--",
                *inner,
            ]
        if not self.box:
            return inner
        work, file = str(workdir), str(script_file)
        binds = [arg for source, target in volumes for arg in ("--bind", str(source), target)]
        mounts = ["--bind", work, work, "--ro-bind", file, file, "--chdir", work]
        return [*self.box, *binds, *_reachable_parents(workdir), *mounts, "--", *inner]


def volume_problem(path: str) -> str:
    """Why a job cannot have a folder of its own at ``path`` in the box; empty when it can."""
    system = (*SYSTEM, "/proc", "/dev", "/sys", "/run")
    under = next((top for top in system if path == top or path.startswith(f"{top}/")), None)
    if under is not None:
        return f"volume {path} is inside {under}, which the sandbox shows read-only or builds itself"
    return ""


def box(bwrap: str, hidden: Sequence[Path], shared: Sequence[Path]) -> tuple[str, ...]:
    """bwrap's options common to every job: namespaces, the read-only system and ``shared``, /proc, /dev, /tmp."""
    argv = [bwrap, "--unshare-pid", "--unshare-ipc", "--die-with-parent"]
    for top in SYSTEM:
        path = Path(top)
        if path.is_symlink():
            argv += ["--symlink", os.readlink(path), top]
        elif path.is_dir():
            argv += ["--ro-bind", top, top]
    argv += ["--proc", "/proc", "--dev", "/dev", "--perms", "1777", "--tmpfs", "/tmp"]
    seen = [Path(top) for top in SYSTEM]
    for folder in shared:
        if folder.exists() and not any(folder.is_relative_to(top) for top in seen):
            argv += [*_reachable_parents(folder), "--ro-bind", str(folder), str(folder)]
            seen.append(folder)
    covered: list[Path] = []
    for folder in sorted(hidden, key=lambda path: len(path.parts)):
        if any(folder.is_relative_to(top) for top in seen) and not any(folder.is_relative_to(c) for c in covered):
            argv += [*_reachable_parents(folder), "--tmpfs", str(folder)]
            covered.append(folder)
    return tuple(argv)


def _reachable_parents(path: Path) -> list[str]:
    """Options making the folders above ``path`` traversable: bwrap would copy the host's modes (0700 /root).

    A folder that is already there (under a read-only system folder, say) is left as it is.
    """
    argv = []
    for parent in reversed(path.parents):
        if parent != Path("/"):
            argv += ["--perms", "0755", "--dir", str(parent)]
    return argv


def hidden_folders(state_dir: Path) -> tuple[Path, ...]:
    """The gate's state directory and, when it is ``<home>/sites/<site>`` (the daemon's) or
    ``<home>/gates/<site>`` (``skyport gate``'s), the Skyport home."""
    state_dir = state_dir.resolve()
    if state_dir.parent.name in ("sites", "gates"):
        return state_dir, state_dir.parent.parent
    return (state_dir,)


def find(kind: str, state_dir: Path, shared: Sequence[Path] = ()) -> tuple[Sandbox | None, str]:
    """The sandbox of ``kind`` (``bubblewrap`` or ``none``), or None and why it cannot be used."""
    setpriv, env = shutil.which("setpriv") or "/usr/bin/setpriv", shutil.which("env") or "/usr/bin/env"
    if kind == "none":
        return Sandbox((), setpriv, env), ""
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        return None, f"bubblewrap (bwrap) is not installed, so jobs cannot be sandboxed: {INSTALL_HINT}"
    sandbox = Sandbox(box(bwrap, hidden_folders(state_dir), shared), setpriv, env)
    # One trial run: a kernel without user namespaces (as a non-root gate) fails here, not in a job.
    trial = sandbox.command(gate_account(), state_dir, Path("/bin/true"), ["/bin/true"])
    try:
        done = subprocess.run(trial, capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return None, f"bubblewrap could not run a trial sandbox ({exc}): {INSTALL_HINT}"
    if done.returncode != 0:
        return None, f"bubblewrap could not run a trial sandbox: {done.stderr.strip()}; fix that, or {INSTALL_HINT}"
    return sandbox, ""
