"""Handlers for the ``remotes`` tag."""

from __future__ import annotations

from typing import Any

from skyport.core import views
from skyport.core.context import core
from skyport.store import jobs as queries


async def list_remotes() -> tuple[Any, int]:
    running = core()
    spend = await running.store.run(queries.spend_by_site)
    return views.remotes(running.sites, spend), 200
