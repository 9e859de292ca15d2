"""Connexion apps served from Skyport's specs: the core's terminal API and every gate.

:func:`build_app` is the one place that decides how a spec becomes an ASGI app: handlers are
found by ``operationId`` on a module or object, requests are validated, and every error leaves as
``application/problem+json``.
"""

from __future__ import annotations

import functools
import inspect
import json
import logging
import warnings
from collections.abc import Callable
from typing import Any

from starlette.exceptions import HTTPException

with warnings.catch_warnings():
    # connexion imports starlette's test client, which warns that it wants httpx2, on every
    # `skyport daemon` and `skyport gate`. Nothing here uses that client.
    warnings.filterwarnings("ignore", message=".*httpx2")
    from connexion import AsyncApp
    from connexion.lifecycle import ConnexionRequest, ConnexionResponse
    from connexion.options import SwaggerUIOptions
    from connexion.resolver import Resolver

from skyport import specs
from skyport.errors import SkyportError

logger = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"


def problem_response(status: int, title: str, detail: str, instance: str | None = None) -> ConnexionResponse:
    """A problem+json response."""
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    if instance:
        body["instance"] = instance
    return ConnexionResponse(status_code=status, body=json.dumps(body), content_type=PROBLEM_JSON)


def _skyport_error(request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
    assert isinstance(exc, SkyportError)
    log = logger.warning if exc.status < 500 else logger.error
    log("%s %s -> %s: %s", request.method, request.url.path, exc.status, exc.detail)
    return problem_response(exc.status, exc.title, exc.detail, request.url.path)


def _undecodable_body(request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
    # connexion lets a non-UTF-8 JSON body escape as a 500; it is the client's mistake.
    return problem_response(400, "Bad request", f"request body is not valid UTF-8: {exc}", request.url.path)


def _http_error(request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
    assert isinstance(exc, HTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else json.dumps(exc.detail)
    title = getattr(exc, "title", None) or "Error"
    return problem_response(exc.status_code, title, detail, request.url.path)


def _with_json_content_type(result: Any) -> Any:
    # Every operation also documents problem+json responses, so connexion cannot infer the
    # content type of a dict or list body on its own; bytes are octet-stream and need nothing.
    if isinstance(result, tuple) and len(result) == 2 and isinstance(result[0], dict | list):
        return result[0], result[1], {"Content-Type": "application/json"}
    if isinstance(result, dict | list):
        return result, 200, {"Content-Type": "application/json"}
    return result


def _json_by_default(function: Callable[..., Any]) -> Callable[..., Any]:
    if inspect.iscoroutinefunction(function):

        @functools.wraps(function)
        async def call_async(*args: Any, **kwargs: Any) -> Any:
            return _with_json_content_type(await function(*args, **kwargs))

        return call_async

    @functools.wraps(function)
    def call(*args: Any, **kwargs: Any) -> Any:
        return _with_json_content_type(function(*args, **kwargs))

    return call


def build_app(spec: str, handlers: object, *, validate_responses: bool = False) -> AsyncApp:
    """An ASGI app serving ``spec`` ("core-terminal" or "core-gate").

    ``handlers`` is a module or an object with one callable attribute per ``operationId``;
    an object lets one process serve several sites, each with its own state.
    """

    def function_for(operation_id: str) -> Any:
        try:
            return _json_by_default(getattr(handlers, operation_id))
        except AttributeError:
            raise LookupError(f"{handlers!r} has no handler for operationId {operation_id!r}") from None

    app = AsyncApp(__name__)
    app.add_api(
        specs.load(spec),
        resolver=Resolver(function_for),
        strict_validation=True,
        validate_responses=validate_responses,
        pythonic_params=False,
        swagger_ui_options=SwaggerUIOptions(swagger_ui=False),  # the spec is served as /openapi.json
    )
    app.add_error_handler(SkyportError, _skyport_error)
    app.add_error_handler(UnicodeDecodeError, _undecodable_body)
    app.add_error_handler(HTTPException, _http_error)
    return app
