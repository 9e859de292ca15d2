"""Checks for a site's settings (the ``settings`` mapping of a site in the core's config.yaml).

Each refusal is a :class:`~skyport_gate_sdk.errors.BadRequest` that names the gate kind, the key and
what it needs, so the daemon (or ``skyport-gate serve``) can stop with a message the operator acts on.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from skyport_gate_sdk.errors import BadRequest

GIVEN_BY_THE_CORE = ("name", "state_dir")  # every gate gets them: the site's name and its own folder

Parser = Callable[[str, Any], Any]  # (key, raw value) -> the typed value, or a BadRequest


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


def count(kind: str, key: str, value: Any) -> int:
    """``value`` as an int if it is a number >= 1 (a fraction is cut off)."""
    return int(number(kind, key, value, 1))


def key_prefix(key: str, value: Any) -> str:
    """A prefix of object names: empty, or ending in "/"."""
    text = str(value)
    return text if not text or text.endswith("/") else text + "/"


def prices(kind: str, key: str, value: Any, what: str) -> dict[str, float]:
    """A mapping of flavor names to prices per hour; ``what`` names both, as :func:`mapping`'s."""
    return {str(k): number(kind, f"{key}.{k}", v) for k, v in mapping(kind, key, value, what).items()}


def cloud_parsers(kind: str) -> dict[str, Parser]:
    """Parsers of the settings every cloud gate (aws, azure, openstack) has, under the same names."""

    def seconds(key: str, value: Any) -> float:
        return number(kind, key, value)

    return {
        "prefix": key_prefix,
        "max_nodes": lambda key, value: int(number(kind, key, value)),
        "poll_interval": seconds,
        "boot_time": seconds,
        "keep_job_files": seconds,
        "bundle_poll_interval": lambda key, value: number(kind, key, value, 0.05),
        "bundle_wait": seconds,
    }


def parsed(
    kind: str, raw: Mapping[str, Any], parsers: Mapping[str, Parser], required: Iterable[str], known: Iterable[str] = ()
) -> dict[str, Any]:
    """The keys of ``raw`` typed: the core's own (:data:`GIVEN_BY_THE_CORE`), then each key ``parsers`` has
    that is given (not None), after :func:`check_keys` with those keys and ``known`` (read by the caller)."""
    check_keys(kind, raw, sorted({*GIVEN_BY_THE_CORE, *known, *parsers}), required)
    values: dict[str, Any] = {"name": str(raw["name"]), "state_dir": Path(raw["state_dir"])}
    values.update({key: parse(key, raw[key]) for key, parse in parsers.items() if raw.get(key) is not None})
    return values


def check_default_image(kind: str, default_image: str | None, images: Iterable[str]) -> None:
    """Refuse a ``default_image`` that is not one of the site's ``images``."""
    if default_image is not None and default_image not in images:
        raise BadRequest(f"{kind} setting 'default_image' {default_image!r} is not one of 'images': {sorted(images)}")


def price_table(kind: str, price_file: Path, region: str, given: Mapping[str, float]) -> dict[str, float]:
    """Prices per hour by flavor for one region: ``price_file``'s (JSON ``{"regions": {region: {flavor: price}}}``),
    then ``given`` on top."""
    try:
        table = json.loads(price_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BadRequest(f"{kind} setting 'price_file': cannot read {price_file}: {exc}") from exc
    regional = table.get("regions", {}).get(region, {})
    return {**{str(k): float(v) for k, v in regional.items()}, **given}
