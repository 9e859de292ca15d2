"""The TypeScript clients type-check with ``tsc --noEmit`` under strict settings.

TypeScript is installed with npm into a cache folder shared by test runs (the registry must be
reachable the first time).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from skyport.codegen.generate import ROOT
from tests.conftest import npm_tool

CLIENT = ROOT / "clients" / "typescript"


@pytest.fixture(scope="module")
def tsc() -> Path:
    """The tsc of the TypeScript version clients/typescript/package.json pins, installed once."""
    version = json.loads((CLIENT / "package.json").read_text(encoding="utf-8"))["devDependencies"]["typescript"]
    return npm_tool("typescript", version, "tsc")


def test_typescript_clients_type_check(tsc: Path) -> None:
    result = subprocess.run([str(tsc), "--noEmit", "-p", str(CLIENT)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_tsc_rejects_a_call_with_a_wrong_state(tsc: Path, tmp_path: Path) -> None:
    """The types are precise enough to catch a wrong enum value at compile time."""
    misuse = tmp_path / "misuse.ts"
    terminal = (CLIENT / "src" / "terminal" / "index.ts").as_posix()
    misuse.write_text(
        f'import {{ Client, listJobs }} from "{terminal}";\n'
        'export const jobs = listJobs(new Client({ baseUrl: "https://localhost" }), { state: ["X"] });\n',
        encoding="utf-8",
    )
    options = ["--noEmit", "--strict", "--target", "ES2022", "--module", "ES2022", "--lib", "ES2022,DOM"]
    result = subprocess.run(
        [str(tsc), *options, "--allowImportingTsExtensions", str(misuse)], capture_output=True, text=True, check=False
    )
    assert result.returncode != 0
    assert "JobState" in result.stdout
