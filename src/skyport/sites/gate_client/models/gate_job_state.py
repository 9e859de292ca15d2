# Generated from spec/core-gate.yaml by `skyport codegen` (template python_client/enum.py.jinja).
# Spec sha256: 00aec3332efb59a2e978fc4d3c0c6cf2510d51b3e053c982f119170f12fa501c
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""The GateJobState enum."""

from enum import StrEnum


class GateJobState(StrEnum):
    """pending: accepted, not running yet; running; finished: exited (exitcode says how);
    failed: could not run or was lost (state_details says why); cancelled.
    """

    PENDING = "pending"
    RUNNING = "running"
    FINISHED = "finished"
    FAILED = "failed"
    CANCELLED = "cancelled"
