"""The wheel users install holds what the daemon needs at run time, built the way cibuildwheel builds it."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation", "-q", "-w", str(out)],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("skyport_hpc-*.whl")
    return zipfile.ZipFile(built)


def test_wheel_holds_the_compiled_scheduler(wheel: zipfile.ZipFile) -> None:
    names = wheel.namelist()
    assert any(name.startswith("skyport/_sched.") and name.endswith(".so") for name in names), names
    assert "skyport/_sched.pyi" in names and "skyport/py.typed" in names


def test_wheel_holds_both_specs_with_their_shared_schemas(wheel: zipfile.ZipFile) -> None:
    specs = {name for name in wheel.namelist() if name.startswith("skyport/spec/")}
    repository = {f"skyport/spec/{path.relative_to(ROOT / 'spec')}" for path in (ROOT / "spec").rglob("*.yaml")}
    assert specs == repository
    for name in specs:
        assert wheel.read(name) == (ROOT / "spec" / name.removeprefix("skyport/spec/")).read_bytes()


def test_wheel_holds_every_codegen_template(wheel: zipfile.ZipFile) -> None:
    templates = ROOT / "src/skyport/codegen/templates"
    expected = {f"skyport/codegen/templates/{p.relative_to(templates)}" for p in templates.rglob("*") if p.is_file()}
    assert expected <= set(wheel.namelist())
