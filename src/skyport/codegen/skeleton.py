"""``skyport codegen gate-skeleton NAME --out DIR``: a runnable gate project to start a new kind of site from.

Every handler answers 501 with "not implemented yet: <operation>" until it is written, so the
project installs, serves the whole gate API and passes validation from the first minute.
"""

from __future__ import annotations

import re
from pathlib import Path

from skyport import specs
from skyport.codegen.generate import Renderer, format_python, write_files
from skyport.codegen.model import build_api

SPEC = "core-gate"
_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,40}$")


def skeleton_files(name: str) -> dict[str, str]:
    """The files of the gate project ``name``: relative path -> text."""
    if not _NAME.match(name):
        raise ValueError(f"gate name {name!r}: use lowercase letters, digits, '-' or '_', starting with a letter")
    api = build_api(specs.load(SPEC), f"spec/{SPEC}.yaml")
    renderer = Renderer("gate_server", api.source, specs.sha256(SPEC))
    package = "skyport_gate_" + name.replace("-", "_")
    context = {"api": api, "name": name, "package": package}
    return {
        "pyproject.toml": renderer.render("pyproject.toml.jinja", **context),
        "README.md": renderer.render("README.md.jinja", **context),
        f"{package}/__init__.py": renderer.render("package_init.py.jinja", **context),
        f"{package}/handlers.py": renderer.render("handlers.py.jinja", **context),
        f"tests/test_{package}.py": renderer.render("test_gate.py.jinja", **context),
    }


def write_skeleton(name: str, out: Path) -> list[Path]:
    """Write the gate project ``name`` into ``out`` (which must not exist or be empty); the files written."""
    if out.exists() and any(out.iterdir()):
        raise FileExistsError(f"{out} is not empty; choose a new folder so nothing of yours is overwritten")
    files = skeleton_files(name)
    write_files(out, files)
    format_python(out)
    return [out / relative for relative in files]
