"""The azure gate's own settings, read from the site's ``settings`` mapping in the core's config.

No credential is ever a setting: the gate signs in with azure-identity's DefaultAzureCredential
(environment, workload identity, managed identity, Azure CLI, ...), see
https://learn.microsoft.com/python/api/azure-identity/azure.identity.defaultazurecredential. A
storage account key is read from the environment variable ``storage_key_env`` names, never from
the config file.
"""

from __future__ import annotations

import dataclasses
import re
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

# VM sizes offered when the site names none: small general-purpose and compute sizes that exist in
# most public regions and are in the shipped price table.
DEFAULT_FLAVORS = (
    "Standard_B1s",
    "Standard_B2s",
    "Standard_D2s_v5",
    "Standard_D4s_v5",
    "Standard_F2s_v2",
    "Standard_F4s_v2",
)

# A user delegation key, which signs the SAS URLs when no account key is used, lives at most 7 days:
# https://learn.microsoft.com/rest/api/storageservices/get-user-delegation-key
MAX_URL_EXPIRY = 7 * 24 * 3600

# Resource group names: letters, digits, '.', '_', '-', '(' and ')', at most 90 characters.
# https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules
_GROUP_NAME = re.compile(r"^[-\w.()]{1,90}$")


@dataclasses.dataclass(frozen=True)
class Image:
    """A marketplace image (publisher, offer, sku, version) or a gallery/managed image's resource ID."""

    publisher: str = ""
    offer: str = ""
    sku: str = ""
    version: str = "latest"
    id: str = ""

    def reference(self) -> dict[str, str]:
        """The VM's storageProfile.imageReference."""
        if self.id:
            return {"id": self.id}
        return {"publisher": self.publisher, "offer": self.offer, "sku": self.sku, "version": self.version}

    def describe(self) -> str:
        return self.id or f"{self.publisher}:{self.offer}:{self.sku}:{self.version}"


@dataclasses.dataclass(frozen=True)
class AzureSettings:
    """One Azure site: where VMs start, where files go, what is offered and how faults are retried."""

    # -- identity, given by the core --------------------------------------------------------------
    name: str  # site name; also the value of the skyport-site tag, so sites sharing a subscription stay apart
    state_dir: Path  # the gate's own records of partitions and jobs
    # -- where --------------------------------------------------------------------------------------
    subscription_id: str
    location: str  # the region, e.g. westeurope
    storage_account: str  # for job bundles, inputs, outputs and logs
    container: str  # blob container in it; must exist
    prefix: str = "skyport/"  # blob name prefix inside the container
    storage_url: str | None = None  # the account's blob endpoint; None means https://<account>.blob.core.windows.net
    storage_key_env: str | None = None  # env variable holding the account key; None signs with the credential
    arm_endpoint: str = "https://management.azure.com"  # Resource Manager; another for sovereign clouds
    authority_host: str | None = None  # Microsoft Entra host; None is azure-identity's default (public cloud)
    ca_bundle: Path | None = None  # CA certificates ARM and the prices API are checked with, not the system's
    address_space: str = "10.0.0.0/16"  # of each partition's virtual network and its one subnet
    admin_username: str = "skyport"  # Azure requires one; it has no password and no usable SSH key
    # -- what is offered ------------------------------------------------------------------------
    flavors: tuple[str, ...] = DEFAULT_FLAVORS  # VM sizes offered, if the region's resource SKUs have them
    images: Mapping[str, Image] = dataclasses.field(default_factory=dict)
    default_image: str | None = None
    max_nodes: int | None = None  # most VMs alive at once for this site
    spot: bool = False  # whether partitions may ask for Spot VMs
    os_disk: int | None = None  # GiB of each node's OS disk, offered to jobs as disk; None = the image's
    # -- prices -----------------------------------------------------------------------------------
    price_file: Path | None = None  # JSON like the shipped prices.json, replacing it
    prices: Mapping[str, float] = dataclasses.field(default_factory=dict)  # VM size -> USD/hour
    use_prices_api: bool = False  # ask the Azure Retail Prices API first
    prices_url: str = "https://prices.azure.com/api/retail/prices"
    poll_interval: float = 5.0  # seconds the core should wait between polls; each poll costs ARM calls
    boot_time: float = 120.0  # seconds a VM typically takes to boot, for the scheduler's plans
    # -- lifetimes --------------------------------------------------------------------------------
    keep_job_files: float = 0.0  # seconds a job's blobs are kept after delete_job_files
    bundle_poll_interval: float = 5.0  # seconds between a VM's polls for its job bundle
    bundle_wait: float = 3600.0  # seconds a VM waits for a job before powering off
    url_expiry: int = MAX_URL_EXPIRY  # seconds SAS URLs stay valid
    # -- faults -----------------------------------------------------------------------------------
    create_attempts: int = 5  # tries of a VM refused for capacity, quota or throttling
    create_backoff: float = 30.0  # seconds before the second try, doubled each time
    create_backoff_max: float = 600.0
    api_max_attempts: int = 3  # attempts azure-core makes of one call, first included

    @property
    def site_prefix(self) -> str:
        """Every blob name of this site starts with this."""
        return f"{self.prefix}{self.name}/"

    @property
    def blob_url(self) -> str:
        return self.storage_url or f"https://{self.storage_account}.blob.core.windows.net"

    def group_name(self, partition_id: str) -> str:
        """The resource group of one partition."""
        return f"skyport-{self.name}-{partition_id}"


