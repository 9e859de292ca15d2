"""``skyport codegen``: regenerate every target, check them (``--check``), or write a gate skeleton."""

from __future__ import annotations

import importlib.util
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
    default=ROOT,
    show_default=True,
    help="Repository root the targets' output folders are relative to.",
)
@click.option(
    "--custom-templates",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Folder of template sets whose templates replace the package's ones of the same name.",
)
@click.pass_context
def codegen(ctx: click.Context, check: bool, root: Path, custom_templates: Path | None) -> None:
    """Generate the clients from spec/: the Python client, the core's gate client, the TypeScript client."""
    if importlib.util.find_spec("ruff") is None:
        raise click.ClickException(
            "skyport codegen formats its output with ruff, which is not installed: pip install 'skyport-hpc[codegen]'"
        )
    if ctx.invoked_subcommand is not None:
        return
    try:
        changed = generate(root, check=check, custom=custom_templates)
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
