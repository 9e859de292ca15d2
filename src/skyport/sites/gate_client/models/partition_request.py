# Generated from spec/core-gate.yaml by `skyport codegen` (template python_client/model.py.jinja).
# Spec sha256: 84facd3c27cd2f18c11ab79d433e2c7938e1f8e1bc6a5d0fe2a6bf0767f51551
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""The PartitionRequest model."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any


@dataclasses.dataclass(frozen=True, kw_only=True)
class PartitionRequest:
    """The PartitionRequest schema.

    Attributes:
        id: An ID chosen by the core; letters, digits, "-" and "_".
        flavor: Name of one of the site's flavors.
        count: Number of nodes.
        image: Name of one of the site's images; the site's default when absent.
        owner: User the partition is created for, recorded as a tag where the site has tags.
        spot: Use spot (interruptible) capacity where the site offers it.
    """

    id: str
    flavor: str
    count: int
    image: str | None = None
    owner: str | None = None
    spot: bool | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PartitionRequest:
        """Build from a decoded JSON object; keys the schema does not name are ignored."""
        return cls(
            id=data["id"],
            flavor=data["flavor"],
            count=data["count"],
            image=data.get("image"),
            owner=data.get("owner"),
            spot=data.get("spot"),
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON object; optional fields that are None are left out."""
        result: dict[str, Any] = {
            "id": self.id,
            "flavor": self.flavor,
            "count": self.count,
            "image": self.image,
            "owner": self.owner,
            "spot": self.spot,
        }
        return {key: value for key, value in result.items() if value is not None}
