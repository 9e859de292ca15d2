"""Skyport's Slurm gate: jobs as sbatch batch jobs on a cluster, files on its shared filesystem.

``create_app(settings)`` is the entry point ``slurm`` of the group ``skyport.gates``. Run it on a
host with Slurm's client commands (a login node), as the user the jobs run as.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from skyport_gate_sdk.apps import gate_app

from skyport_gate_slurm import settings as settings_module
from skyport_gate_slurm.handlers import VERSION, Handlers

__all__ = ["VERSION", "Handlers", "create_app"]

if TYPE_CHECKING:  # imported at run time by skyport_gate_sdk.apps, which imports connexion its own way
    from connexion import AsyncApp


def create_app(settings: Mapping[str, Any]) -> AsyncApp:
    """A connexion app serving spec/core-gate.yaml for one Slurm site; see the README for settings."""
    return gate_app(Handlers(settings_module.load(settings)))
