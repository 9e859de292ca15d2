"""A container runtime for the tests: Debian's podman, with one small image built on this machine.

No registry is reachable from the test machines, so the image is made here: busybox (Debian's
static build) and its applets, in a tar file that ``podman import`` turns into
``localhost/skyport-test-busybox:1``. The store is the session's own (``--root``/``--runroot``
under a temporary folder of /tmp, the ``vfs`` driver, which works in any container); runc is the OCI
runtime because crun refuses a machine whose cgroup v2 hierarchy sits beside v1 controllers
("cgroups in hybrid mode not supported"), as in this project's CI containers.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.debian import apt_install, installed

IMAGE = "localhost/skyport-test-busybox:1"
CATATONIT = "/usr/libexec/podman/catatonit"  # podman run --init


@dataclasses.dataclass(frozen=True)
class PodmanStore:
    """podman's global options for the session's store, and the image in it."""

    options: list[str]
    image: str


def _busybox_tar(folder: Path) -> Path:
    """A root file system of busybox and a link per applet, packed as a tar file."""
    busybox = installed("busybox", "busybox-static")
    root = folder / "rootfs"
    for sub in ("bin", "tmp", "etc"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    shutil.copy(busybox, root / "bin" / "busybox")
    applets = subprocess.run([busybox, "--list"], capture_output=True, text=True, check=True).stdout.split()
    for applet in applets:
        if applet != "busybox":
            (root / "bin" / applet).symlink_to("busybox")
    (root / "etc" / "passwd").write_text("root:x:0:0:root:/:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n")
    archive = folder / "rootfs.tar"
    with tarfile.open(archive, "w") as tar:
        tar.add(root, arcname=".")
    return archive


@pytest.fixture(scope="session")
def podman_store() -> Iterator[PodmanStore]:
    """The session's podman store holding :data:`IMAGE`; a skip where podman cannot be installed."""
    podman = installed("podman", "podman")
    present = shutil.which("runc") and Path(CATATONIT).exists()
    if os.geteuid() != 0 or not (present or apt_install("runc", "catatonit")):
        pytest.skip("jobs in images need root, runc and catatonit (apt-get install runc catatonit)")
    folder = Path(
        tempfile.mkdtemp(prefix="skyport-podman-", dir="/tmp")
    )  # podman takes a runroot of 50 characters at most
    options = [
        f"--root={folder / 'storage'}",
        f"--runroot={folder / 'run'}",
        "--storage-driver=vfs",
        "--runtime=runc",
        "--cgroup-manager=cgroupfs",
        "--events-backend=file",
    ]
    command = [podman, *options, "import", str(_busybox_tar(folder)), IMAGE]
    done = subprocess.run(command, check=False, capture_output=True, text=True)
    assert done.returncode == 0, f"podman import failed: {done.stderr}"
    yield PodmanStore(options, IMAGE)
    subprocess.run([podman, *options, "rm", "--all", "--force", "--time=0"], check=False, capture_output=True)
    shutil.rmtree(folder, ignore_errors=True)
