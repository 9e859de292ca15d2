"""Errors Skyport reports to users, each with an HTTP status and a message that says what to fix.

The tree::

    SkyportError                      status 500
    ├── BadRequest                    400, also a ValueError
    │   ├── ScriptError               a job script line that cannot be read
    │   └── ImpossibleRequest         no configured site could ever run the job
    ├── Unauthorized                  401: no client certificate
    ├── Forbidden                     403
    ├── NotFound                      404, also a LookupError
    │   └── JobNotFound
    ├── RequestTimeout                408: the request body stopped arriving
    ├── Conflict                      409: the thing is not in a state that allows this
    ├── TooLarge                      413
    └── GateError                     502: a gate refused or could not be reached

One handler in ``skyport.core.app`` turns any of them into an ``application/problem+json``
response; gates use the same tree.
"""

from __future__ import annotations

__all__ = [
    "BadRequest",
    "Conflict",
    "Forbidden",
    "GateError",
    "ImpossibleRequest",
    "JobNotFound",
    "NotFound",
    "RequestTimeout",
    "ScriptError",
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


class ScriptError(BadRequest):
    """A job script line that cannot be read; the message names the line."""

    title = "Invalid job script"

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line


class ImpossibleRequest(BadRequest):
    """No configured remote site offers what the job asks for, so it would wait forever."""

    title = "Impossible resource request"


class Unauthorized(SkyportError):
    status = 401
    title = "Unauthorized"


class Forbidden(SkyportError):
    status = 403
    title = "Forbidden"


class NotFound(SkyportError, LookupError):
    status = 404
    title = "Not found"


class JobNotFound(NotFound):
    def __init__(self, job_id: str) -> None:
        super().__init__(f"job {job_id} does not exist (or belongs to another user)")
        self.job_id = job_id


class Conflict(SkyportError):
    status = 409
    title = "Conflict"


class JobChanged(Conflict):
    """A job changed state under a change made from an older copy of it; nothing was written."""

    def __init__(self, job_id: str) -> None:
        super().__init__(f"job {job_id} changed state meanwhile; nothing was done, try again")
        self.job_id = job_id


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
