"""Every EC2 (and Pricing API) call of the gate, and the one place boto3 is imported.

Calls are blocking; handlers run them with ``asyncio.to_thread``. One boto3 client per service is
made at start-up and shared by those threads: clients are thread-safe, sessions are not
(https://boto3.amazonaws.com/v1/documentation/api/latest/guide/clients.html#multithreading-or-multiprocessing-with-clients).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from typing import Any

from skyport_gate_aws.settings import AwsSettings

logger = logging.getLogger(__name__)

TAG_SITE = "skyport:site"
TAG_PARTITION = "skyport:partition"
TAG_OWNER = "skyport:owner"
TAG_NODE = "skyport:node"


def _boto3() -> Any:
    try:
        import boto3  # noqa: PLC0415 - only the aws gate needs boto3, and only once it is used
        from botocore.config import Config  # noqa: PLC0415
    except ImportError as exc:
        raise ImportError("the aws gate needs boto3: pip install skyport-hpc-gate-aws (or pip install boto3)") from exc
    return boto3, Config


def connect(settings: AwsSettings) -> dict[str, Any]:
    """boto3 clients for ``ec2``, ``s3`` and (when configured) ``pricing``, credentials from boto3's chain."""
    boto3, config_class = _boto3()
    # botocore retries throttled and 5xx calls itself ("standard" mode); the gate's own, slower
    # backoff for refused launches sits on top (see handlers.Handlers._launch).
    # https://boto3.amazonaws.com/v1/documentation/api/latest/guide/retries.html
    config = config_class(retries={"mode": "standard", "total_max_attempts": settings.api_max_attempts})
    session = boto3.session.Session(region_name=settings.region)
    clients = {name: session.client(name, endpoint_url=settings.endpoint_url, config=config) for name in ("ec2", "s3")}
    if settings.use_pricing_api:
        # The Pricing API is served from a few regions only; us-east-1 answers for every region.
        # https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_pricing_GetProducts.html
        clients["pricing"] = session.client(
            "pricing", region_name="us-east-1", endpoint_url=settings.endpoint_url, config=config
        )
    return clients


