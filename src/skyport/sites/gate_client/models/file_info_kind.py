# Generated from spec/core-gate.yaml by `skyport codegen` (template python_client/enum.py.jinja).
# Spec sha256: 00aec3332efb59a2e978fc4d3c0c6cf2510d51b3e053c982f119170f12fa501c
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""The FileInfoKind enum."""

from enum import StrEnum


class FileInfoKind(StrEnum):
    """Whether the file was uploaded with the job or produced by it."""

    INPUT = "input"
    OUTPUT = "output"
