"""The OpenStack gate's own settings, read from the site's ``settings`` mapping in the core's config.

No credential is ever a setting: openstacksdk reads them from a ``clouds.yaml`` entry (``cloud``)
or the ``OS_*`` environment, see
https://docs.openstack.org/openstacksdk/latest/user/config/configuration.html.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from skyport_gate_sdk.errors import BadRequest
from skyport_gate_sdk.settings import (
    check_default_image,
    cloud_parsers,
    count,
    mapping,
    number,
    parsed,
    prices,
    strings,
)

KIND = "openstack"


@dataclasses.dataclass(frozen=True)
class OpenStackSettings:
    """One OpenStack project: where servers start, where files go, what is offered and how faults are retried."""

    # -- identity, given by the core --------------------------------------------------------------
    name: str  # site name; also the value of each server's skyport-site metadata
    state_dir: Path  # the gate's own records of partitions and jobs
    # -- which cloud ------------------------------------------------------------------------------
    cloud: str | None = None  # an entry of clouds.yaml; None: the OS_* environment
    clouds_file: Path | None = None  # a clouds.yaml to read instead of openstacksdk's usual places
    region: str | None = None
    ca_file: Path | None = None  # CA bundle of a private cloud's TLS certificates; verification stays on
    container: str = "skyport"  # Swift container for bundles, inputs, outputs and logs (created if missing)
    prefix: str = "skyport/"  # object name prefix inside the container (or the S3 bucket)
    s3: Mapping[str, str] = dataclasses.field(default_factory=dict)  # endpoint_url, bucket[, region]: stage there
    network: str | None = None  # network ID the servers attach to; None: Nova's "auto" allocation
    security_group: str = "skyport-no-inbound"  # created by the gate with no ingress rule
    server_group_policy: str = "soft-affinity"
    # -- what is offered ------------------------------------------------------------------------
    flavors: tuple[str, ...] = ()  # flavor names offered; () offers every flavor Nova lists
    images: Mapping[str, str] = dataclasses.field(default_factory=dict)  # image name -> Glance name or ID
    default_image: str | None = None
    prices: Mapping[str, float] = dataclasses.field(default_factory=dict)  # flavor -> price per hour; default 0
    max_nodes: int | None = None  # most servers alive at once for this site
    poll_interval: float = 5.0  # seconds the core should wait between polls
    boot_time: float = 60.0  # seconds a server typically takes to boot, for the scheduler's plans
    # -- lifetimes --------------------------------------------------------------------------------
    keep_job_files: float = 0.0  # seconds a job's objects are kept after delete_job_files
    bundle_poll_interval: float = 5.0  # seconds between a server's polls for its job bundle
    bundle_wait: float = 3600.0  # seconds a server waits for a job before powering off
    url_expiry: int = 7 * 24 * 3600  # seconds temp URLs stay valid
    # -- faults -----------------------------------------------------------------------------------
    launch_attempts: int = 5  # tries of a server build refused for capacity, quota or throttling
    launch_backoff: float = 30.0  # seconds before the second try, doubled each time (or the Retry-After)
    launch_backoff_max: float = 600.0

    @property
    def site_prefix(self) -> str:
        """Every object name of this site starts with this."""
        return f"{self.prefix}{self.name}/"


def _number(key: str, value: Any) -> float:
    return number(KIND, key, value)


def _count(key: str, value: Any) -> int:
    return count(KIND, key, value)


def _text(key: str, value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise BadRequest(f"{KIND} setting {key!r} must be a non-empty string, got {value!r}")
    return value


def _path(key: str, value: Any) -> Path:
    path = Path(_text(key, value)).expanduser()
    if not path.is_file():
        raise BadRequest(f"{KIND} setting {key!r}: {path} is not a readable file")
    return path


def _names(key: str, value: Any) -> tuple[str, ...]:
    names = strings(KIND, key, value)
    if not names:
        raise BadRequest(f"{KIND} setting {key!r} must name at least one, got {value!r}")
    return names


def _images(key: str, value: Any) -> dict[str, str]:
    return {str(k): str(v) for k, v in mapping(KIND, key, value, "image names to Glance image names or IDs").items()}


def _prices(key: str, value: Any) -> dict[str, float]:
    return prices(KIND, key, value, "flavor names to prices per hour")


def _policy(key: str, value: Any) -> str:
    # https://docs.openstack.org/api-ref/compute/#create-server-group (microversion 2.64)
    policies = ("affinity", "anti-affinity", "soft-affinity", "soft-anti-affinity")
    if value not in policies:
        raise BadRequest(f"{KIND} setting {key!r} must be one of {list(policies)}, got {value!r}")
    return str(value)


def _s3(key: str, value: Any) -> dict[str, str]:
    raw = {str(k): str(v) for k, v in mapping(KIND, key, value, "endpoint_url, bucket and region to values").items()}
    unknown = sorted(set(raw) - {"endpoint_url", "bucket", "region"})
    missing = [k for k in ("endpoint_url", "bucket") if not raw.get(k)]
    if unknown or missing:
        raise BadRequest(
            f"{KIND} setting {key!r} takes endpoint_url and bucket (required) and region; "
            f"unknown: {unknown}, missing: {missing}"
        )
    return raw


def _expiry(key: str, value: Any) -> int:
    return int(number(KIND, key, value, 60))


_PARSERS: dict[str, Callable[[str, Any], Any]] = {
    **cloud_parsers(KIND),
    "cloud": _text,
    "clouds_file": _path,
    "region": _text,
    "ca_file": _path,
    "container": _text,
    "s3": _s3,
    "network": _text,
    "security_group": _text,
    "server_group_policy": _policy,
    "flavors": _names,
    "images": _images,
    "default_image": _text,
    "prices": _prices,
    "url_expiry": _expiry,
    "launch_attempts": _count,
    "launch_backoff": _number,
    "launch_backoff_max": _number,
}


def load(raw: Mapping[str, Any]) -> OpenStackSettings:
    """Check the site's settings and give them typed; every error names the key and what it needs."""
    settings = OpenStackSettings(**parsed(KIND, raw, _PARSERS, ("name", "state_dir", "images")))
    check_default_image(KIND, settings.default_image, settings.images)
    return settings
