"""The core's sdist builds into a wheel on its own, and that wheel holds what the daemon needs and nothing else."""

from __future__ import annotations

import tarfile
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # builds the sdist, then compiles the scheduler from it (tests/packaging/conftest.py)

ROOT = Path(__file__).parents[2]


@pytest.fixture(scope="module")
def wheel(core_wheel: Path) -> zipfile.ZipFile:
    return zipfile.ZipFile(core_wheel)


def test_sdist_carries_the_cython_source_and_not_the_generated_c(sdist: Path) -> None:
    with tarfile.open(sdist) as tar:
        names = {name.split("/", 1)[1] for name in tar.getnames() if "/" in name}
    assert {"src/skyport/_sched.pyx", "src/skyport/_sched.pyi", "src/skyport/py.typed", "setup.py", "LICENSE"} <= names
    assert "src/skyport/_sched.c" not in names
    assert {"src/skyport/spec/core-terminal.yaml", "src/skyport/spec/core-gate.yaml"} <= names


def test_wheel_holds_the_compiled_scheduler_stripped(wheel: zipfile.ZipFile) -> None:
    names = wheel.namelist()
    (library,) = [name for name in names if name.startswith("skyport/_sched.") and name.endswith(".so")]
    assert "skyport/_sched.pyi" in names and "skyport/py.typed" in names
    assert b".symtab\x00" not in wheel.read(library), "the scheduler's shared object still has its symbol table"


def test_wheel_has_no_c_or_cython_source(wheel: zipfile.ZipFile) -> None:
    assert [name for name in wheel.namelist() if name.endswith((".c", ".pyx"))] == []


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


def test_wheel_holds_the_dashboard_with_its_compiled_client(wheel: zipfile.ZipFile) -> None:
    page = ROOT / "src/skyport/ui"
    shipped = {f"skyport/ui/{p.relative_to(page)}" for p in page.rglob("*") if p.is_file()}
    assert {"skyport/ui/index.html", "skyport/ui/app.js", "skyport/ui/client/terminal/index.js"} <= shipped
    assert shipped <= set(wheel.namelist())
