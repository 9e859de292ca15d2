"""The home is private: folders 0700, keys and the store 0600, and a daemon that checks it.

``skyport init``, the daemon and ``skyport gate`` create files with umask 0o077; homes made
before that are tightened here, except the keys: a key someone else could have read is the
operator's to judge, so the daemon refuses to start and names it.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from skyport_gate_sdk.certs import CA_KEY, CLIENT_KEY, CORE_KEY, SERVER_KEY, USERS
from skyport_gate_sdk.errors import BadRequest

UMASK = 0o077
_FOLDERS = ("jobs", "sites", "gates", USERS)  # hold job files, gate state and users' keys
_STORE = "skyport.db"


def key_files(home: Path) -> list[Path]:
    """Every private key in ``home``."""
    keys = [home / name for name in (CA_KEY, SERVER_KEY, CORE_KEY, CLIENT_KEY)]
    return [key for key in [*keys, *sorted((home / USERS).glob(f"*/{CLIENT_KEY}"))] if key.exists()]


def exposed_keys(home: Path) -> list[Path]:
    """The keys of ``home`` that its group or others may read or change."""
    return [key for key in key_files(home) if stat.S_IMODE(key.stat().st_mode) & 0o077]


def check_keys(home: Path) -> None:
    """Refuse a home whose keys are open to others, naming them and the fix."""
    exposed = exposed_keys(home)
    if exposed:
        names = " ".join(str(key) for key in exposed)
        raise BadRequest(
            f"private keys readable by others: {names}; whoever read them can act as their owner. "
            f"Fix with `chmod 600 {names}` (and reissue them if others may have copied them)"
        )


def make_private(home: Path, *, keys: bool) -> None:
    """Close the home, its job and state folders and the store to everyone but their owner.

    With ``keys``, the private keys too (``skyport init``); the daemon leaves them to
    :func:`check_keys`.
    """
    home.chmod(0o700)
    for name in _FOLDERS:
        if (home / name).is_dir():
            (home / name).chmod(0o700)
    for store in home.glob(f"{_STORE}*"):
        store.chmod(0o600)
    for key in key_files(home) if keys else ():
        key.chmod(0o600)


def private_umask() -> None:
    """From now on this process creates files only its user may read."""
    os.umask(UMASK)
