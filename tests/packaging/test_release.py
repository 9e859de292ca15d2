"""What a release uploads passes the checks PyPI makes, and every file carries the license."""

from __future__ import annotations

import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from tests.packaging.conftest import run
from tests.packaging.test_distributions import PROJECTS

pytestmark = pytest.mark.slow  # uses every sdist and wheel of tests/packaging/conftest.py


@pytest.fixture(scope="module")
def uploads(wheelhouse: Path, sdist: Path) -> list[Path]:
    return sorted([*wheelhouse.glob("*.whl"), *wheelhouse.glob("*.tar.gz"), sdist])


def test_one_wheel_per_distribution_and_an_sdist_of_each(uploads: list[Path]) -> None:
    names = sorted(path.name.split("-")[0] for path in uploads)
    assert names == sorted(2 * [name.replace("-", "_") for name in PROJECTS])


def test_twine_check_strict_passes(uploads: list[Path]) -> None:
    output = run([sys.executable, "-m", "twine", "check", "--strict", *uploads], cwd=uploads[0].parent)
    assert output.count("PASSED") == len(uploads), output


def test_every_upload_carries_the_license(uploads: list[Path]) -> None:
    license_text = (Path(__file__).parents[2] / "LICENSE").read_bytes()
    for path in uploads:
        if path.suffix == ".whl":
            with zipfile.ZipFile(path) as wheel:
                (name,) = [n for n in wheel.namelist() if n.endswith(".dist-info/licenses/LICENSE")]
                assert wheel.read(name) == license_text, path.name
        else:
            with tarfile.open(path) as tar:
                member = tar.extractfile(f"{path.name.removesuffix('.tar.gz')}/LICENSE")
                assert member is not None and member.read() == license_text, path.name
