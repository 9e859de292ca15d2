"""Handlers for the ``metrics`` tag."""

from __future__ import annotations

from skyport.core.context import core, user
from skyport.core.handlers.jobs import Result


async def get_metrics() -> Result:
    # text/plain as the spec says it (connexion matches it exactly): Prometheus reads it as its text format.
    return core().metrics.exposition(user()), 200, {"Content-Type": "text/plain"}
