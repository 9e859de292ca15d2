"""Every Nova, Glance and Neutron call of the gate, and the one place openstacksdk is imported.

Calls block; handlers run them with ``asyncio.to_thread``. One ``Connection`` is made at start-up
and shared by those threads: keystoneauth's session is thread-safe for requests, and openstacksdk
documents a Connection as usable from several threads once made
(https://docs.openstack.org/openstacksdk/latest/user/guides/connect.html).

Servers are found by the tag ``skyport`` (GET /servers/detail?tags=skyport) and told apart by
their metadata (``skyport-site``, ``skyport-partition``, ``skyport-node``, ``skyport-owner``): a
Nova tag is at most 60 characters, too short for a site or partition name, metadata values are 255.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Iterable
from typing import Any

from skyport_gate_sdk.errors import BadRequest

from skyport_gate_openstack.settings import OpenStackSettings

logger = logging.getLogger(__name__)

TAG = "skyport"
META_SITE = "skyport-site"
META_PARTITION = "skyport-partition"
META_NODE = "skyport-node"
META_OWNER = "skyport-owner"
GROUP_PREFIX = "skyport/"  # server group names: skyport/<site>/<partition>


def _openstack() -> Any:
    try:
        import openstack  # noqa: PLC0415 - only the openstack gate needs openstacksdk, and only once it is used
        import openstack.config  # noqa: PLC0415
        import openstack.connection  # noqa: PLC0415
    except ImportError as exc:
        raise ImportError(
            "the openstack gate needs openstacksdk: "
            "pip install skyport-hpc-gate-openstack (or pip install openstacksdk)"
        ) from exc
    return openstack


def connect(settings: OpenStackSettings) -> Any:
    """An openstacksdk Connection from the site's clouds.yaml entry or the OS_* environment, TLS verified."""
    openstack = _openstack()
    files = [str(settings.clouds_file)] if settings.clouds_file else None
    overrides: dict[str, Any] = {"verify": True}  # never verify=False, whatever clouds.yaml says
    if settings.ca_file:
        overrides["cacert"] = str(settings.ca_file)
    if settings.region:
        overrides["region_name"] = settings.region
    try:
        config = openstack.config.OpenStackConfig(config_files=files).get_one(cloud=settings.cloud, **overrides)
    except Exception as exc:  # keystoneauth's MissingRequiredOptions, openstacksdk's ConfigException
        where = f"cloud {settings.cloud!r} of {settings.clouds_file or 'clouds.yaml'}" if settings.cloud else "OS_*"
        raise BadRequest(f"openstack: cannot read the credentials of {where}: {exc}") from exc
    return openstack.connection.Connection(config=config)


def connect_s3(settings: OpenStackSettings) -> Any:
    """A boto3 S3 client of the cloud's S3-compatible endpoint, credentials from boto3's chain (EC2 credentials)."""
    try:
        import boto3  # noqa: PLC0415 - only a site staging through S3 needs boto3
    except ImportError as exc:
        raise ImportError(
            "the openstack gate's 's3' setting needs boto3: pip install 'skyport-hpc-gate-openstack[s3]'"
        ) from exc
    verify: Any = str(settings.ca_file) if settings.ca_file else True
    return boto3.session.Session().client(
        "s3", endpoint_url=settings.s3["endpoint_url"], region_name=settings.s3.get("region"), verify=verify
    )


def http_fault(exc: BaseException) -> tuple[int, str, float | None] | None:
    """(HTTP status, the service's message, Retry-After seconds) of a refused call; None for anything else."""
    status = getattr(exc, "status_code", None)
    if not isinstance(status, int):
        return None
    response = getattr(exc, "response", None)
    retry_after = None
    header = response.headers.get("Retry-After") if response is not None else None
    if header and header.strip().isdigit():
        retry_after = float(header.strip())
    return status, str(getattr(exc, "details", None) or exc), retry_after


