# Generated from spec/core-terminal.yaml by `skyport codegen` (template python_client/models_init.py.jinja).
# Spec sha256: 0012d4e6d6366048b413dc6cf32f45ca31670a756d560b69e60c95cdaf932c4e
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""Models (dataclasses) and enums of the schemas in spec/core-terminal.yaml."""

from .file_info import FileInfo
from .file_info_kind import FileInfoKind
from .flavor import Flavor
from .image import Image
from .isolation import Isolation
from .job import Job
from .job_state import JobState
from .modify_job_modification import ModifyJobModification
from .node import Node
from .node_role import NodeRole
from .node_state_alloc import NodeStateAlloc
from .node_state_power import NodeStatePower
from .placement import Placement
from .problem import Problem
from .remote_site import RemoteSite
from .resource import Resource

__all__ = [
    "FileInfo",
    "FileInfoKind",
    "Flavor",
    "Image",
    "Isolation",
    "Job",
    "JobState",
    "ModifyJobModification",
    "Node",
    "NodeRole",
    "NodeStateAlloc",
    "NodeStatePower",
    "Placement",
    "Problem",
    "RemoteSite",
    "Resource",
]
