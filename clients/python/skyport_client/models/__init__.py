# Generated from spec/core-terminal.yaml by `skyport codegen` (template python_client/models_init.py.jinja).
# Spec sha256: 0dffc4b1faa7ddfc82a239e7feb8b44243f69c45c4f184b8608bfaa949eff517
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""Models (dataclasses) and enums of the schemas in spec/core-terminal.yaml."""

from .account import Account
from .account_change import AccountChange
from .api_token import ApiToken
from .budget import Budget
from .budget_amount import BudgetAmount
from .budget_holder import BudgetHolder
from .dry_run import DryRun
from .dry_run_budget import DryRunBudget
from .dry_run_option import DryRunOption
from .file_info import FileInfo
from .file_info_kind import FileInfoKind
from .flavor import Flavor
from .image import Image
from .isolation import Isolation
from .job import Job
from .job_event import JobEvent
from .job_event_kind import JobEventKind
from .job_state import JobState
from .login_code import LoginCode
from .modify_job_modification import ModifyJobModification
from .new_api_token import NewApiToken
from .node import Node
from .node_role import NodeRole
from .node_state_alloc import NodeStateAlloc
from .node_state_power import NodeStatePower
from .period import Period
from .placement import Placement
from .problem import Problem
from .remote_site import RemoteSite
from .resource import Resource
from .set_budget_holder import SetBudgetHolder
from .token_request import TokenRequest
from .usage_record import UsageRecord
from .usage_total import UsageTotal
from .usage_totals_by import UsageTotalsBy
from .usage_totals_split import UsageTotalsSplit

__all__ = [
    "Account",
    "AccountChange",
    "ApiToken",
    "Budget",
    "BudgetAmount",
    "BudgetHolder",
    "DryRun",
    "DryRunBudget",
    "DryRunOption",
    "FileInfo",
    "FileInfoKind",
    "Flavor",
    "Image",
    "Isolation",
    "Job",
    "JobEvent",
    "JobEventKind",
    "JobState",
    "LoginCode",
    "ModifyJobModification",
    "NewApiToken",
    "Node",
    "NodeRole",
    "NodeStateAlloc",
    "NodeStatePower",
    "Period",
    "Placement",
    "Problem",
    "RemoteSite",
    "Resource",
    "SetBudgetHolder",
    "TokenRequest",
    "UsageRecord",
    "UsageTotal",
    "UsageTotalsBy",
    "UsageTotalsSplit",
]
