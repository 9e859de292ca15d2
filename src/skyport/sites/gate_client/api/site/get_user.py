# Generated from spec/core-gate.yaml by `skyport codegen` (template python_client/endpoint.py.jinja).
# Spec sha256: 84facd3c27cd2f18c11ab79d433e2c7938e1f8e1bc6a5d0fe2a6bf0767f51551
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""``GET /users/{name}``: Whether the site can run a user's jobs

The account the user's jobs run as on this site. The core asks at submit and refuses a job
that no allowed site can run. A site that runs every job under its own account answers
200 for every name; 404 says why the user's jobs cannot run here and what to fix.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx

from ...client import Client
from ...errors import error_for
from ...models import GateUser
from ...types import Response, build_response

_DOCUMENTED_ERRORS: frozenset[int] = frozenset({404})


def _request(*, name: str) -> dict[str, Any]:
    return {
        "method": "GET",
        "url": f"/users/{quote(str(name), safe='')}",
    }


def _parse(response: httpx.Response) -> Response[GateUser]:
    if response.status_code == 200:
        return build_response(response, GateUser.from_dict(response.json()))
    raise error_for(response, documented=_DOCUMENTED_ERRORS, has_default=True)


def sync_detailed(*, client: Client, name: str) -> Response[GateUser]:
    """Whether the site can run a user's jobs

    The account the user's jobs run as on this site. The core asks at submit and refuses a job
    that no allowed site can run. A site that runs every job under its own account answers
    200 for every name; 404 says why the user's jobs cannot run here and what to fix.

    Args:
        name: A Skyport user name.

    Returns:
        The whole response; ``parsed`` is the body (200: The user's jobs can run here.).

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return _parse(client.get_httpx_client().request(**_request(name=name)))


def sync(*, client: Client, name: str) -> GateUser:
    """Whether the site can run a user's jobs

    The account the user's jobs run as on this site. The core asks at submit and refuses a job
    that no allowed site can run. A site that runs every job under its own account answers
    200 for every name; 404 says why the user's jobs cannot run here and what to fix.

    Args:
        name: A Skyport user name.

    Returns:
        200: The user's jobs can run here.

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return sync_detailed(client=client, name=name).parsed


async def asyncio_detailed(*, client: Client, name: str) -> Response[GateUser]:
    """Whether the site can run a user's jobs

    The account the user's jobs run as on this site. The core asks at submit and refuses a job
    that no allowed site can run. A site that runs every job under its own account answers
    200 for every name; 404 says why the user's jobs cannot run here and what to fix.

    Args:
        name: A Skyport user name.

    Returns:
        The whole response; ``parsed`` is the body (200: The user's jobs can run here.).

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return _parse(await client.get_async_httpx_client().request(**_request(name=name)))


async def asyncio(*, client: Client, name: str) -> GateUser:
    """Whether the site can run a user's jobs

    The account the user's jobs run as on this site. The core asks at submit and refuses a job
    that no allowed site can run. A site that runs every job under its own account answers
    200 for every name; 404 says why the user's jobs cannot run here and what to fix.

    Args:
        name: A Skyport user name.

    Returns:
        200: The user's jobs can run here.

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return (await asyncio_detailed(client=client, name=name)).parsed
