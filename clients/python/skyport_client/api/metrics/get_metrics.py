# Generated from spec/core-terminal.yaml by `skyport codegen` (template python_client/endpoint.py.jinja).
# Spec sha256: 0dffc4b1faa7ddfc82a239e7feb8b44243f69c45c4f184b8608bfaa949eff517
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""``GET /metrics``: Prometheus metrics of the daemon (daemon owner only)

Jobs by state and site, submissions, queue wait and run time, scheduling pass and plan
durations, gate request latency and errors, partitions and nodes, spend by site and
account, and store latency, in Prometheus' text format (docs/operations.md lists them).
Only the daemon's owner may read them, as they include every account's spend; with
`metrics_listen` in config.yaml the daemon also serves them over plain HTTP on a
loopback address, for a Prometheus on the same machine.
"""

from __future__ import annotations

from typing import Any

import httpx

from ...client import Client
from ...errors import error_for
from ...types import Response, build_response

_DOCUMENTED_ERRORS: frozenset[int] = frozenset({403})


def _request() -> dict[str, Any]:
    return {
        "method": "GET",
        "url": "/metrics",
    }


def _parse(response: httpx.Response) -> Response[str]:
    if response.status_code == 200:
        return build_response(response, response.text)
    raise error_for(response, documented=_DOCUMENTED_ERRORS, has_default=True)


def sync_detailed(*, client: Client) -> Response[str]:
    """Prometheus metrics of the daemon (daemon owner only)

    Jobs by state and site, submissions, queue wait and run time, scheduling pass and plan
    durations, gate request latency and errors, partitions and nodes, spend by site and
    account, and store latency, in Prometheus' text format (docs/operations.md lists them).
    Only the daemon's owner may read them, as they include every account's spend; with
    `metrics_listen` in config.yaml the daemon also serves them over plain HTTP on a
    loopback address, for a Prometheus on the same machine.

    Returns:
        The whole response; ``parsed`` is the body (200: The metrics in Prometheus' text exposition format 0.0.4.).

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return _parse(client.get_httpx_client().request(**_request()))


def sync(*, client: Client) -> str:
    """Prometheus metrics of the daemon (daemon owner only)

    Jobs by state and site, submissions, queue wait and run time, scheduling pass and plan
    durations, gate request latency and errors, partitions and nodes, spend by site and
    account, and store latency, in Prometheus' text format (docs/operations.md lists them).
    Only the daemon's owner may read them, as they include every account's spend; with
    `metrics_listen` in config.yaml the daemon also serves them over plain HTTP on a
    loopback address, for a Prometheus on the same machine.

    Returns:
        200: The metrics in Prometheus' text exposition format 0.0.4.

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return sync_detailed(client=client).parsed


async def asyncio_detailed(*, client: Client) -> Response[str]:
    """Prometheus metrics of the daemon (daemon owner only)

    Jobs by state and site, submissions, queue wait and run time, scheduling pass and plan
    durations, gate request latency and errors, partitions and nodes, spend by site and
    account, and store latency, in Prometheus' text format (docs/operations.md lists them).
    Only the daemon's owner may read them, as they include every account's spend; with
    `metrics_listen` in config.yaml the daemon also serves them over plain HTTP on a
    loopback address, for a Prometheus on the same machine.

    Returns:
        The whole response; ``parsed`` is the body (200: The metrics in Prometheus' text exposition format 0.0.4.).

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return _parse(await client.get_async_httpx_client().request(**_request()))


async def asyncio(*, client: Client) -> str:
    """Prometheus metrics of the daemon (daemon owner only)

    Jobs by state and site, submissions, queue wait and run time, scheduling pass and plan
    durations, gate request latency and errors, partitions and nodes, spend by site and
    account, and store latency, in Prometheus' text format (docs/operations.md lists them).
    Only the daemon's owner may read them, as they include every account's spend; with
    `metrics_listen` in config.yaml the daemon also serves them over plain HTTP on a
    loopback address, for a Prometheus on the same machine.

    Returns:
        200: The metrics in Prometheus' text exposition format 0.0.4.

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return (await asyncio_detailed(client=client)).parsed
