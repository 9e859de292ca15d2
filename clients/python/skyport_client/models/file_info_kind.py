# Generated from spec/core-terminal.yaml by `skyport codegen` (template python_client/enum.py.jinja).
# Spec sha256: 943a179139bf424d92ea4f9072d8967638b58c81da2fd6d1f3dbcaa47877e741
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""The FileInfoKind enum."""

from enum import StrEnum


class FileInfoKind(StrEnum):
    """Whether the file was uploaded with the job or produced by it."""

    INPUT = "input"
    OUTPUT = "output"
