# Generated from spec/core-terminal.yaml by `skyport codegen` (template python_client/endpoint.py.jinja).
# Spec sha256: 0dffc4b1faa7ddfc82a239e7feb8b44243f69c45c4f184b8608bfaa949eff517
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""``DELETE /user/account/{name}``: Remove an account and its budgets (daemon owner only)

Jobs charged to it keep its name in their records.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx

from ...client import Client
from ...errors import error_for
from ...models import Account
from ...types import Response, build_response

_DOCUMENTED_ERRORS: frozenset[int] = frozenset({403, 404})


def _request(*, name: str) -> dict[str, Any]:
    return {
        "method": "DELETE",
        "url": f"/user/account/{quote(str(name), safe='')}",
    }


def _parse(response: httpx.Response) -> Response[Account]:
    if response.status_code == 200:
        return build_response(response, Account.from_dict(response.json()))
    raise error_for(response, documented=_DOCUMENTED_ERRORS, has_default=True)


def sync_detailed(*, client: Client, name: str) -> Response[Account]:
    """Remove an account and its budgets (daemon owner only)

    Jobs charged to it keep its name in their records.

    Args:
        name: An account's (or, for budgets, a user's) name.

    Returns:
        The whole response; ``parsed`` is the body (200: The account that was removed.).

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return _parse(client.get_httpx_client().request(**_request(name=name)))


def sync(*, client: Client, name: str) -> Account:
    """Remove an account and its budgets (daemon owner only)

    Jobs charged to it keep its name in their records.

    Args:
        name: An account's (or, for budgets, a user's) name.

    Returns:
        200: The account that was removed.

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return sync_detailed(client=client, name=name).parsed


async def asyncio_detailed(*, client: Client, name: str) -> Response[Account]:
    """Remove an account and its budgets (daemon owner only)

    Jobs charged to it keep its name in their records.

    Args:
        name: An account's (or, for budgets, a user's) name.

    Returns:
        The whole response; ``parsed`` is the body (200: The account that was removed.).

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return _parse(await client.get_async_httpx_client().request(**_request(name=name)))


async def asyncio(*, client: Client, name: str) -> Account:
    """Remove an account and its budgets (daemon owner only)

    Jobs charged to it keep its name in their records.

    Args:
        name: An account's (or, for budgets, a user's) name.

    Returns:
        200: The account that was removed.

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return (await asyncio_detailed(client=client, name=name)).parsed
