"""``skyport codegen gate-skeleton NAME --out DIR`` writes a gate project that imports, serves the API, answers 501."""

from __future__ import annotations

import asyncio
import importlib
import sys
import tomllib
import warnings
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import httpx
import pytest
from click.testing import CliRunner

from skyport.codegen.cli import codegen
from skyport.sites.gate_client import Client
from skyport.sites.gate_client.api.partitions import create_partition
from skyport.sites.gate_client.api.site import get_site
from skyport.sites.gate_client.errors import ApiError
from skyport.sites.gate_client.models import PartitionRequest

# Importing connexion warns "install httpx2" as a UserWarning, which pyproject's DeprecationWarning
# filter misses; with filterwarnings=error the first skeleton import would fail. Import it quietly.
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import connexion  # noqa: F401


@pytest.fixture(scope="module")
def skeleton(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, ModuleType]]:
    """A skeleton of the gate kind ``demo``, generated through the CLI and imported."""
    out = tmp_path_factory.mktemp("gate") / "demo"
    result = CliRunner().invoke(codegen, ["gate-skeleton", "demo", "--out", str(out)])
    assert result.exit_code == 0, result.output
    sys.path.insert(0, str(out))
    try:
        yield out, importlib.import_module("skyport_gate_demo")
    finally:
        sys.path.remove(str(out))
        sys.modules.pop("skyport_gate_demo", None)
        sys.modules.pop("skyport_gate_demo.handlers", None)


def _call(module: ModuleType, operation: object, **kwargs: object) -> object:
    async def run() -> object:
        app = module.create_app({"name": "test"})
        async with Client("http://demo.gate", async_transport=httpx.ASGITransport(app=app)) as client:
            return await operation.asyncio(client=client, **kwargs)  # type: ignore[attr-defined]

    return asyncio.run(run())


def test_unwritten_operation_answers_501_naming_it(skeleton: tuple[Path, ModuleType]) -> None:
    with pytest.raises(ApiError) as answered:
        _call(skeleton[1], get_site)
    assert answered.value.status_code == 501
    assert answered.value.detail.startswith("not implemented yet: get_site")


def test_request_is_validated_before_the_handler_runs(skeleton: tuple[Path, ModuleType]) -> None:
    request = PartitionRequest(id="has spaces", flavor="small", count=1)
    with pytest.raises(ApiError) as answered:
        _call(skeleton[1], create_partition, body=request)
    assert answered.value.status_code == 400


def test_valid_request_reaches_the_handler_stub(skeleton: tuple[Path, ModuleType]) -> None:
    with pytest.raises(ApiError) as answered:
        _call(skeleton[1], create_partition, body=PartitionRequest(id="p1", flavor="small", count=1))
    assert (answered.value.status_code, answered.value.detail.split(" (")[0]) == (
        501,
        "not implemented yet: create_partition",
    )


def test_every_gate_operation_has_a_handler(skeleton: tuple[Path, ModuleType]) -> None:
    from skyport import specs

    operations = {
        op["operationId"]
        for item in specs.load("core-gate")["paths"].values()
        for op in item.values()
        if isinstance(op, dict) and "operationId" in op
    }
    assert operations <= set(vars(skeleton[1].Handlers))


def test_project_registers_the_gate_under_skyport_gates(skeleton: tuple[Path, ModuleType]) -> None:
    project = tomllib.loads((skeleton[0] / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["entry-points"]["skyport.gates"] == {"demo": "skyport_gate_demo:create_app"}


def test_skeleton_refuses_a_folder_that_has_files(tmp_path: Path) -> None:
    (tmp_path / "mine.txt").write_text("keep me", encoding="utf-8")
    result = CliRunner().invoke(codegen, ["gate-skeleton", "demo", "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert "is not empty" in result.output
    assert (tmp_path / "mine.txt").read_text(encoding="utf-8") == "keep me"
