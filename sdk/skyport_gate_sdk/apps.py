"""Connexion apps served from Skyport's specs: every gate, and the core's terminal API.

:func:`build_app` is the one place that decides how a spec becomes an ASGI app: handlers are
found by ``operationId`` on a module or object, requests are validated, and every error leaves as
``application/problem+json``. :func:`gate_app` serves the gate API (``spec/core-gate.yaml``).
"""

from __future__ import annotations

import functools
import inspect
import json
import logging
import tempfile
import warnings
from collections.abc import AsyncGenerator, Callable, MutableMapping
from typing import IO, Any

from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException, MultiPartParser

from skyport_gate_sdk import specs
from skyport_gate_sdk.errors import NotServed, SkyportError
from skyport_gate_sdk.imports import imported_without

# jsonschema imports rfc3987_syntax when it is installed (jupyter-events, JupyterHub's dependency,
# brings it), and that module compiles 38 Lark grammars at import: 2 to 6 s on every `skyport
# daemon` and `skyport gate` start. Skyport's specs use no IRI formats, so jsonschema is imported
# without it. connexion imports starlette's test client, which warns that it wants httpx2, on every
# start; nothing here uses that client.
with imported_without("rfc3987_syntax"), warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=".*httpx2")
    from connexion import AsyncApp
    from connexion.datastructures import MediaTypeDict
    from connexion.exceptions import BadRequestProblem
    from connexion.lifecycle import ConnexionRequest, ConnexionResponse
    from connexion.options import SwaggerUIOptions
    from connexion.resolver import Resolver
    from connexion.validators import (
        VALIDATOR_MAP,
        JSONRequestBodyValidator,
        MultiPartFormDataValidator,
        ParameterValidator,
    )

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


