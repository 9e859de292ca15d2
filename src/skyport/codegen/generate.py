"""``skyport codegen [--check]``: load a spec, build the model, render a target's templates, format, write or diff.

A *target* is a template set plus where its output goes: the Python client, the core's gate
client and the TypeScript client are three targets of the same program; the gate SDK's copy of
the gate spec is one more, so ``--check`` fails when it differs from ``spec/``. Everything is rendered
into a temporary directory and formatted there (``ruff check --fix-only`` then ``ruff format``
for Python), then either compared with the committed tree (``--check``) or copied over it.
"""

from __future__ import annotations

import dataclasses
import filecmp
import shutil
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import jinja2

from skyport import specs
from skyport.codegen.model import Api, build_api

ROOT = Path(__file__).resolve().parents[3]
_WIDTH = 120
_SECTIONS = ("Args:", "Attributes:", "Returns:", "Raises:")
# Files in an output directory that are not generated and never compared or deleted.
_IGNORED = ("__pycache__", ".mypy_cache", ".ruff_cache")


def docstring(text: str, indent: int = 0) -> str:
    """``text`` as a triple-quoted docstring wrapped to the line length, for a body indented by ``indent``."""
    text = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"').strip()
    width = _WIDTH - indent
    lines: list[str] = []
    for block in text.split("\n\n"):
        rows = block.splitlines()
        if rows and rows[0] in _SECTIONS:
            lines.append(rows[0])
            for row in rows[1:]:
                lines += textwrap.wrap(row, width, initial_indent="    ", subsequent_indent="        ") or [""]
        else:
            for row in rows:
                hanging = " " * (len(row) - len(row.lstrip()) + (2 if row.lstrip().startswith("- ") else 0))
                lines += textwrap.wrap(row, width, subsequent_indent=hanging, break_on_hyphens=False) or [""]
        lines.append("")
    lines = lines[:-1] if lines else [""]
    if len(lines) == 1 and len(lines[0]) + 6 <= width:
        return f'"""{lines[0]}"""'
    first, *rest = lines
    if len(first) + 3 > width:  # the opening quotes must fit too
        first, rest = "", lines
    pad = " " * indent
    body = "\n".join(f"{pad}{line}" if line else "" for line in rest)
    return f'"""{first}\n{body}\n{pad}"""'


def comment(text: str, prefix: str = "// ") -> str:
    """``text`` as line comments wrapped to the line length (TypeScript doc comments use ``prefix=" * "``)."""
    rows = [row for block in text.split("\n") for row in (textwrap.wrap(block, _WIDTH - 4) or [""])]
    return "\n".join((prefix + row).rstrip() for row in rows)


TEMPLATE_FILTERS: dict[str, Callable[..., str]] = {"docstring": docstring, "comment": comment}


class Renderer:
    """One template set, with the header every file it renders begins with."""

    def __init__(self, templates: str, source: str, sha256: str, custom: Path | None = None) -> None:
        loader: jinja2.BaseLoader = jinja2.PackageLoader("skyport.codegen", f"templates/{templates}")
        if custom is not None:  # a template there replaces the package's one of the same name
            loader = jinja2.ChoiceLoader([jinja2.FileSystemLoader(custom / templates), loader])
        self.environment = jinja2.Environment(
            loader=loader,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            autoescape=False,
        )
        self.environment.filters.update(TEMPLATE_FILTERS)
        self.templates = templates
        self.source = source
        self.sha256 = sha256

    def render(self, template: str, **context: Any) -> str:
        """The text of ``template`` rendered with ``context`` and the header variables."""
        return self.environment.get_template(template).render(
            source=self.source, sha256=self.sha256, template=f"{self.templates}/{template}", **context
        )


def python_package(renderer: Renderer, api: Api, extra_modules: Iterable[str] = ()) -> dict[str, str]:
    """Files of a Python client package: client, errors, types, models/, api/<tag>/<operation>.py."""
    files = {
        "__init__.py": renderer.render("package_init.py.jinja", api=api),
        "py.typed": renderer.render("py.typed.jinja"),
        "client.py": renderer.render("client.py.jinja", api=api),
        "errors.py": renderer.render("errors.py.jinja"),
        "types.py": renderer.render("types.py.jinja", api=api),
        "models/__init__.py": renderer.render("models_init.py.jinja", api=api),
        "api/__init__.py": renderer.render("api_init.py.jinja", api=api),
    }
    for module in extra_modules:
        files[f"{module}.py"] = renderer.render(f"{module}.py.jinja")
    modules = {m.name: m.module for m in api.models} | {e.name: e.module for e in api.enums}
    for model in api.models:
        files[f"models/{model.module}.py"] = renderer.render("model.py.jinja", model=model, modules=modules)
    for enum in api.enums:
        files[f"models/{enum.module}.py"] = renderer.render("enum.py.jinja", enum=enum)
    for tag in api.tags:
        files[f"api/{tag.module}/__init__.py"] = renderer.render("tag_init.py.jinja", tag=tag)
        for op in tag.operations:
            template = "stream.py.jinja" if op.streams else "endpoint.py.jinja"
            files[f"api/{tag.module}/{op.module}.py"] = renderer.render(template, op=op)
    return files


