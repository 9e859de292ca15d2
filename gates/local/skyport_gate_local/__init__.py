"""Skyport's local gate: jobs run as process groups on this machine, within the site's CPUs and memory.

``create_app(settings)`` is the entry point ``local`` of the group ``skyport.gates``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from skyport_gate_sdk.apps import gate_app

from skyport_gate_local import settings as settings_module
from skyport_gate_local.handlers import VERSION, Handlers

__all__ = ["VERSION", "Handlers", "create_app"]

if TYPE_CHECKING:  # imported at run time by skyport_gate_sdk.apps, which imports connexion its own way
    from connexion import AsyncApp


def create_app(settings: Mapping[str, Any]) -> AsyncApp:
    """A connexion app serving spec/core-gate.yaml for the local site; see the README for settings."""
    return gate_app(Handlers(settings_module.load(settings)))
