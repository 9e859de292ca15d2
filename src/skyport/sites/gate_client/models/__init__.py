# Generated from spec/core-gate.yaml by `skyport codegen` (template python_client/models_init.py.jinja).
# Spec sha256: c5f72cce63a324d35a8e2e24f7f7507e269038518f7414192af9d0813bfeb575
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""Models (dataclasses) and enums of the schemas in spec/core-gate.yaml."""

from .file_info import FileInfo
from .file_info_kind import FileInfoKind
from .flavor import Flavor
from .gate_job import GateJob
from .gate_job_state import GateJobState
from .gate_node import GateNode
from .image import Image
from .job_start import JobStart
from .partition import Partition
from .partition_request import PartitionRequest
from .partition_state import PartitionState
from .problem import Problem
from .resource import Resource
from .site import Site

__all__ = [
    "FileInfo",
    "FileInfoKind",
    "Flavor",
    "GateJob",
    "GateJobState",
    "GateNode",
    "Image",
    "JobStart",
    "Partition",
    "PartitionRequest",
    "PartitionState",
    "Problem",
    "Resource",
    "Site",
]
