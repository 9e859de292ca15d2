"""Handlers for the ``tokens`` tag."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from skyport.core import views
from skyport.core.auth import check_may_create
from skyport.core.context import caller, core, user
from skyport.core.ui import LOGIN_PATH

_DEFAULT_LIFETIME = 90 * 86400  # the spec's default of expires_in


async def list_tokens() -> tuple[Any, int]:
    return [views.api_token(token) for token in await core().tokens.of(user())], 200


async def create_token(body: dict[str, Any]) -> tuple[Any, int]:
    check_may_create(caller())
    secret, token = await core().tokens.create(user(), body.get("name", ""), body.get("expires_in", _DEFAULT_LIFETIME))
    return {**views.api_token(token), "token": secret}, 201


async def revoke_token(token: str) -> tuple[Any, int]:
    running = core()
    revoked = await running.tokens.revoke(user(), token)
    running.jobs.events.end_revoked({("token", revoked.id)})
    return views.api_token(revoked), 200


async def create_login_code() -> tuple[Any, int]:
    check_may_create(caller(), "login codes", "skyport ui")
    code, expires = core().sessions.code(user())
    return {"code": code, "path": f"{LOGIN_PATH}?code={quote(code)}", "expires": views.timestamp(expires)}, 201
