"""Handlers of the terminal API, one module per spec tag, one function per operationId.

The app resolves each operationId as an attribute of this package, so the names re-exported
here are exactly the operations of spec/core-terminal.yaml.
"""

from skyport.core.handlers.accounts import (
    add_account,
    change_account,
    list_accounts,
    list_budgets,
    remove_account,
    set_budget,
)
from skyport.core.handlers.events import stream_events
from skyport.core.handlers.flavors import list_flavors
from skyport.core.handlers.images import list_images
from skyport.core.handlers.jobs import (
    cancel_job,
    download_job_file,
    dry_run,
    get_job,
    job_stderr,
    job_stdout,
    list_job_files,
    list_jobs,
    modify_job,
    submit_job,
)
from skyport.core.handlers.metrics import get_metrics
from skyport.core.handlers.nodes import list_nodes
from skyport.core.handlers.remotes import list_remotes
from skyport.core.handlers.timetable import get_timetable
from skyport.core.handlers.tokens import create_login_code, create_token, list_tokens, revoke_token
from skyport.core.handlers.usage import list_usage, usage_totals

__all__ = [
    "add_account",
    "cancel_job",
    "change_account",
    "create_login_code",
    "create_token",
    "download_job_file",
    "dry_run",
    "get_job",
    "get_metrics",
    "get_timetable",
    "job_stderr",
    "job_stdout",
    "list_accounts",
    "list_budgets",
    "list_flavors",
    "list_images",
    "list_job_files",
    "list_jobs",
    "list_nodes",
    "list_remotes",
    "list_tokens",
    "list_usage",
    "modify_job",
    "remove_account",
    "revoke_token",
    "set_budget",
    "stream_events",
    "submit_job",
    "usage_totals",
]