class Cloud:
    """The compute side of one site: flavors, images, its security group, server groups and servers."""

    def __init__(self, settings: OpenStackSettings, connection: Any) -> None:
        self.settings = settings
        self.connection = connection
        self._security_group: str | None = None

    # -- what the site offers -------------------------------------------------------------------

    def flavors(self) -> list[dict[str, Any]]:
        """Nova's flavors (with extra_specs, microversion 2.61+) as plain dicts."""
        return [
            {
                "id": f.id,
                "name": f.name,
                "vcpus": int(f.vcpus or 0),
                "ram": int(f.ram or 0),
                "disk": int(f.disk or 0),
                "ephemeral": int(f.ephemeral or 0),
                "extra_specs": dict(f.extra_specs or {}),
            }
            for f in self.connection.compute.flavors(details=True)
        ]

    def images(self) -> list[dict[str, Any]]:
        """Glance's active images as plain dicts."""
        return [
            {"id": i.id, "name": i.name or i.id, "status": i.status, "architecture": i.architecture}
            for i in self.connection.image.images()
        ]

    # -- no inbound -----------------------------------------------------------------------------

    def security_group(self) -> str:
        """The site's security group: created with no ingress rule; ingress rules someone added are removed."""
        if self._security_group is not None:
            return self._security_group
        network = self.connection.network
        group = network.find_security_group(self.settings.security_group)
        if group is None:
            group = network.create_security_group(
                name=self.settings.security_group,
                description="Skyport job servers: no inbound traffic (jobs reach only object storage)",
            )
        for rule in network.security_group_rules(security_group_id=group.id):
            if rule.direction == "ingress":
                logger.warning("security group %s: removing ingress rule %s", group.name, rule.id)
                network.delete_security_group_rule(rule, ignore_missing=True)
        self._security_group = str(group.name)
        return self._security_group

    # -- server groups --------------------------------------------------------------------------

    def group_name(self, partition_id: str) -> str:
        return f"{GROUP_PREFIX}{self.settings.name}/{partition_id}"

    def create_server_group(self, partition_id: str) -> str:
        group = self.connection.compute.create_server_group(
            name=self.group_name(partition_id), policy=self.settings.server_group_policy
        )
        return str(group.id)

    def server_groups(self) -> dict[str, str]:
        """The site's server groups: partition ID -> group ID."""
        prefix = f"{GROUP_PREFIX}{self.settings.name}/"
        return {
            g.name[len(prefix) :]: str(g.id)
            for g in self.connection.compute.server_groups()
            if g.name and g.name.startswith(prefix)
        }

    def delete_server_group(self, group_id: str) -> None:
        self.connection.compute.delete_server_group(group_id, ignore_missing=True)

    # -- servers --------------------------------------------------------------------------------

    def create_server(
        self,
        *,
        partition_id: str,
        rank: int,
        flavor_id: str,
        image_id: str,
        group_id: str,
        user_data: str,
        owner: str,
    ) -> None:
        """Ask Nova to build one server of a partition; raises openstacksdk's HttpException when refused."""
        networks: Any = [{"uuid": self.settings.network}] if self.settings.network else "auto"
        self.connection.compute.create_server(
            name=f"skyport-{partition_id}-{rank}",
            flavor_id=flavor_id,
            image_id=image_id,
            networks=networks,
            security_groups=[{"name": self.security_group()}],
            scheduler_hints={"group": group_id},
            user_data=base64.b64encode(user_data.encode()).decode(),
            tags=[TAG],
            metadata={
                META_SITE: self.settings.name,
                META_PARTITION: partition_id,
                META_NODE: str(rank),
                META_OWNER: owner,
            },
        )

    def servers(self, partition_id: str | None = None) -> list[dict[str, Any]]:
        """The site's servers (of one partition when given) as plain dicts, deleted ones excluded."""
        found = []
        for server in self.connection.compute.servers(details=True, tags=TAG):
            metadata = dict(server.metadata or {})
            if metadata.get(META_SITE) != self.settings.name:
                continue
            if partition_id is not None and metadata.get(META_PARTITION) != partition_id:
                continue
            found.append(
                {
                    "id": server.id,
                    "name": server.name,
                    "status": server.status,
                    "metadata": metadata,
                    "fault": dict(server.fault or {}),
                    "ip": _fixed_ip(server.addresses or {}),
                    "flavor": dict(server.flavor or {}).get("original_name", ""),
                }
            )
        return found

    def delete_servers(self, server_ids: Iterable[str]) -> None:
        for server_id in sorted(set(server_ids)):
            self.connection.compute.delete_server(server_id, ignore_missing=True)


def _fixed_ip(addresses: dict[str, Any]) -> str | None:
    for entries in addresses.values():
        for entry in entries:
            if entry.get("version") == 4 and entry.get("OS-EXT-IPS:type", "fixed") == "fixed":
                return str(entry["addr"])
    return None
