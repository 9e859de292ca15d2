"""Handlers for the ``images`` tag."""

from __future__ import annotations

from typing import Any

from skyport.core import views
from skyport.core.context import core


async def list_images() -> tuple[Any, int]:
    return views.images(core().sites), 200
