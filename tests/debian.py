"""Debian packages the tests need, installed by the tests themselves when missing.

A fresh clone (CI) has none of them; as root with apt-get the tests install what they need, and
anywhere else a test that needs a missing package skips, naming it.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess

import pytest


@functools.cache
def apt_install(*packages: str) -> bool:
    """Install Debian ``packages``; False when that cannot be done here (needs root and apt-get)."""
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        return False
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    wait = ["-o", "DPkg::Lock::Timeout=600"]  # another test process may be installing at the same time
    install = ["apt-get", *wait, "install", "-y", "-qq", "--no-install-recommends", *packages]
    if subprocess.run(install, env=env, check=False, capture_output=True).returncode == 0:
        return True
    subprocess.run(["apt-get", *wait, "update", "-qq"], env=env, check=False, capture_output=True)
    return subprocess.run(install, env=env, check=False, capture_output=True).returncode == 0


def installed(binary: str, package: str) -> str:
    """The path of ``binary`` from the Debian ``package``, installed when missing, else a skip."""
    found = shutil.which(binary)
    if found is None and apt_install(package):
        found = shutil.which(binary)
    if found is None:
        pytest.skip(f"{package} is not installed and cannot be installed here (needs root and apt-get)")
    return found


def bubblewrap() -> str:
    """The path of ``bwrap``, which the local gate sandboxes jobs with."""
    return installed("bwrap", "bubblewrap")


def chromium() -> str:
    """The path of ``chromium``, which the dashboard's browser tests drive."""
    return installed("chromium", "chromium")
