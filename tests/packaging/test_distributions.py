"""Our distributions have names nobody else has on PyPI and pin each other's exact version."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any

import trove_classifiers

import skyport

ROOT = Path(__file__).parents[2]
PROJECTS = {
    "skyport-hpc": ROOT,
    "skyport-hpc-gate": ROOT / "sdk",
    "skyport-hpc-client": ROOT / "clients/python",
    "skyport-hpc-gate-local": ROOT / "gates/local",
    "skyport-hpc-gate-aws": ROOT / "gates/aws",
    "skyport-hpc-gate-azure": ROOT / "gates/azure",
    "skyport-hpc-gate-openstack": ROOT / "gates/openstack",
    "skyport-hpc-gate-slurm": ROOT / "gates/slurm",
    "skyport-hpc-jupyterhub": ROOT / "clients/jupyterhub",
}


def project(name: str) -> dict[str, Any]:
    table: dict[str, Any] = tomllib.loads((PROJECTS[name] / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return table


def requirements(name: str) -> list[str]:
    table = project(name)
    extras = table.get("optional-dependencies", {})
    return [*table.get("dependencies", []), *(r for rows in extras.values() for r in rows)]


def test_every_distribution_has_its_name_and_the_core_version() -> None:
    for name in PROJECTS:
        assert project(name)["name"] == name
        assert project(name)["version"] == skyport.__version__, name


def test_a_requirement_on_one_of_ours_pins_the_same_version() -> None:
    pins = 0
    for name in PROJECTS:
        for requirement in requirements(name):
            match = re.match(r"(skyport[a-z0-9-]*)(\[[a-z,]+\])?(.*)", requirement)
            if match is None or match[1] == name:  # the core's test extra names the core's own extras
                continue
            assert match[1] in PROJECTS, f"{name} requires {requirement!r}, which is not one of ours"
            assert match[3] == f"=={skyport.__version__}", f"{name} requires {requirement!r} without the exact version"
            pins += 1
    assert pins >= 9


def test_every_distribution_ships_the_license_and_says_who_and_where() -> None:
    for name, folder in PROJECTS.items():
        assert (folder / "LICENSE").read_bytes() == (ROOT / "LICENSE").read_bytes(), name
        table = project(name)
        assert table["license-files"] == ["LICENSE"] and table["authors"], name
        assert table["urls"]["Source"] == "https://github.com/skyport-hpc/skyport", name
        unknown = set(table["classifiers"]) - trove_classifiers.classifiers
        assert not unknown, f"{name}: PyPI refuses an upload with unknown classifiers {unknown}"


def test_readmes_pypi_renders_link_only_to_absolute_addresses() -> None:
    for name, folder in PROJECTS.items():
        readme = (folder / project(name)["readme"]).read_text(encoding="utf-8")
        relative = [link for link in re.findall(r"\]\(([^)]*)\)", readme) if not link.startswith("https://")]
        assert relative == [], f"{name}'s README links {relative}, which are 404s on PyPI"


def test_the_npm_package_has_the_same_version_license_and_repository() -> None:
    package = json.loads((ROOT / "clients/typescript/package.json").read_text(encoding="utf-8"))
    assert package["version"] == skyport.__version__
    assert package["license"] == project("skyport-hpc")["license"]
    assert package["repository"]["url"] == "git+https://github.com/skyport-hpc/skyport.git"
    assert (ROOT / "clients/typescript/LICENSE").read_bytes() == (ROOT / "LICENSE").read_bytes()
