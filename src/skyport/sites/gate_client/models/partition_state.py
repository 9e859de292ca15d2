# Generated from spec/core-gate.yaml by `skyport codegen` (template python_client/enum.py.jinja).
# Spec sha256: 619becf4449e13ef8c8a8a281dda82aaa5a3602f1e1f90461420a222f76bdb39
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""The PartitionState enum."""

from enum import StrEnum


class PartitionState(StrEnum):
    """creating: nodes are being acquired; ready: jobs can start; deleting: nodes are being
    released; deleted: nothing is left that costs money; failed: creation failed for good
    (state_details says why). A gate that is temporarily refused (capacity, quota,
    throttling) keeps `creating` and says so in state_details.
    """

    CREATING = "creating"
    READY = "ready"
    DELETING = "deleting"
    DELETED = "deleted"
    FAILED = "failed"
