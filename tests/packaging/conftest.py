"""What a user downloads, built once per test session: the sdists and wheels of every distribution.

The core's wheel is built from its sdist alone, in a fresh virtual environment outside the source
tree, as pip does for a user on a platform with no wheel; it is also the wheel the install test
uses, so the scheduler is compiled once. The pure distributions are built with ``python -m build``
(sdist, then the wheel from it) from their folders.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
# What a build of the checkout never reads. The sdist is built from a copy without these, so it does
# not depend on (or race with) anything else writing into the checkout while the tests run (such as
# scripts/wheels-aarch64's own sdist, whose release tree skyport_hpc-* comes and goes).
SOURCE_ONLY = shutil.ignore_patterns(
    ".git", ".venv", "dist", "build", "node_modules", "__pycache__", "*.egg-info", "*.so", "skyport_hpc-*"
)
PURE = [
    "sdk",
    "clients/python",
    "gates/local",
    "gates/aws",
    "gates/azure",
    "gates/openstack",
    "gates/slurm",
    "clients/jupyterhub",
]


def run(argv: list[str | Path], cwd: Path, env: dict[str, str] | None = None) -> str:
    """Run a build or install step; its output, or a failure that shows it."""
    command = [str(a) for a in argv]
    done = subprocess.run(command, check=False, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{' '.join(command)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def clean_env() -> dict[str, str]:
    """The environment without anything that would point Python or a build at this source tree."""
    drop = {"PYTHONPATH", "VIRTUAL_ENV", "SKYPORT_CYTHON_DEBUG", "SKYPORT_HOME", "SKYPORT_URL"}
    return {k: v for k, v in os.environ.items() if k not in drop}


def fresh_venv(path: Path) -> Path:
    """A new, empty virtual environment at ``path``; its ``bin`` folder. :func:`pip` installs into it."""
    run([sys.executable, "-m", "venv", "--without-pip", path], cwd=path.parent)
    return path / "bin"


def pip(bin_dir: Path, *args: str | Path) -> list[str | Path]:
    """A pip command run by the interpreter of the environment ``bin_dir`` (pip itself comes from this one)."""
    return [sys.executable, "-m", "pip", "--python", bin_dir / "python", *args]


@pytest.fixture(scope="session")
def sdist(tmp_path_factory: pytest.TempPathFactory, dashboard_client: Path) -> Path:
    """The core's sdist, built from a copy of this tree, with the dashboard's client compiled (scripts/build-ui)."""
    out = tmp_path_factory.mktemp("sdist")
    tree = tmp_path_factory.mktemp("sdist-source") / "skyport"
    shutil.copytree(ROOT, tree, ignore=SOURCE_ONLY)
    run([sys.executable, "-m", "build", "--sdist", "--no-isolation", "--outdir", out, tree], cwd=out, env=clean_env())
    (built,) = out.glob("skyport_hpc-*.tar.gz")
    return built


@pytest.fixture(scope="session")
def wheelhouse(tmp_path_factory: pytest.TempPathFactory, sdist: Path) -> Path:
    """Every distribution's wheel, and the pure ones' sdists; the core's wheel built from its sdist alone."""
    house = tmp_path_factory.mktemp("wheelhouse")
    work = tmp_path_factory.mktemp("from-sdist")
    with tarfile.open(sdist) as tar:
        tar.extractall(work / "unpacked", filter="data")
    (unpacked,) = (work / "unpacked").iterdir()
    run(pip(fresh_venv(work / "venv"), "wheel", "--no-deps", "-q", "-w", house, unpacked), cwd=work, env=clean_env())
    for folder in PURE:
        run([sys.executable, "-m", "build", "--no-isolation", "--outdir", house, ROOT / folder], cwd=house)
    return house


@pytest.fixture(scope="session")
def core_wheel(wheelhouse: Path) -> Path:
    (built,) = wheelhouse.glob("skyport_hpc-*.whl")
    return built
