# Generated from spec/core-terminal.yaml by `skyport codegen` (template python_client/models_init.py.jinja).
# Spec sha256: ed1c4843aea9afb4f22f14d55a72d46199af21fa85e19b815cd1b73bcab1c89e
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
