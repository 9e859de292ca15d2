# Generated from spec/core-terminal.yaml by `skyport codegen` (template python_client/enum.py.jinja).
# Spec sha256: 0012d4e6d6366048b413dc6cf32f45ca31670a756d560b69e60c95cdaf932c4e
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""The NodeStateAlloc enum."""

from enum import StrEnum


class NodeStateAlloc(StrEnum):
    """Node allocation state."""

    IDLE = "idle"
    STOPPED = "stopped"
    OFFLINE = "offline"
    BUSY = "busy"
    MAINT = "maint"
