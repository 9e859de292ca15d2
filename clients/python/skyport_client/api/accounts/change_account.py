# Generated from spec/core-terminal.yaml by `skyport codegen` (template python_client/endpoint.py.jinja).
# Spec sha256: 0dffc4b1faa7ddfc82a239e7feb8b44243f69c45c4f184b8608bfaa949eff517
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""``PATCH /user/account/{name}``: Change an account's members or default ceiling (daemon owner only)"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx

from ...client import Client
from ...errors import error_for
from ...models import Account, AccountChange
from ...types import Response, build_response

_DOCUMENTED_ERRORS: frozenset[int] = frozenset({403, 404})


def _request(*, name: str, body: AccountChange) -> dict[str, Any]:
    return {
        "method": "PATCH",
        "url": f"/user/account/{quote(str(name), safe='')}",
        "json": body.to_dict(),
    }


def _parse(response: httpx.Response) -> Response[Account]:
    if response.status_code == 200:
        return build_response(response, Account.from_dict(response.json()))
    raise error_for(response, documented=_DOCUMENTED_ERRORS, has_default=True)


def sync_detailed(*, client: Client, name: str, body: AccountChange) -> Response[Account]:
    """Change an account's members or default ceiling (daemon owner only)

    Args:
        name: An account's (or, for budgets, a user's) name.
        body: Request body.

    Returns:
        The whole response; ``parsed`` is the body (200: The account as it is now.).

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return _parse(client.get_httpx_client().request(**_request(name=name, body=body)))


def sync(*, client: Client, name: str, body: AccountChange) -> Account:
    """Change an account's members or default ceiling (daemon owner only)

    Args:
        name: An account's (or, for budgets, a user's) name.
        body: Request body.

    Returns:
        200: The account as it is now.

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return sync_detailed(client=client, name=name, body=body).parsed


async def asyncio_detailed(*, client: Client, name: str, body: AccountChange) -> Response[Account]:
    """Change an account's members or default ceiling (daemon owner only)

    Args:
        name: An account's (or, for budgets, a user's) name.
        body: Request body.

    Returns:
        The whole response; ``parsed`` is the body (200: The account as it is now.).

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return _parse(await client.get_async_httpx_client().request(**_request(name=name, body=body)))


async def asyncio(*, client: Client, name: str, body: AccountChange) -> Account:
    """Change an account's members or default ceiling (daemon owner only)

    Args:
        name: An account's (or, for budgets, a user's) name.
        body: Request body.

    Returns:
        200: The account as it is now.

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return (await asyncio_detailed(client=client, name=name, body=body)).parsed
