# Generated from spec/core-gate.yaml by `skyport codegen` (template python_client/enum.py.jinja).
# Spec sha256: 619becf4449e13ef8c8a8a281dda82aaa5a3602f1e1f90461420a222f76bdb39
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
