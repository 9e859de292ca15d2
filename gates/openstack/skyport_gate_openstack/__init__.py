"""Skyport's OpenStack gate: partitions of Nova servers, files staged through Swift temp URLs, no inbound port.

``create_app(settings)`` is the entry point ``openstack`` of the group ``skyport.gates``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from skyport_gate_sdk.apps import gate_app

from skyport_gate_openstack import settings as settings_module
from skyport_gate_openstack.cloud import connect
from skyport_gate_openstack.handlers import VERSION, Handlers

__all__ = ["VERSION", "Handlers", "create_app"]

if TYPE_CHECKING:  # imported at run time by skyport_gate_sdk.apps, which imports connexion its own way
    from connexion import AsyncApp


def create_app(settings: Mapping[str, Any]) -> AsyncApp:
    """A connexion app serving spec/core-gate.yaml for one OpenStack site; see docs/gates/openstack.md."""
    openstack = settings_module.load(settings)
    return gate_app(Handlers(openstack, connect(openstack)))
