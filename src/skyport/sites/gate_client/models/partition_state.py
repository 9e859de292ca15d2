# Generated from spec/core-gate.yaml by `skyport codegen` (template python_client/enum.py.jinja).
# Spec sha256: f2944ee47b1d555faf58926cd3e64f532dc90e66e79d338f6dd1761cebf8f80a
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
