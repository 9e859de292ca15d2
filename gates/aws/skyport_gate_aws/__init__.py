"""Skyport's AWS gate: partitions of EC2 instances, files staged through S3, jobs run with no inbound port.

``create_app(settings)`` is the entry point ``aws`` of the group ``skyport.gates``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from skyport_gate_sdk.apps import gate_app

from skyport_gate_aws import settings as settings_module
from skyport_gate_aws.ec2 import connect
from skyport_gate_aws.handlers import VERSION, Handlers

__all__ = ["VERSION", "Handlers", "create_app"]

if TYPE_CHECKING:  # imported at run time by skyport_gate_sdk.apps, which imports connexion its own way
    from connexion import AsyncApp


def create_app(settings: Mapping[str, Any]) -> AsyncApp:
    """A connexion app serving spec/core-gate.yaml for one AWS site; see docs/gates/aws.md for settings."""
    aws = settings_module.load(settings)
    return gate_app(Handlers(aws, connect(aws)))
