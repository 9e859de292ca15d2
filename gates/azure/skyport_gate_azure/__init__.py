"""Skyport's Azure gate: partitions of VMs in a resource group each, files staged through Blob Storage,
jobs run with no inbound port.

``create_app(settings)`` is the entry point ``azure`` of the group ``skyport.gates``. The Azure SDK
is imported with the gate's first call to Azure, not when the gate starts.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from skyport_gate_sdk.apps import gate_app

from skyport_gate_azure import settings as settings_module
from skyport_gate_azure.arm import Arm, Credential
from skyport_gate_azure.blobs import Staging
from skyport_gate_azure.handlers import VERSION, Handlers

__all__ = ["VERSION", "Handlers", "create_app"]

if TYPE_CHECKING:  # imported at run time by skyport_gate_sdk.apps, which imports connexion its own way
    from connexion import AsyncApp


def create_app(settings: Mapping[str, Any]) -> AsyncApp:
    """A connexion app serving spec/core-gate.yaml for one Azure site; see docs/gates/azure.md for settings."""
    azure = settings_module.load(settings)
    credential = Credential(azure)
    return gate_app(Handlers(azure, Arm(azure, credential), Staging(azure, credential)))
