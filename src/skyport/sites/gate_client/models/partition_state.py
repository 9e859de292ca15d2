# Generated from spec/core-gate.yaml by `skyport codegen` (template python_client/enum.py.jinja).
# Spec sha256: 84facd3c27cd2f18c11ab79d433e2c7938e1f8e1bc6a5d0fe2a6bf0767f51551
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
