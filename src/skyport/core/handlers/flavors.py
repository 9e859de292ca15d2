"""Handlers for the ``flavors`` tag."""

from __future__ import annotations

from typing import Any

from skyport.core import views
from skyport.core.context import core


async def list_flavors() -> tuple[Any, int]:
    return views.flavors(core().sites), 200
