"""``skyport codegen``: regenerate every target, check them (``--check``), or write a gate skeleton."""

from __future__ import annotations

import importlib.util
import sysconfig
from pathlib import Path

import click

from skyport.codegen.generate import ROOT, TARGETS, generate
from skyport.codegen.model import SpecError
from skyport.codegen.skeleton import write_skeleton


@click.group(invoke_without_command=True)
@click.option("--check", is_flag=True, help="Regenerate into a temporary folder and fail if a committed file differs.")
@click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Repository root the targets' output folders are relative to.  [default: the checkout Skyport runs from]",
)
@click.option(
    "--custom-templates",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Folder of template sets whose templates replace the package's ones of the same name.",
)
@click.pass_context
def codegen(ctx: click.Context, check: bool, root: Path | None, custom_templates: Path | None) -> None:
    """Generate the clients from spec/: the Python client, the core's gate client, the TypeScript client."""
    target_root = output_root(root) if ctx.invoked_subcommand is None else None
    if importlib.util.find_spec("ruff") is None:
        raise click.ClickException(
            "skyport codegen formats its output with ruff, which is not installed: pip install 'skyport-hpc[codegen]'"
        )
    if target_root is None:  # a subcommand runs
        return
    try:
        changed = generate(target_root, check=check, custom=custom_templates)
    except SpecError as exc:
        raise click.ClickException(str(exc)) from None
    names = "".join(f"\n  {path}" for path in changed)
    if check and changed:
        raise click.ClickException(
            f"{len(changed)} generated file(s) differ from what the specs and templates give:{names}\n"
            "Run `skyport codegen` and commit the result."
        )
    if check:
        click.echo(f"generated files are up to date ({', '.join(t.name for t in TARGETS)})")
    else:
        click.echo(f"{len(changed)} file(s) written{names}" if changed else "nothing changed")


def output_root(given: Path | None) -> Path:
    """The folder the targets are written under: ``given``, else the source checkout Skyport runs from.

    An installed Skyport has no checkout; writing next to it, or anywhere in site-packages, would
    scatter generated files through the Python installation, so both are refused.
    """
    if given is None:
        if not (ROOT / "pyproject.toml").is_file() or not (ROOT / "spec").is_dir():
            raise click.UsageError(
                f"this Skyport is installed in {Path(__file__).parents[2]}, not run from a source checkout: "
                "give --root, the Skyport checkout to write the generated clients into"
            )
        return ROOT
    installation = {Path(sysconfig.get_path(name)).resolve() for name in ("purelib", "platlib")}
    if any(place == given.resolve() or place in given.resolve().parents for place in installation):
        raise click.UsageError(f"--root {given} is inside site-packages: give a Skyport source checkout")
    return given


@codegen.command("gate-skeleton")
@click.argument("name")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder to create the gate project in; it must not exist or be empty.",
)
def gate_skeleton(name: str, out: Path) -> None:
    """Write a runnable gate project NAME whose handlers answer 501 until you fill them in."""
    try:
        written = write_skeleton(name, out)
    except (SpecError, ValueError, FileExistsError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"gate {name}: {len(written)} files in {out}; next: pip install -e {out} && pytest {out}")
