# Generated from spec/core-terminal.yaml by `skyport codegen` (template python_client/endpoint.py.jinja).
# Spec sha256: 0dffc4b1faa7ddfc82a239e7feb8b44243f69c45c4f184b8608bfaa949eff517
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""``PUT /user/budget/{holder}/{name}/{period}``: Set or remove a budget (daemon owner only)"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx

from ...client import Client
from ...errors import error_for
from ...models import Budget, BudgetAmount, Period, SetBudgetHolder
from ...types import Response, build_response

_DOCUMENTED_ERRORS: frozenset[int] = frozenset({403, 404})


def _request(*, holder: SetBudgetHolder, name: str, period: Period, body: BudgetAmount) -> dict[str, Any]:
    return {
        "method": "PUT",
        "url": f"/user/budget/{quote(str(holder), safe='')}/{quote(str(name), safe='')}/{quote(str(period), safe='')}",
        "json": body.to_dict(),
    }


def _parse(response: httpx.Response) -> Response[Budget]:
    if response.status_code == 200:
        return build_response(response, Budget.from_dict(response.json()))
    raise error_for(response, documented=_DOCUMENTED_ERRORS, has_default=True)


def sync_detailed(
    *, client: Client, holder: SetBudgetHolder, name: str, period: Period, body: BudgetAmount
) -> Response[Budget]:
    """Set or remove a budget (daemon owner only)

    Args:
        holder: Whose budget, an account's or a user's.
        name: An account's (or, for budgets, a user's) name.
        period: How often the budget starts again (UTC): day, week (from Monday), month (from the 1st), or total.
        body: Request body.

    Returns:
        The whole response; ``parsed`` is the body (200: The budget as it is now, with its spend.).

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return _parse(client.get_httpx_client().request(**_request(holder=holder, name=name, period=period, body=body)))


def sync(*, client: Client, holder: SetBudgetHolder, name: str, period: Period, body: BudgetAmount) -> Budget:
    """Set or remove a budget (daemon owner only)

    Args:
        holder: Whose budget, an account's or a user's.
        name: An account's (or, for budgets, a user's) name.
        period: How often the budget starts again (UTC): day, week (from Monday), month (from the 1st), or total.
        body: Request body.

    Returns:
        200: The budget as it is now, with its spend.

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return sync_detailed(client=client, holder=holder, name=name, period=period, body=body).parsed


async def asyncio_detailed(
    *, client: Client, holder: SetBudgetHolder, name: str, period: Period, body: BudgetAmount
) -> Response[Budget]:
    """Set or remove a budget (daemon owner only)

    Args:
        holder: Whose budget, an account's or a user's.
        name: An account's (or, for budgets, a user's) name.
        period: How often the budget starts again (UTC): day, week (from Monday), month (from the 1st), or total.
        body: Request body.

    Returns:
        The whole response; ``parsed`` is the body (200: The budget as it is now, with its spend.).

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return _parse(
        await client.get_async_httpx_client().request(**_request(holder=holder, name=name, period=period, body=body))
    )


async def asyncio(*, client: Client, holder: SetBudgetHolder, name: str, period: Period, body: BudgetAmount) -> Budget:
    """Set or remove a budget (daemon owner only)

    Args:
        holder: Whose budget, an account's or a user's.
        name: An account's (or, for budgets, a user's) name.
        period: How often the budget starts again (UTC): day, week (from Monday), month (from the 1st), or total.
        body: Request body.

    Returns:
        200: The budget as it is now, with its spend.

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return (await asyncio_detailed(client=client, holder=holder, name=name, period=period, body=body)).parsed