def _number(key: str, value: Any) -> float:
    return number("azure", key, value)


def _count(key: str, value: Any) -> int:
    return count("azure", key, value)


def _expiry(key: str, value: Any) -> int:
    expiry = int(number("azure", key, value, 60))
    if expiry > MAX_URL_EXPIRY:
        raise BadRequest(f"azure setting {key!r} is at most {MAX_URL_EXPIRY} s (7 days, a user delegation key's limit)")
    return expiry


def _text(key: str, value: Any) -> str:
    return str(value)


def _url(key: str, value: Any) -> str:
    text = str(value).rstrip("/")
    if not text.startswith(("https://", "http://")):
        raise BadRequest(f"azure setting {key!r} must be an http(s) URL, got {value!r}")
    return text


def _image(key: str, value: Any) -> Image:
    """An image: "publisher:offer:sku[:version]" (a URN, as the Azure CLI writes it) or a resource ID."""
    text = str(value)
    if text.startswith("/subscriptions/"):
        return Image(id=text)
    parts = text.split(":")
    if len(parts) not in (3, 4) or not all(parts):
        raise BadRequest(
            f"azure setting {key!r}: {text!r} is neither publisher:offer:sku[:version] nor an image resource ID "
            "(/subscriptions/.../galleries/... or .../images/...)"
        )
    return Image(*parts)


def _images(key: str, value: Any) -> dict[str, Image]:
    return {str(k): _image(f"{key}.{k}", v) for k, v in mapping("azure", key, value, "image names to images").items()}


def _prices(key: str, value: Any) -> dict[str, float]:
    return prices("azure", key, value, "VM sizes to USD per hour")


def _path(key: str, value: Any) -> Path:
    return Path(str(value)).expanduser()


_PARSERS: dict[str, Callable[[str, Any], Any]] = {
    **cloud_parsers("azure"),
    "subscription_id": _text,
    "location": _text,
    "storage_account": _text,
    "container": _text,
    "storage_url": _url,
    "storage_key_env": _text,
    "arm_endpoint": _url,
    "authority_host": _text,
    "ca_bundle": _path,
    "address_space": _text,
    "admin_username": _text,
    "flavors": lambda key, value: strings("azure", key, value),
    "images": _images,
    "default_image": _text,
    "spot": lambda key, value: flag("azure", key, value),
    "os_disk": _count,
    "price_file": _path,
    "prices": _prices,
    "use_prices_api": lambda key, value: flag("azure", key, value),
    "prices_url": _url,
    "url_expiry": _expiry,
    "create_attempts": _count,
    "create_backoff": _number,
    "create_backoff_max": _number,
    "api_max_attempts": _count,
}


def load(raw: Mapping[str, Any]) -> AzureSettings:
    """Check the site's settings and give them typed; every error names the key and what it needs."""
    required = ("name", "state_dir", "subscription_id", "location", "storage_account", "container")
    values = parsed("azure", raw, _PARSERS, required)
    settings = AzureSettings(**values)
    if not settings.flavors:
        raise BadRequest("azure setting 'flavors' must name at least one VM size")
    check_default_image("azure", settings.default_image, settings.images)
    longest = settings.group_name("p" * 36)
    if not _GROUP_NAME.match(longest):
        raise BadRequest(
            f"azure site name {settings.name!r} makes resource group names like {longest!r}, which Azure refuses "
            "(letters, digits, . _ - ( ), at most 90 characters)"
        )
    return settings


def load_prices(settings: AzureSettings) -> dict[str, float]:
    """USD per hour by VM size for the site's region: the price file, then ``prices`` on top."""
    path = settings.price_file or Path(__file__).with_name("prices.json")
    return price_table("azure", path, settings.location, settings.prices)
