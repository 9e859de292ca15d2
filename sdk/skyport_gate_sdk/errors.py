"""Errors a gate (or the core) reports, each with an HTTP status and a message that says what to fix.

The tree::

    SkyportError                      status 500
    ├── BadRequest                    400, also a ValueError
    ├── Unauthorized                  401: no client certificate
    ├── Forbidden                     403
    ├── NotFound                      404, also a LookupError
    ├── RequestTimeout                408: the request body stopped arriving
    ├── Conflict                      409: the thing is not in a state that allows this
    ├── TooLarge                      413
    ├── UnsupportedMediaType          415
    ├── NotServed                     501: an optional operation this server leaves out
    └── GateError                     502: a gate refused or could not be reached

Raised in a handler of an app from :func:`skyport_gate_sdk.apps.build_app`, any of them leaves as
an ``application/problem+json`` response. The core adds its own subclasses (``skyport.errors``).
"""

from __future__ import annotations

__all__ = [
    "BadRequest",
    "Conflict",
    "Forbidden",
    "GateError",
    "NotFound",
    "NotServed",
    "RequestTimeout",
    "SkyportError",
    "TooLarge",
    "Unauthorized",
    "UnsupportedMediaType",
]


class SkyportError(Exception):
    """Base of every error Skyport reports; ``detail`` is the message for the user."""

    status = 500
    title = "Internal error"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail

    def problem(self, instance: str | None = None) -> dict[str, object]:
        """The error as an RFC 9457 problem body."""
        body: dict[str, object] = {"type": "about:blank", "title": self.title, "status": self.status}
        body["detail"] = self.detail
        if instance:
            body["instance"] = instance
        return body


class BadRequest(SkyportError, ValueError):
    status = 400
    title = "Bad request"


class Unauthorized(SkyportError):
    status = 401
    title = "Unauthorized"


class Forbidden(SkyportError):
    status = 403
    title = "Forbidden"


class NotFound(SkyportError, LookupError):
    status = 404
    title = "Not found"


class Conflict(SkyportError):
    status = 409
    title = "Conflict"


class RequestTimeout(SkyportError):
    status = 408
    title = "Request timeout"


class TooLarge(SkyportError):
    status = 413
    title = "Request too large"


class UnsupportedMediaType(SkyportError):
    status = 415
    title = "Unsupported Media Type"


class NotServed(SkyportError):
    """An optional operation of the spec that this server does not serve."""

    status = 501
    title = "Not implemented"


class GateError(SkyportError):
    """A gate answered with an error or could not be reached."""

    status = 502
    title = "Gate error"

    def __init__(self, site: str, detail: str, gate_status: int | None = None) -> None:
        super().__init__(f"site {site}: {detail}")
        self.site = site
        self.gate_status = gate_status  # the gate's HTTP status; None when no answer came
