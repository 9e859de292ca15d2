# Generated from spec/core-terminal.yaml by `skyport codegen` (template python_client/enum.py.jinja).
# Spec sha256: 4501f976d8b0200b4c311cdf0f2a2184a51821cadea862945df5d871aca98e86
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
