"""The AWS gate's own settings, read from the site's ``settings`` mapping in the core's config.

No credential is ever a setting: boto3 finds them through its default chain (environment,
profile, instance role), see
https://boto3.amazonaws.com/v1/documentation/api/latest/guide/credentials.html.
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
    flag,
    mapping,
    number,
    parsed,
    price_table,
    prices,
    strings,
)

# Instance types offered when the site names none: small general-purpose and compute shapes
# that exist in every commercial region and are in the shipped price table.
DEFAULT_FLAVORS = ("t3.micro", "t3.small", "t3.medium", "c5.large", "c5.xlarge", "m5.large", "m5.xlarge")

# A SigV4 presigned URL lives at most 7 days:
# https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-presigned-url.html
MAX_URL_EXPIRY = 7 * 24 * 3600


@dataclasses.dataclass(frozen=True)
class AwsSettings:
    """One AWS site: where instances start, where files go, what is offered and how faults are retried."""

    # -- identity, given by the core --------------------------------------------------------------
    name: str  # site name; also the value of the skyport:site tag, so sites sharing an account stay apart
    state_dir: Path  # the gate's own records of partitions and jobs
    # -- where --------------------------------------------------------------------------------------
    region: str
    bucket: str  # S3 bucket for bundles, inputs, outputs and logs
    prefix: str = "skyport/"  # key prefix inside the bucket
    endpoint_url: str | None = None  # one endpoint for EC2 and S3 (a moto server); None means AWS itself
    subnet_id: str | None = None
    security_group_ids: tuple[str, ...] = ()
    instance_profile: str | None = None  # IAM instance profile name; the bootstrap needs none
    # -- what is offered ------------------------------------------------------------------------
    flavors: tuple[str, ...] = DEFAULT_FLAVORS  # instance types offered, unless flavor_filters is set
    flavor_filters: Mapping[str, tuple[str, ...]] = dataclasses.field(default_factory=dict)
    images: Mapping[str, str] = dataclasses.field(default_factory=dict)  # image name -> AMI ID
    image_owners: tuple[str, ...] = ()  # describe_images Owners; with image_filters, adds found AMIs by Name
    image_filters: Mapping[str, tuple[str, ...]] = dataclasses.field(default_factory=dict)
    default_image: str | None = None
    max_nodes: int | None = None  # most instances alive at once for this site
    spot: bool = False  # whether partitions may ask for spot capacity
    root_volume: int | None = None  # GiB of each node's root volume, offered to jobs as disk; None = the AMI's
    # -- prices -----------------------------------------------------------------------------------
    price_file: Path | None = None  # JSON like the shipped prices.json, replacing it
    prices: Mapping[str, float] = dataclasses.field(default_factory=dict)  # instance type -> USD/hour
    use_pricing_api: bool = False
    poll_interval: float = 5.0  # seconds the core should wait between polls; each poll costs AWS calls
    boot_time: float = 90.0  # seconds an instance typically takes to boot, for the scheduler's plans
    # -- lifetimes --------------------------------------------------------------------------------
    keep_job_files: float = 0.0  # seconds a job's S3 prefix is kept after delete_job_files
    bundle_poll_interval: float = 5.0  # seconds between an instance's polls for its job bundle
    bundle_wait: float = 3600.0  # seconds an instance waits for a job before powering off
    url_expiry: int = MAX_URL_EXPIRY  # seconds presigned URLs stay valid
    # -- faults -----------------------------------------------------------------------------------
    launch_attempts: int = 5  # tries of run_instances refused for capacity, quota or throttling
    launch_backoff: float = 30.0  # seconds before the second try, doubled each time
    launch_backoff_max: float = 600.0
    api_max_attempts: int = 3  # attempts botocore makes of one call, first included ("standard" mode)

    @property
    def site_prefix(self) -> str:
        """Every key of this site starts with this."""
        return f"{self.prefix}{self.name}/"


def _strings(key: str, value: Any) -> tuple[str, ...]:
    return strings("aws", key, value)


def _filters(key: str, value: Any) -> dict[str, tuple[str, ...]]:
    if not isinstance(value, Mapping):
        raise BadRequest(f"aws setting {key!r} must map filter names to lists of values, got {value!r}")
    return {str(name): _strings(f"{key}.{name}", values) for name, values in value.items()}


def _number(key: str, value: Any) -> float:
    return number("aws", key, value)


def _count(key: str, value: Any) -> int:
    return count("aws", key, value)


def _expiry(key: str, value: Any) -> int:
    expiry = int(number("aws", key, value, 60))
    if expiry > MAX_URL_EXPIRY:
        raise BadRequest(f"aws setting {key!r} is at most {MAX_URL_EXPIRY} s (7 days, SigV4's limit)")
    return expiry


def _flag(key: str, value: Any) -> bool:
    return flag("aws", key, value)


def _text(key: str, value: Any) -> str:
    return str(value)


def _images(key: str, value: Any) -> dict[str, str]:
    return {str(k): str(v) for k, v in mapping("aws", key, value, "image names to AMI IDs").items()}


def _prices(key: str, value: Any) -> dict[str, float]:
    return prices("aws", key, value, "instance types to USD per hour")


def _path(key: str, value: Any) -> Path:
    return Path(str(value)).expanduser()


_PARSERS: dict[str, Callable[[str, Any], Any]] = {
    **cloud_parsers("aws"),
    "region": _text,
    "bucket": _text,
    "endpoint_url": _text,
    "subnet_id": _text,
    "security_group_ids": _strings,
    "instance_profile": _text,
    "flavor_filters": _filters,
    "images": _images,
    "image_owners": _strings,
    "image_filters": _filters,
    "default_image": _text,
    "spot": _flag,
    "root_volume": _count,
    "price_file": _path,
    "prices": _prices,
    "use_pricing_api": _flag,
    "url_expiry": _expiry,
    "launch_attempts": _count,
    "launch_backoff": _number,
    "launch_backoff_max": _number,
    "api_max_attempts": _count,
}


def load(raw: Mapping[str, Any]) -> AwsSettings:
    """Check the site's settings and give them typed; every error names the key and what it needs."""
    values = parsed("aws", raw, _PARSERS, ("name", "state_dir", "region", "bucket"), known=("flavors",))
    flavors = raw.get("flavors")
    if isinstance(flavors, Mapping):  # a describe_instance_types filter instead of a list of names
        values["flavor_filters"] = _filters("flavors", flavors)
    elif flavors is not None:
        values["flavors"] = _strings("flavors", flavors)
        if not values["flavors"]:
            raise BadRequest("aws setting 'flavors' must name at least one instance type")
    settings = AwsSettings(**values)
    if not settings.image_filters:
        check_default_image("aws", settings.default_image, settings.images)
    return settings


def load_prices(settings: AwsSettings) -> dict[str, float]:
    """USD per hour by instance type for the site's region: the price file, then ``prices`` on top."""
    path = settings.price_file or Path(__file__).with_name("prices.json")
    return price_table("aws", path, settings.region, settings.prices)
