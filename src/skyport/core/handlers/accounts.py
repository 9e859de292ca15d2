"""Handlers for the ``accounts`` tag."""

from __future__ import annotations

import time
from typing import Any

from skyport.core import views
from skyport.core.context import core, user


async def list_accounts() -> tuple[Any, int]:
    return [views.account(a) for a in await core().accounts.visible(user())], 200


async def add_account(body: dict[str, Any]) -> tuple[Any, int]:
    account = await core().accounts.add(user(), body["name"], body.get("members", []), body.get("job_ceiling"))
    return views.account(account), 201


async def change_account(name: str, body: dict[str, Any]) -> tuple[Any, int]:
    account = await core().accounts.change(
        user(), name, body.get("add_members", []), body.get("remove_members", []), body.get("job_ceiling")
    )
    return views.account(account), 200


async def remove_account(name: str) -> tuple[Any, int]:
    return views.account(await core().accounts.remove(user(), name)), 200


async def list_budgets() -> tuple[Any, int]:
    return [views.budget(spend) for spend in await core().accounts.spends(user(), time.time())], 200


async def set_budget(holder: str, name: str, period: str, body: dict[str, Any]) -> tuple[Any, int]:
    running = core()
    budget = await running.accounts.set_budget(user(), holder, name, period, float(body["amount"]))
    spends = await running.accounts.spends(None, time.time())
    spend = next((s for s in spends if s.budget == budget), None)
    return views.budget(spend) if spend else views.removed_budget(budget), 200
