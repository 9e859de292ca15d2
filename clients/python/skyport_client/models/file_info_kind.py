# Generated from spec/core-terminal.yaml by `skyport codegen` (template python_client/enum.py.jinja).
# Spec sha256: 3dca299b36fd4445610b2cbbd3e223fba2510cecc1c0dca44e82d115d9ec1c20
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""The FileInfoKind enum."""

from enum import StrEnum


class FileInfoKind(StrEnum):
    """Whether the file was uploaded with the job or produced by it."""

    INPUT = "input"
    OUTPUT = "output"
