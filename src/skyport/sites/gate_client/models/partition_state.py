# Generated from spec/core-gate.yaml by `skyport codegen` (template python_client/enum.py.jinja).
# Spec sha256: 7d6ba6b097de71f23e8567aff2b156bd93343aca91a0dc63038fd7c9ceea43e7
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
