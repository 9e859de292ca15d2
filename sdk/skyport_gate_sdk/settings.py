"""Checks for a site's settings (the ``settings`` mapping of a site in the core's config.yaml).

Each refusal is a :class:`~skyport_gate_sdk.errors.BadRequest` that names the gate kind, the key and
what it needs, so the daemon (or ``skyport-gate serve``) can stop with a message the operator acts on.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from skyport_gate_sdk.errors import BadRequest

GIVEN_BY_THE_CORE = ("name", "state_dir")  # every gate gets them: the site's name and its own folder


def check_keys(kind: str, raw: Mapping[str, Any], known: Iterable[str], required: Iterable[str] = ()) -> None:
    """Refuse keys not in ``known`` (a typo would be ignored silently otherwise) and missing ``required`` ones."""
    known = tuple(known)
    unknown = sorted(set(raw) - set(known))
    if unknown:
        raise BadRequest(f"{kind} settings: unknown keys {unknown}; known: {', '.join(known)}")
    for key in required:
        if not raw.get(key):
            raise BadRequest(f"{kind} settings: {key!r} is required")


def whole(kind: str, key: str, value: Any, minimum: int) -> int:
    """``value`` if it is a whole number >= ``minimum`` (not a bool)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise BadRequest(f"{kind} setting {key!r} must be a whole number >= {minimum}, got {value!r}")
    return value


def number(kind: str, key: str, value: Any, minimum: float = 0.0, what: str = "") -> float:
    """``value`` as a float if it is a finite number >= ``minimum`` (not a bool); ``what`` names its unit."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < minimum:
        unit = f" ({what})" if what else ""
        raise BadRequest(f"{kind} setting {key!r} must be a number >= {minimum:g}{unit}, got {value!r}")
    return float(value)


def strings(kind: str, key: str, value: Any) -> tuple[str, ...]:
    """``value`` if it is a list of strings."""
    if isinstance(value, str) or not isinstance(value, list | tuple):
        raise BadRequest(f"{kind} setting {key!r} must be a list of strings, got {value!r}")
    return tuple(str(v) for v in value)


def flag(kind: str, key: str, value: Any) -> bool:
    """``value`` if it is true or false."""
    if not isinstance(value, bool):
        raise BadRequest(f"{kind} setting {key!r} must be true or false, got {value!r}")
    return value


def mapping(kind: str, key: str, value: Any, what: str) -> Mapping[Any, Any]:
    """``value`` if it is a mapping; ``what`` says what it maps to what."""
    if not isinstance(value, Mapping):
        raise BadRequest(f"{kind} setting {key!r} must map {what}, got {value!r}")
    return value
