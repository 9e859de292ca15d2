"""Handlers of spec/tes.yaml, one function per operationId: parse, one service call, the answer."""

from __future__ import annotations

from typing import Any

import skyport
from skyport.core.context import core, user
from skyport.errors import BadRequest
from skyport.tes import task as tasks

Result = tuple[Any, int]
PAGE = 256  # tasks in a page when the request names no page_size, as the standard says


async def get_service_info() -> Result:
    return {
        "id": "org.skyport.tes",
        "name": "Skyport",
        "type": {"group": "org.ga4gh", "artifact": "tes", "version": "1.1.0"},
        "description": "Skyport's GA4GH Task Execution Service: each task is a Skyport job.",
        "organization": {"name": "Skyport", "url": "https://github.com/skyport-hpc"},
        "documentationUrl": "https://github.com/skyport-hpc/skyport/blob/main/docs/tes.md",
        "version": skyport.__version__,
        "storage": core().tasks.storage.schemes(),
        "tesResources_backend_parameters": list(tasks.BACKEND_PARAMETERS),
    }, 200


async def create_task(body: dict[str, Any]) -> Result:
    return {"id": await core().tasks.create(user(), body)}, 200


async def get_task(id: str, view: str = "MINIMAL") -> Result:
    return await core().tasks.get(user(), id, view), 200


async def list_tasks(
    *,
    view: str = "MINIMAL",
    name_prefix: str | None = None,
    state: str | None = None,
    tag_key: list[str] | None = None,
    tag_value: list[str] | None = None,
    page_size: int = PAGE,
    page_token: str | None = None,
) -> Result:
    keys, values = tag_key or [], tag_value or []
    if len(values) > len(keys):
        raise BadRequest(f"{len(values)} tag_value but {len(keys)} tag_key: each tag_value needs its tag_key")
    tags = dict(zip(keys, [*values, *[""] * (len(keys) - len(values))], strict=True))
    found, token = await core().tasks.list_tasks(
        user(),
        view=view,
        name_prefix=name_prefix,
        state=state,
        tags=tags,
        page_size=page_size,
        page_token=page_token,
    )
    return ({"tasks": found, "next_page_token": token} if token else {"tasks": found}), 200


async def cancel_task(id: str) -> Result:
    await core().tasks.cancel(user(), id)
    return {}, 200
