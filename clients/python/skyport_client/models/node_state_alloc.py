# Generated from spec/core-terminal.yaml by `skyport codegen` (template python_client/enum.py.jinja).
# Spec sha256: d84b3f2c79d76e7a589b1828f2710f6355910559cbc3c583d594a8dd7114afe4
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