def typescript(renderer: Renderer, api: Api) -> dict[str, str]:
    """One TypeScript module holding the spec's types and one async function per operation."""
    return {"index.ts": renderer.render("index.ts.jinja", api=api)}


@dataclasses.dataclass(frozen=True)
class Target:
    """A template set applied to a spec, and the directory (relative to the root) its output owns."""

    name: str
    spec: str
    templates: str
    output: str
    files: Callable[[Renderer, Api], dict[str, str]]

    def render(self, custom: Path | None = None) -> dict[str, str]:
        """Every output file, unformatted: relative path -> text (``custom``: a folder of replacement templates)."""
        api = build_api(specs.load(self.spec), f"spec/{self.spec}.yaml")
        return self.files(Renderer(self.templates, api.source, specs.sha256(self.spec), custom), api)


def spec_copy(renderer: Renderer, api: Api) -> dict[str, str]:
    """The gate spec and the shared components as they are under ``spec/``, for the gate SDK to ship,
    each after a header naming its original."""
    parts = [specs.path_of("core-gate"), *sorted((specs.SPEC_DIR / "components").glob("*.yaml"))]
    return {
        str(part.relative_to(specs.SPEC_DIR)): renderer.render(
            "header.yaml.jinja", original=f"spec/{part.relative_to(specs.SPEC_DIR)}"
        )
        + part.read_text(encoding="utf-8")
        for part in parts
    }


TARGETS = (
    Target(
        "python-client",
        "core-terminal",
        "python_client",
        "clients/python/skyport_client",
        lambda renderer, api: python_package(renderer, api, extra_modules=["tls"]),
    ),
    Target("gate-client", "core-gate", "python_client", "src/skyport/sites/gate_client", python_package),
    Target("typescript-terminal", "core-terminal", "typescript_client", "clients/typescript/src/terminal", typescript),
    Target("typescript-gate", "core-gate", "typescript_client", "clients/typescript/src/gate", typescript),
    Target("gate-sdk-spec", "core-gate", "spec_copy", "sdk/skyport_gate_sdk/spec", spec_copy),
)


def format_python(folder: Path) -> None:
    """The ruff post-hook: fix imports and upgrades, then format, with settings independent of where ``folder`` is."""
    settings = ["--isolated", "--no-cache", "--line-length", str(_WIDTH), "--target-version", "py311"]
    ruff = [sys.executable, "-m", "ruff"]
    fix = [*ruff, "check", *settings, "--fix-only", "--exit-zero", "--quiet", "--select", "F401,I,UP", str(folder)]
    subprocess.run(fix, check=True)
    subprocess.run([*ruff, "format", *settings, "--quiet", str(folder)], check=True)


def write_files(folder: Path, files: Mapping[str, str]) -> None:
    """Write ``files`` (relative path -> text) under ``folder``."""
    for relative, text in files.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _listing(folder: Path) -> set[str]:
    if not folder.is_dir():
        return set()
    return {
        str(path.relative_to(folder))
        for path in folder.rglob("*")
        if path.is_file() and not any(part in _IGNORED for part in path.parts)
    }


def differences(fresh: Path, committed: Path) -> list[str]:
    """Relative paths that differ between two trees: changed, missing or extra."""
    new, old = _listing(fresh), _listing(committed)
    changed = [p for p in new & old if not filecmp.cmp(fresh / p, committed / p, shallow=False)]
    return sorted([*changed, *(new - old), *(old - new)])


def render_into(folder: Path, targets: Iterable[Target], custom: Path | None = None) -> None:
    """Render and format ``targets`` into ``folder`` as if it were the repository root."""
    for target in targets:
        output = folder / target.output
        write_files(output, target.render(custom))
        if any(output.rglob("*.py")):
            format_python(output)


def generate(
    root: Path = ROOT, targets: Iterable[Target] = TARGETS, *, check: bool = False, custom: Path | None = None
) -> list[str]:
    """Regenerate ``targets`` under ``root``; the files that differed (relative to ``root``).

    With ``check`` nothing is written: the caller fails when the list is not empty. ``custom`` is a
    folder of template sets (``<custom>/python_client/tls.py.jinja``) replacing the package's ones.
    """
    targets = tuple(targets)
    found: list[str] = []
    with tempfile.TemporaryDirectory(prefix="skyport-codegen-") as scratch:
        fresh_root = Path(scratch)
        render_into(fresh_root, targets, custom)
        for target in targets:
            fresh, committed = fresh_root / target.output, root / target.output
            changed = differences(fresh, committed)
            found += [f"{target.output}/{p}" for p in changed]
            if check:
                continue
            for relative in changed:
                source, destination = fresh / relative, committed / relative
                if source.exists():
                    destination.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(source, destination)
                else:
                    destination.unlink()
    return found
