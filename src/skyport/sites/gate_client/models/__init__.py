# Generated from spec/core-gate.yaml by `skyport codegen` (template python_client/models_init.py.jinja).
# Spec sha256: 84facd3c27cd2f18c11ab79d433e2c7938e1f8e1bc6a5d0fe2a6bf0767f51551
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""Models (dataclasses) and enums of the schemas in spec/core-gate.yaml."""

from .file_info import FileInfo
from .file_info_kind import FileInfoKind
from .flavor import Flavor
from .gate_job import GateJob
from .gate_job_state import GateJobState
from .gate_node import GateNode
from .gate_user import GateUser
from .image import Image
from .isolation import Isolation
from .job_start import JobStart
from .output_file import OutputFile
from .output_file_kind import OutputFileKind
from .partition import Partition
from .partition_request import PartitionRequest
from .partition_state import PartitionState
from .problem import Problem
from .resource import Resource
from .site import Site
from .start_answer import StartAnswer

__all__ = [
    "FileInfo",
    "FileInfoKind",
    "Flavor",
    "GateJob",
    "GateJobState",
    "GateNode",
    "GateUser",
    "Image",
    "Isolation",
    "JobStart",
    "OutputFile",
    "OutputFileKind",
    "Partition",
    "PartitionRequest",
    "PartitionState",
    "Problem",
    "Resource",
    "Site",
    "StartAnswer",
]
