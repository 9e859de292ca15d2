# Generated from spec/core-terminal.yaml by `skyport codegen` (template python_client/enum.py.jinja).
# Spec sha256: 0dffc4b1faa7ddfc82a239e7feb8b44243f69c45c4f184b8608bfaa949eff517
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""The JobEventKind enum."""

from enum import StrEnum


class JobEventKind(StrEnum):
    """submitted - the job was stored in Q; state - it went from previous_state to state; reason -
    a queued job's reason for waiting (or when it starts) changed, as the scheduler found it
    (state and previous_state are both Q). A reason event is recorded only when the reason changes.
    """

    SUBMITTED = "submitted"
    STATE = "state"
    REASON = "reason"
