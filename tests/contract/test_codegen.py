"""The committed generated code is exactly what the specs and templates give, and it type-checks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from skyport.codegen.cli import codegen
from skyport.codegen.generate import ROOT, TARGETS, Target, differences, render_into

PYTHON_TARGETS = [t for t in TARGETS if t.templates == "python_client"]


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every target regenerated into a temporary root."""
    root = tmp_path_factory.mktemp("codegen")
    render_into(root, TARGETS)
    return root


@pytest.mark.parametrize("target", TARGETS, ids=lambda t: t.name)
def test_committed_output_matches_a_fresh_generation(fresh: Path, target: Target) -> None:
    assert differences(fresh / target.output, ROOT / target.output) == [], "run `skyport codegen` and commit the result"


@pytest.mark.parametrize("target", PYTHON_TARGETS, ids=lambda t: t.name)
def test_generated_python_passes_mypy_strict(fresh: Path, target: Target) -> None:
    output = fresh / target.output
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(fresh / ".mypy"), str(output)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_generated_python_passes_the_projects_ruff_rules(fresh: Path) -> None:
    outputs = [str(fresh / t.output) for t in PYTHON_TARGETS]
    config = str(ROOT / "pyproject.toml")
    lint = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "--config", config, *outputs],
        capture_output=True,
        text=True,
        check=False,
    )
    assert lint.returncode == 0, lint.stdout
    style = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--check", "--no-cache", "--config", config, *outputs],
        capture_output=True,
        text=True,
        check=False,
    )
    assert style.returncode == 0, style.stdout


def test_every_generated_file_names_its_spec_and_says_do_not_edit(fresh: Path) -> None:
    for target in TARGETS:
        for path in (fresh / target.output).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                head = path.read_text(encoding="utf-8")[:400]
                assert f"spec/{target.spec}.yaml" in head and "do not edit" in head, path


def test_check_passes_on_the_committed_tree() -> None:
    result = CliRunner().invoke(codegen, ["--check"])
    assert result.exit_code == 0, result.output
    assert "up to date" in result.output


def test_check_fails_naming_the_file_when_a_template_changed(tmp_path: Path) -> None:
    package_template = ROOT / "src/skyport/codegen/templates/python_client/tls.py.jinja"
    changed = tmp_path / "python_client" / "tls.py.jinja"
    changed.parent.mkdir()
    changed.write_text(package_template.read_text(encoding="utf-8") + "\nTIMEOUT = 5\n", encoding="utf-8")
    result = CliRunner().invoke(codegen, ["--check", "--custom-templates", str(tmp_path)])
    assert result.exit_code == 1
    assert "clients/python/skyport_client/tls.py" in result.output
    assert "Run `skyport codegen`" in result.output


def test_regenerating_writes_only_what_changed(tmp_path: Path) -> None:
    first = CliRunner().invoke(codegen, ["--root", str(tmp_path)])
    assert first.exit_code == 0, first.output
    assert "clients/python/skyport_client/client.py" in first.output
    again = CliRunner().invoke(codegen, ["--root", str(tmp_path)])
    assert again.output.strip() == "nothing changed"


def test_python_m_skyport_codegen_runs_the_same_command() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "skyport.codegen", "--help"], capture_output=True, text=True, check=True
    )
    assert "gate-skeleton" in result.stdout