def _bad_multipart(request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
    assert isinstance(exc, MultiPartException)
    detail = f"the multipart/form-data body cannot be read: {exc.message}"
    return problem_response(400, "Bad request", detail, request.url.path)


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


Message = MutableMapping[str, Any]
_CHUNK = 64 * 1024


class _CheckingMultiPartParser(MultiPartParser):
    """starlette's multipart parser, stricter, for validation only.

    It refuses a body cut short before its closing boundary (which starlette reads as a form
    without its last parts) and a text field that is not valid in the body's charset (which
    starlette silently reads as Latin-1). It drops the content of files as it comes: validation
    needs only their names.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._ended = False
        self._empty = True

    def on_part_begin(self) -> None:
        self._empty = False
        super().on_part_begin()

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self._current_part.file is None:
            super().on_part_data(data, start, end)

    def on_part_end(self) -> None:
        if self._current_part.file is None:
            try:
                bytes(self._current_part.data).decode(self._charset)
            except UnicodeDecodeError:
                raise MultiPartException(
                    f"the form field {self._current_part.field_name!r} is not valid {self._charset} text; "
                    "send bytes as a file (a part with a filename)"
                ) from None
        super().on_part_end()

    def on_end(self) -> None:
        self._ended = True

    async def parse(self) -> FormData:
        form = await super().parse()
        for _, value in form.multi_items():
            if isinstance(value, UploadFile):
                value.file.close()  # empty
        if not self._ended and not self._empty:
            raise MultiPartException("the body ends before the closing boundary: it was cut short; send it whole")
        return form


def _replay(spool: IO[bytes], receive: Callable[[], Any]) -> Callable[[], Any]:
    """A receive channel that hands on the body kept in ``spool``, then what ``receive`` brings."""
    size = spool.seek(0, 2)
    spool.seek(0)
    done = False

    async def replayed() -> Message:
        nonlocal done
        if done:
            return await receive()  # type: ignore[no-any-return]
        chunk = spool.read(_CHUNK)
        done = spool.tell() >= size
        if done:
            spool.close()
        return {"type": "http.request", "body": chunk, "more_body": not done}

    return replayed


class _MultiPartValidator(MultiPartFormDataValidator):  # type: ignore[misc]
    """connexion's multipart validator, with the body kept on disk rather than in memory.

    connexion keeps every message of a body to hand it on after validation, so an upload would
    cost its size in memory; here the body goes to an unnamed temporary file as it streams in, and
    the handler reads it back from there.
    """

    @property
    def _form_parser_cls(self) -> type[MultiPartParser]:
        return _CheckingMultiPartParser

    async def wrap_receive(self, receive: Callable[[], Any], *, scope: Message) -> tuple[Callable[[], Any], Message]:
        spool = tempfile.TemporaryFile()

        async def stream() -> AsyncGenerator[bytes, None]:
            more = True
            while more:
                message = await receive()
                chunk = message.get("body", b"")
                spool.write(chunk)
                more = message.get("more_body", False)
                yield chunk
            yield b""

        try:
            body = await self._parse(stream(), scope=scope)
            self._validate(body)
        except BaseException:
            spool.close()
            raise
        return _replay(spool, receive), scope


class _JSONValidator(JSONRequestBodyValidator):  # type: ignore[misc]
    """connexion's JSON body validator; a body nested too deep for Python's json is the client's 400."""

    async def _parse(self, stream: AsyncGenerator[bytes, None], scope: Message) -> Any:
        try:
            return await super()._parse(stream, scope)
        except RecursionError:  # connexion let it out as a 500 (json.loads reads ~1,000 levels)
            raise BadRequestProblem(
                detail="the JSON body nests arrays and objects too deeply to read: send a flatter document"
            ) from None


class _NamingParameterValidator(ParameterValidator):  # type: ignore[misc]
    """connexion's parameter validator, with messages that name the parameter and leave out the schema."""

    @staticmethod
    def validate_parameter(
        parameter_type: str, value: Any, param: dict[str, Any], param_name: str | None = None
    ) -> Any:
        error = ParameterValidator.validate_parameter(parameter_type, value, param, param_name)
        if error and value is not None:
            first_line = error.partition("\n")[0]  # jsonschema adds the schema and the value below
            return f"{parameter_type} parameter {param['name']!r}: {first_line}"
        return error


_VALIDATORS = {
    "parameter": _NamingParameterValidator,
    "body": MediaTypeDict(
        {**VALIDATOR_MAP["body"], "*/*json": _JSONValidator, "multipart/form-data": _MultiPartValidator}
    ),
}


def _bytes_body_operations(document: dict[str, Any]) -> set[str]:
    """The operationIds whose request body is raw bytes."""
    return {
        operation["operationId"]
        for item in document["paths"].values()
        for operation in item.values()
        if isinstance(operation, dict)
        and "application/octet-stream" in operation.get("requestBody", {}).get("content", {})
    }


def _optional_operations(document: dict[str, Any]) -> set[str]:
    """The operationIds the spec marks ``x-optional``: a server may leave them out."""
    return {
        operation["operationId"]
        for item in document["paths"].values()
        for operation in item.values()
        if isinstance(operation, dict) and operation.get("x-optional")
    }


def _not_served(operation_id: str) -> Callable[..., Any]:
    async def refuse(**_: Any) -> Any:
        raise NotServed(f"this server does not serve the optional operation {operation_id}")

    return refuse


def _bytes_body(function: Callable[..., Any]) -> Callable[..., Any]:
    # connexion hands an empty body to the handler as {}, its default when no body came: an
    # empty file is b"".
    if inspect.iscoroutinefunction(function):

        @functools.wraps(function)
        async def call_async(*args: Any, body: Any = b"", **kwargs: Any) -> Any:
            return await function(*args, body=body if isinstance(body, bytes) else b"", **kwargs)

        return call_async

    @functools.wraps(function)
    def call(*args: Any, body: Any = b"", **kwargs: Any) -> Any:
        return function(*args, body=body if isinstance(body, bytes) else b"", **kwargs)

    return call


def gate_app(handlers: object, *, validate_responses: bool = False) -> AsyncApp:
    """An ASGI app serving the gate API with ``handlers`` (see :func:`build_app`)."""
    return build_app(specs.load(), handlers, validate_responses=validate_responses)


def build_app(document: dict[str, Any], handlers: object, *, validate_responses: bool = False) -> AsyncApp:
    """An ASGI app serving the bundled spec ``document`` (:func:`skyport_gate_sdk.specs.load`).

    ``handlers`` is a module or an object with one callable attribute per ``operationId``;
    an object lets one process serve several sites, each with its own state. An operation the
    spec marks ``x-optional`` that ``handlers`` lacks answers 501.
    """
    bytes_bodies = _bytes_body_operations(document)
    optional = _optional_operations(document)

    def function_for(operation_id: str) -> Any:
        try:
            function = _json_by_default(getattr(handlers, operation_id))
        except AttributeError:
            if operation_id in optional:
                return _not_served(operation_id)
            raise LookupError(f"{handlers!r} has no handler for operationId {operation_id!r}") from None
        return _bytes_body(function) if operation_id in bytes_bodies else function

    app = AsyncApp(__name__)
    app.add_api(
        # Who may call is decided in front of connexion (a certificate's role, or for the core's
        # terminal API a token, skyport.core.auth); connexion would refuse every request whose
        # security scheme has no x-bearerInfoFunc.
        {key: value for key, value in document.items() if key != "security"},
        resolver=Resolver(function_for),
        strict_validation=True,
        validate_responses=validate_responses,
        pythonic_params=False,
        swagger_ui_options=SwaggerUIOptions(swagger_ui=False),  # the spec is served as /openapi.json
        validator_map=_VALIDATORS,
    )
    app.add_error_handler(SkyportError, _skyport_error)
    app.add_error_handler(UnicodeDecodeError, _undecodable_body)
    app.add_error_handler(MultiPartException, _bad_multipart)
    app.add_error_handler(HTTPException, _http_error)
    return app
