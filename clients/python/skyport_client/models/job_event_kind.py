# Generated from spec/core-terminal.yaml by `skyport codegen` (template python_client/enum.py.jinja).
# Spec sha256: d84b3f2c79d76e7a589b1828f2710f6355910559cbc3c583d594a8dd7114afe4
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""The JobEventKind enum."""

from enum import StrEnum


class JobEventKind(StrEnum):
    """submitted - the job was stored in Q; state - it went from previous_state to state."""

    SUBMITTED = "submitted"
    STATE = "state"
