"""Errors Skyport reports to users, each with an HTTP status and a message that says what to fix.

The tree is the gate SDK's (``skyport_gate_sdk.errors``), which gates raise too, with the core's
own subclasses::

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
    │   └── JobChanged
    ├── TooLarge                      413
    ├── UnsupportedMediaType          415
    ├── TooManyRequests               429: a user holds as many event streams as allowed (core only)
    ├── NotServed                     501: an optional operation this server leaves out
    └── GateError                     502: a gate refused or could not be reached

One handler in ``skyport_gate_sdk.apps`` turns any of them into an ``application/problem+json``
response.
"""

from __future__ import annotations

from skyport_gate_sdk.errors import (
    BadRequest,
    Conflict,
    Forbidden,
    GateError,
    NotFound,
    NotServed,
    RequestTimeout,
    SkyportError,
    TooLarge,
    Unauthorized,
    UnsupportedMediaType,
)

__all__ = [
    "BadRequest",
    "Conflict",
    "Forbidden",
    "GateError",
    "ImpossibleRequest",
    "JobChanged",
    "JobNotFound",
    "NotFound",
    "NotServed",
    "RequestTimeout",
    "ScriptError",
    "SkyportError",
    "TooLarge",
    "TooManyRequests",
    "Unauthorized",
    "UnsupportedMediaType",
]


class ScriptError(BadRequest):
    """A job script line that cannot be read; the message names the line."""

    title = "Invalid job script"

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line


class ImpossibleRequest(BadRequest):
    """No configured remote site offers what the job asks for, so it would wait forever."""

    title = "Impossible resource request"


class JobNotFound(NotFound):
    def __init__(self, job_id: str) -> None:
        super().__init__(f"job {job_id} does not exist (or belongs to another user)")
        self.job_id = job_id


class TooManyRequests(SkyportError):
    """A user holds as many of something (event streams) as the daemon allows."""

    status = 429
    title = "Too many requests"


class JobChanged(Conflict):
    """A job changed state under a change made from an older copy of it; nothing was written."""

    def __init__(self, job_id: str) -> None:
        super().__init__(f"job {job_id} changed state meanwhile; nothing was done, try again")
        self.job_id = job_id
