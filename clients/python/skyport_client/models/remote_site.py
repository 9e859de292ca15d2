# Generated from spec/core-terminal.yaml by `skyport codegen` (template python_client/model.py.jinja).
# Spec sha256: 0dffc4b1faa7ddfc82a239e7feb8b44243f69c45c4f184b8608bfaa949eff517
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""The RemoteSite model."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from .isolation import Isolation


@dataclasses.dataclass(frozen=True, kw_only=True)
class RemoteSite:
    """A configured remote site.

    Attributes:
        id: Remote site ID, stable for a site name.
        name: Remote site name in the daemon's config.
        account_id: Account ID.
        server: Host of the site's gate.
        port: Port of the site's gate.
        kind: Gate kind (local, aws, slurm, ...).
        default_image_id: ID of the site's default image.
        default_flavor_id: ID of the site's default flavor.
        spend: Total cost of jobs run on this site, in US dollars.
        state_details: Whether the site's gate answers, and if not why.
        isolation: How the site keeps a job from other jobs, the gate and the machine.
    """

    id: str | None = None
    name: str | None = None
    account_id: str | None = None
    server: str | None = None
    port: int | None = None
    kind: str | None = None
    default_image_id: str | None = None
    default_flavor_id: str | None = None
    spend: float | None = None
    state_details: str | None = None
    isolation: Isolation | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RemoteSite:
        """Build from a decoded JSON object; keys the schema does not name are ignored."""
        return cls(
            id=data.get("id"),
            name=data.get("name"),
            account_id=data.get("account_id"),
            server=data.get("server"),
            port=data.get("port"),
            kind=data.get("kind"),
            default_image_id=data.get("default_image_id"),
            default_flavor_id=data.get("default_flavor_id"),
            spend=data.get("spend"),
            state_details=data.get("state_details"),
            isolation=None if data.get("isolation") is None else Isolation.from_dict(data["isolation"]),
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON object; optional fields that are None are left out."""
        result: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "account_id": self.account_id,
            "server": self.server,
            "port": self.port,
            "kind": self.kind,
            "default_image_id": self.default_image_id,
            "default_flavor_id": self.default_flavor_id,
            "spend": self.spend,
            "state_details": self.state_details,
            "isolation": None if self.isolation is None else self.isolation.to_dict(),
        }
        return {key: value for key, value in result.items() if value is not None}
