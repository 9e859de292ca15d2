# Generated from spec/core-terminal.yaml by `skyport codegen` (template python_client/errors.py.jinja).
# Spec sha256: 0dffc4b1faa7ddfc82a239e7feb8b44243f69c45c4f184b8608bfaa949eff517
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""Errors the operation functions raise when the server does not answer with a documented success.

The tree::

    ApiError              any error answer; ``problem`` holds the RFC 9457 problem+json body
    └── UnexpectedStatus  a status the spec does not document for the operation
"""

from __future__ import annotations

from typing import Any

import httpx


class ApiError(Exception):
    """The server answered with an error.

    Attributes:
        status_code: The HTTP status.
        title: The problem's title, the same for every occurrence of this kind of problem.
        detail: What happened in this case and what to fix ("" when the server did not say).
        problem: The whole problem+json body (or one built from the status when the body was not JSON).
        content: The raw response body.
    """

    def __init__(self, status_code: int, problem: dict[str, Any], content: bytes = b"") -> None:
        self.status_code = status_code
        self.problem = problem
        self.title = str(problem.get("title") or "")
        self.detail = str(problem.get("detail") or "")
        self.content = content
        super().__init__(
            f"HTTP {status_code} {self.title}: {self.detail}" if self.detail else f"HTTP {status_code} {self.title}"
        )


class UnexpectedStatus(ApiError):
    """The server answered with a status the spec does not document for this operation."""


def problem_of(response: httpx.Response) -> dict[str, Any]:
    """The problem+json body of ``response``, or one made from its status line when it has none."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict):
        return body
    return {"title": response.reason_phrase, "status": response.status_code, "detail": response.text[:1000]}


def error_for(response: httpx.Response, *, documented: frozenset[int], has_default: bool) -> ApiError:
    """The error to raise for ``response``, which is not one of the operation's documented successes."""
    problem = problem_of(response)
    if response.is_error and (has_default or response.status_code in documented):
        return ApiError(response.status_code, problem, response.content)
    return UnexpectedStatus(response.status_code, problem, response.content)
