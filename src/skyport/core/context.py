"""What a request handler may reach: the running core and the user making the request."""

from __future__ import annotations

import dataclasses
from contextvars import ContextVar

from skyport.accounting.service import AccountService, Usage
from skyport.config import Settings
from skyport.core.loop import Loop
from skyport.jobs.service import JobService
from skyport.sites.registry import SiteRegistry
from skyport.store import Store


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


_core: ContextVar[Core] = ContextVar("skyport_core")
_user: ContextVar[str] = ContextVar("skyport_user")


def core() -> Core:
    return _core.get()


def user() -> str:
    """The common name of the client certificate of the current request."""
    return _user.get()


def enter(running: Core, name: str) -> None:
    """Bind the core and the user for the rest of the current request."""
    _core.set(running)
    _user.set(name)
