# Generated from spec/core-terminal.yaml by `skyport codegen` (template python_client/enum.py.jinja).
# Spec sha256: f9ecbfe02a46d2b9a940ffc5311f81d60c190917de4eff5f0263ab9b8afbce71
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""The NodeStatePower enum."""

from enum import StrEnum


class NodeStatePower(StrEnum):
    """Node power state."""

    UP = "up"
    DOWN = "down"