class Ec2:
    """The EC2 side of one site: instance types, images, prices, and the site's tagged instances."""

    def __init__(self, settings: AwsSettings, clients: Mapping[str, Any]) -> None:
        self.settings = settings
        self.client = clients["ec2"]
        self.pricing_client = clients.get("pricing")

    # -- what the site offers -------------------------------------------------------------------

    def instance_types(self) -> list[dict[str, Any]]:
        """The configured instance types (by name, or by the configured filters)."""
        paginator = self.client.get_paginator("describe_instance_types")
        if self.settings.flavor_filters:
            pages = paginator.paginate(Filters=_filters(self.settings.flavor_filters))
        else:
            pages = paginator.paginate(InstanceTypes=list(self.settings.flavors))
        return [item for page in pages for item in page["InstanceTypes"]]

    def filtered_images(self) -> list[dict[str, Any]]:
        """AMIs found by the configured describe_images owners and filters (none when not configured)."""
        if not self.settings.image_filters and not self.settings.image_owners:
            return []
        kwargs: dict[str, Any] = {"Filters": _filters(self.settings.image_filters)}
        if self.settings.image_owners:
            kwargs["Owners"] = list(self.settings.image_owners)
        images: list[dict[str, Any]] = self.client.describe_images(**kwargs)["Images"]
        return images

    def on_demand_price(self, instance_type: str) -> float | None:
        """USD per hour from the Pricing API, or None when it is not configured or does not answer."""
        if self.pricing_client is None:
            return None
        filters = {
            "instanceType": instance_type,
            "regionCode": self.settings.region,
            "operatingSystem": "Linux",
            "tenancy": "Shared",
            "preInstalledSw": "NA",
            "capacitystatus": "Used",
        }
        try:
            answer = self.pricing_client.get_products(
                ServiceCode="AmazonEC2",
                Filters=[{"Type": "TERM_MATCH", "Field": k, "Value": v} for k, v in filters.items()],
                MaxResults=1,
            )
        except Exception as exc:  # any refusal or outage falls back to the price table
            logger.warning("Pricing API did not answer for %s: %s; using the price table", instance_type, exc)
            return None
        for product in answer.get("PriceList", []):
            for term in json.loads(product)["terms"]["OnDemand"].values():
                for dimension in term["priceDimensions"].values():
                    return float(dimension["pricePerUnit"]["USD"])
        return None

    # -- instances ------------------------------------------------------------------------------

    def launch(
        self,
        *,
        partition_id: str,
        rank: int,
        instance_type: str,
        image_id: str,
        user_data: str,
        owner: str,
        spot: bool,
    ) -> dict[str, Any]:
        """Start one instance of a partition; raises botocore's ClientError when AWS refuses."""
        tags = {
            TAG_SITE: self.settings.name,
            TAG_PARTITION: partition_id,
            TAG_NODE: str(rank),
            TAG_OWNER: owner,
            "Name": f"skyport-{partition_id}-{rank}",
        }
        kwargs: dict[str, Any] = {
            "ImageId": image_id,
            "InstanceType": instance_type,
            "MinCount": 1,
            "MaxCount": 1,
            "UserData": user_data,
            # The bootstrap powers the instance off after its job; "terminate" makes that power-off
            # end the billing of the instance and its root volume, with no call from the gate.
            "InstanceInitiatedShutdownBehavior": "terminate",
            "TagSpecifications": [
                {"ResourceType": "instance", "Tags": [{"Key": k, "Value": v} for k, v in tags.items()]},
                {"ResourceType": "volume", "Tags": [{"Key": k, "Value": v} for k, v in tags.items()]},
            ],
        }
        if self.settings.root_volume:
            (image,) = self.client.describe_images(ImageIds=[image_id])["Images"]
            kwargs["BlockDeviceMappings"] = [
                {
                    "DeviceName": image["RootDeviceName"],
                    "Ebs": {"VolumeSize": self.settings.root_volume, "DeleteOnTermination": True},
                }
            ]
        if self.settings.subnet_id:
            kwargs["SubnetId"] = self.settings.subnet_id
        if self.settings.security_group_ids:
            kwargs["SecurityGroupIds"] = list(self.settings.security_group_ids)
        if self.settings.instance_profile:
            kwargs["IamInstanceProfile"] = {"Name": self.settings.instance_profile}
        if spot:
            kwargs["InstanceMarketOptions"] = {
                "MarketType": "spot",
                "SpotOptions": {"SpotInstanceType": "one-time", "InstanceInterruptionBehavior": "terminate"},
            }
        instance: dict[str, Any] = self.client.run_instances(**kwargs)["Instances"][0]
        return instance

    def instances(self, partition_id: str | None = None) -> list[dict[str, Any]]:
        """The site's tagged instances (of one partition when given), terminated ones included."""
        filters = {f"tag:{TAG_SITE}": (self.settings.name,)}
        if partition_id is not None:
            filters[f"tag:{TAG_PARTITION}"] = (partition_id,)
        paginator = self.client.get_paginator("describe_instances")
        return [
            instance
            for page in paginator.paginate(Filters=_filters(filters))
            for reservation in page["Reservations"]
            for instance in reservation["Instances"]
        ]

    def root_volume_sizes(self, instances: Iterable[Mapping[str, Any]]) -> list[int]:
        """GiB of each instance's root volume, as EC2 describes the volume (0 where it lists none yet)."""
        roots = [
            next(
                (
                    m["Ebs"]["VolumeId"]
                    for m in i.get("BlockDeviceMappings", ())
                    if m["DeviceName"] == i["RootDeviceName"]
                ),
                "",
            )
            for i in instances
        ]
        known = sorted({volume for volume in roots if volume})
        volumes = self.client.describe_volumes(VolumeIds=known)["Volumes"] if known else []
        sizes = {volume["VolumeId"]: int(volume["Size"]) for volume in volumes}
        return [sizes.get(volume, 0) for volume in roots]

    def terminate(self, instance_ids: Iterable[str]) -> None:
        """Terminate instances; terminating a terminated instance is a no-op in EC2."""
        ids = sorted(set(instance_ids))
        if ids:
            self.client.terminate_instances(InstanceIds=ids)


def tag(instance: Mapping[str, Any], key: str) -> str | None:
    """The value of one tag of an EC2 record."""
    return next((t["Value"] for t in instance.get("Tags", ()) if t["Key"] == key), None)


def _filters(filters: Mapping[str, Iterable[str]]) -> list[dict[str, Any]]:
    return [{"Name": name, "Values": list(values)} for name, values in filters.items()]
