"""Connexion apps served from the specs under ``spec/`` by name, built as the gate SDK builds them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from skyport_gate_sdk import apps

from skyport import specs

if TYPE_CHECKING:
    from connexion import AsyncApp


def build_app(spec: str, handlers: object, *, validate_responses: bool = False) -> AsyncApp:
    """An ASGI app serving ``spec`` ("core-terminal" or "core-gate"); see :func:`skyport_gate_sdk.apps.build_app`."""
    return apps.build_app(specs.load(spec), handlers, validate_responses=validate_responses)
