# Generated from spec/core-gate.yaml by `skyport codegen` (template python_client/enum.py.jinja).
# Spec sha256: f2944ee47b1d555faf58926cd3e64f532dc90e66e79d338f6dd1761cebf8f80a
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""The OutputFileKind enum."""

from enum import StrEnum


class OutputFileKind(StrEnum):
    """Always "output"."""

    OUTPUT = "output"
