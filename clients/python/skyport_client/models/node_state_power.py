# Generated from spec/core-terminal.yaml by `skyport codegen` (template python_client/enum.py.jinja).
# Spec sha256: 8833e6bb3dbd40c692f774914b72d52ad4519317cf4d40cd4c3a3e2da7a2f225
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""The NodeStatePower enum."""

from enum import StrEnum


class NodeStatePower(StrEnum):
    """Node power state."""

    UP = "up"
    DOWN = "down"
