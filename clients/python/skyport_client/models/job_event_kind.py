# Generated from spec/core-terminal.yaml by `skyport codegen` (template python_client/enum.py.jinja).
# Spec sha256: 0bea9ed4dd8c8ca3be90678138f83d5cd44037c871b7a576f72ff49138c8a751
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""The JobEventKind enum."""

from enum import StrEnum


class JobEventKind(StrEnum):
    """submitted - the job was stored in Q; state - it went from previous_state to state."""

    SUBMITTED = "submitted"
    STATE = "state"
