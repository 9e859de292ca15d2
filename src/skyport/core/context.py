"""What a request handler may reach: the running core and the user making the request."""

from __future__ import annotations

import dataclasses
from contextvars import ContextVar

from skyport.accounting.service import AccountService, Usage
from skyport.config import Settings
from skyport.core.auth import Caller, Sessions, Tokens
from skyport.core.loop import Loop
from skyport.core.metrics import Metrics
from skyport.jobs.service import JobService
from skyport.sites.registry import SiteRegistry
from skyport.store import Store
from skyport.tes.service import TaskService


@dataclasses.dataclass(frozen=True)
class Core:
    """The parts of a running daemon."""

    settings: Settings
    store: Store
    jobs: JobService
    sites: SiteRegistry
    loop: Loop
    accounts: AccountService
    usage: Usage
    tokens: Tokens
    tasks: TaskService  # TES tasks (spec/tes.yaml)
    metrics: Metrics
    sessions: Sessions = dataclasses.field(default_factory=Sessions)  # the dashboard's, in memory only


_core: ContextVar[Core] = ContextVar("skyport_core")
_caller: ContextVar[Caller] = ContextVar("skyport_caller")


def core() -> Core:
    return _core.get()


def user() -> str:
    """The user the current request acts as (a certificate's common name, or a token's user)."""
    return _caller.get().name


def caller() -> Caller:
    """The user of the current request and what proved it."""
    return _caller.get()


def enter(running: Core, who: Caller) -> None:
    """Bind the core and the caller for the rest of the current request."""
    _core.set(running)
    _caller.set(who)
