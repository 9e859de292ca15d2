# Generated from spec/core-gate.yaml by `skyport codegen` (template python_client/enum.py.jinja).
# Spec sha256: e5fbfb28b3e25a65e4a2d0f575e34cbe1d315ce9de5c8422ac9d5077d7cba832
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""The OutputFileKind enum."""

from enum import StrEnum


class OutputFileKind(StrEnum):
    """Always "output"."""

    OUTPUT = "output"
