# Generated from spec/core-terminal.yaml by `skyport codegen` (template python_client/types.py.jinja).
# Spec sha256: 20d6f527e913cc724cd52942db30ca9738960bdb5d67be7bdd3471ea5bf1d709
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""Types the operation modules share: the detailed response and request-building helpers."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any, Generic, TypeVar

import httpx

T = TypeVar("T")
FilePart = tuple[str, tuple[str, bytes, str]]


@dataclasses.dataclass(frozen=True)
class Response(Generic[T]):
    """A successful response with its body parsed.

    Attributes:
        status_code: The HTTP status (200 and 201 can mean different things, such as "already existed").
        content: The raw body.
        headers: The response headers.
        parsed: The body as the spec describes it.
    """

    status_code: int
    content: bytes
    headers: httpx.Headers
    parsed: T


def build_response(response: httpx.Response, parsed: T) -> Response[T]:
    """A :class:`Response` of ``response`` whose body parsed into ``parsed``."""
    return Response(status_code=response.status_code, content=response.content, headers=response.headers, parsed=parsed)


def present(values: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` without the ones that are None (optional parameters not given)."""
    return {key: value for key, value in values.items() if value is not None}


def one_file(field: str, content: bytes | None) -> list[FilePart]:
    """The multipart part of one file field, named after the field; none when ``content`` is None."""
    return [] if content is None else [(field, (field, content, "application/octet-stream"))]


def many_files(field: str, files: Sequence[tuple[str, bytes]] | None) -> list[FilePart]:
    """The multipart parts of a field holding several ``(file name, content)`` pairs."""
    return [(field, (name, content, "application/octet-stream")) for name, content in files or ()]
