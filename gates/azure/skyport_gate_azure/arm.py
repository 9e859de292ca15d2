"""Every Azure Resource Manager call of the gate, and the one place the Azure management SDK is imported.

Calls are blocking; handlers run them with ``asyncio.to_thread``. Nothing here waits for a
long-running operation: a PUT or DELETE that ARM accepts with 201/202 gives back the URL of its
operation (the ``Azure-AsyncOperation`` header, else ``Location``), which the gate keeps in the
partition's record and asks again on the core's next poll (:meth:`Arm.operation`). See
https://learn.microsoft.com/azure/azure-resource-manager/management/async-operations.
"""

from __future__ import annotations

import base64
import dataclasses
import functools
import logging
import types
from collections.abc import Mapping
from typing import Any

from skyport_gate_azure.settings import AzureSettings, Image

logger = logging.getLogger(__name__)

TAG_SITE = "skyport-site"
TAG_PARTITION = "skyport-partition"
TAG_OWNER = "skyport-owner"

NSG = "skyport-nsg"
VNET = "skyport-vnet"
SUBNET = "nodes"


def vm_name(rank: int) -> str:
    return f"node-{rank}"


def nic_name(rank: int) -> str:
    return f"node-{rank}-nic"


@dataclasses.dataclass(frozen=True)
class Refusal(Exception):
    """ARM refused a call, or a long-running operation ended in Failed or Canceled."""

    code: str  # ARM's error code (QuotaExceeded, SkuNotAvailable, AllocationFailed, ...), or "HTTP <status>"
    message: str
    retry_after: float = 0.0  # seconds ARM asked to wait (Retry-After of a 429)

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


@dataclasses.dataclass(frozen=True)
class Operation:
    """Where a long-running operation stands."""

    done: bool
    error: Refusal | None = None


def _refusal(exc: BaseException) -> Refusal:
    """An azure-core HttpResponseError as a Refusal with ARM's error code."""
    error = getattr(exc, "error", None)
    status = getattr(exc, "status_code", None)
    code = getattr(error, "code", None) or (f"HTTP {status}" if status else type(exc).__name__)
    message = getattr(error, "message", None) or getattr(exc, "message", None) or str(exc)
    response = getattr(exc, "response", None)
    retry_after = 0.0
    if response is not None:
        try:
            retry_after = float(response.headers.get("Retry-After") or 0)
        except ValueError:
            retry_after = 0.0
    return Refusal(str(code), str(message).splitlines()[0] if message else "", retry_after)


class _Initial:
    """An azure-core polling method that only keeps ARM's first answer: the gate polls by itself.

    Passed as ``polling=`` to the SDK's ``begin_*`` calls, it leaves no thread behind (it is finished
    at once) and hands over the operation's URL from the response headers.
    """

    def __init__(self) -> None:
        self.url: str | None = None

    def initialize(self, client: Any, initial_response: Any, deserialization_callback: Any) -> None:
        response = initial_response.http_response
        location = response.headers.get("Location") if response.status_code in (201, 202) else None
        self.url = response.headers.get("Azure-AsyncOperation") or location

    def run(self) -> None:
        return None

    def status(self) -> str:
        return "Succeeded"

    def finished(self) -> bool:
        return True

    def resource(self) -> None:
        return None

    def get_continuation_token(self) -> str:
        """The operation's URL: what the gate itself polls to follow the operation on."""
        return self.url or ""


def _azure() -> Any:
    try:
        from azure.core.exceptions import AzureError, HttpResponseError, ResourceNotFoundError  # noqa: PLC0415
        from azure.core.rest import HttpRequest  # noqa: PLC0415
        from azure.identity import DefaultAzureCredential  # noqa: PLC0415
        from azure.mgmt.compute import ComputeManagementClient  # noqa: PLC0415
        from azure.mgmt.network import NetworkManagementClient  # noqa: PLC0415
        from azure.mgmt.resource.resources import ResourceManagementClient  # noqa: PLC0415
    except ImportError as exc:
        raise ImportError(
            "the azure gate needs the Azure SDK: pip install skyport-hpc-gate-azure "
            "(azure-identity, azure-mgmt-compute, azure-mgmt-network, azure-mgmt-resource, azure-storage-blob)"
        ) from exc
    return types.SimpleNamespace(
        service_error=AzureError,
        error=HttpResponseError,
        not_found=ResourceNotFoundError,
        request=HttpRequest,
        credential=DefaultAzureCredential,
        compute=ComputeManagementClient,
        network=NetworkManagementClient,
        resource=ResourceManagementClient,
    )


class Credential:
    """DefaultAzureCredential (pointed at the site's authority host when one is set), made on first use.

    azure-identity and the management SDK take seconds to import; a gate starts without them and
    loads them with its first request to Azure.
    """

    def __init__(self, settings: AzureSettings) -> None:
        self.settings = settings

    @functools.cached_property
    def _credential(self) -> Any:
        kwargs = {"authority": self.settings.authority_host} if self.settings.authority_host else {}
        return _azure().credential(**kwargs)

    def get_token(self, *scopes: str, **kwargs: Any) -> Any:
        return self._credential.get_token(*scopes, **kwargs)

    def get_token_info(self, *scopes: str, options: Any = None) -> Any:
        return self._credential.get_token_info(*scopes, options=options)


class Arm:
    """The ARM side of one site: VM sizes, resource groups and what a partition's group holds."""

    def __init__(self, settings: AzureSettings, credential: Credential) -> None:
        self.settings = settings
        self.credential = credential
        # azure-core retries 429 and 5xx answers itself, honouring Retry-After; the gate's own,
        # slower backoff for refused VMs sits on top (handlers.Handlers._refused).
        self._options: dict[str, Any] = {
            "base_url": settings.arm_endpoint,
            "credential_scopes": [f"{settings.arm_endpoint}/.default"],
            "retry_total": settings.api_max_attempts - 1,
        }
        if settings.ca_bundle is not None:
            self._options["connection_verify"] = str(settings.ca_bundle)

    @functools.cached_property
    def sdk(self) -> Any:
        return _azure()

    @functools.cached_property
    def compute(self) -> Any:
        return self.sdk.compute(self.credential, self.settings.subscription_id, **self._options)

    @functools.cached_property
    def network(self) -> Any:
        return self.sdk.network(self.credential, self.settings.subscription_id, **self._options)

    @functools.cached_property
    def resource(self) -> Any:
        return self.sdk.resource(self.credential, self.settings.subscription_id, **self._options)

    # -- what the site offers -------------------------------------------------------------------

    def vm_skus(self) -> list[Any]:
        """The region's virtualMachines resource SKUs (sizes with their capabilities and restrictions)."""
        pages = self.compute.resource_skus.list(filter=f"location eq '{self.settings.location}'")
        return [sku for sku in pages if sku.resource_type == "virtualMachines"]

    # -- long-running operations --------------------------------------------------------------------

    def _begin(self, start: Any, *args: Any) -> str | None:
        """Start a long-running PUT or DELETE; the URL to poll, None when ARM finished it at once."""
        polling = _Initial()
        try:
            start(*args, polling=polling)
        except self.sdk.error as exc:
            raise _refusal(exc) from exc
        return polling.url

    def operation(self, url: str) -> Operation:
        """Where the operation behind ``url`` (Azure-AsyncOperation or Location) stands now.

        An Azure-AsyncOperation URL answers ``{"status": ..., "error": ...}``; a Location URL answers
        202 while the operation runs, then what it ended with. A throttled or failing poll is asked
        again on the next pass.
        """
        try:
            response = self.resource.send_request(self.sdk.request("GET", url))
        except self.sdk.service_error as exc:
            logger.warning("polling %s: %s", url, exc)
            return Operation(done=False)
        status = response.status_code
        if status in {202, 429} or status >= 500:
            return Operation(done=False)
        body = _json(response)
        error = body.get("error") or {}
        if status >= 400:
            return Operation(True, Refusal(str(error.get("code") or f"HTTP {status}"), str(error.get("message", ""))))
        state = str(body.get("status", "Succeeded"))
        if state in ("Failed", "Canceled"):
            return Operation(True, Refusal(str(error.get("code") or state), str(error.get("message") or state)))
        return Operation(done=state == "Succeeded")

    # -- a partition's resource group -----------------------------------------------------------------

    def tags(self, partition_id: str, owner: str) -> dict[str, str]:
        return {TAG_SITE: self.settings.name, TAG_PARTITION: partition_id, TAG_OWNER: owner}

    def create_group(self, partition_id: str, owner: str) -> None:
        """Create (or find again) the partition's tagged resource group; ARM does this at once."""
        body = {"location": self.settings.location, "tags": self.tags(partition_id, owner)}
        try:
            self.resource.resource_groups.create_or_update(self.settings.group_name(partition_id), body)
        except self.sdk.error as exc:
            raise _refusal(exc) from exc

    def delete_group(self, partition_id: str) -> str | None:
        """Start deleting the partition's group and all it holds; the URL to poll, None if it is gone."""
        try:
            return self._begin(self.resource.resource_groups.begin_delete, self.settings.group_name(partition_id))
        except Refusal as refusal:
            if refusal.code in ("ResourceGroupNotFound", "HTTP 404"):
                return None
            raise

    def groups(self) -> dict[str, dict[str, str]]:
        """The site's tagged resource groups: partition ID -> their tags (with the group's provisioning state)."""
        found = {}
        filter_ = f"tagName eq '{TAG_SITE}' and tagValue eq '{self.settings.name}'"
        for group in self.resource.resource_groups.list(filter=filter_):
            tags = dict(group.tags or {})
            if tags.get(TAG_SITE) == self.settings.name and tags.get(TAG_PARTITION):
                state = getattr(group.properties, "provisioning_state", None) or "Succeeded"
                found[tags[TAG_PARTITION]] = {**tags, "provisioningState": state}
        return found

    def create_nsg(self, partition_id: str, owner: str) -> str | None:
        """The network security group of the partition's subnet: no rule of its own, so Azure's
        defaults hold (nothing from the internet comes in; the nodes reach out over HTTPS)."""
        body = {
            "location": self.settings.location,
            "tags": self.tags(partition_id, owner),
            "properties": {"securityRules": []},
        }
        group = self.settings.group_name(partition_id)
        return self._begin(self.network.network_security_groups.begin_create_or_update, group, NSG, body)

    def create_vnet(self, partition_id: str, owner: str) -> str | None:
        group = self.settings.group_name(partition_id)
        nsg_id = self._id(partition_id, "Microsoft.Network/networkSecurityGroups", NSG)
        space = self.settings.address_space
        subnet = {"name": SUBNET, "properties": {"addressPrefix": space, "networkSecurityGroup": {"id": nsg_id}}}
        body = {
            "location": self.settings.location,
            "tags": self.tags(partition_id, owner),
            "properties": {"addressSpace": {"addressPrefixes": [space]}, "subnets": [subnet]},
        }
        return self._begin(self.network.virtual_networks.begin_create_or_update, group, VNET, body)

    def create_nic(self, partition_id: str, owner: str, rank: int) -> str | None:
        """A node's network interface: a private address in the subnet and no public IP."""
        group = self.settings.group_name(partition_id)
        subnet_id = self._id(partition_id, "Microsoft.Network/virtualNetworks", VNET) + f"/subnets/{SUBNET}"
        configuration = {
            "name": "ipconfig",
            "properties": {"subnet": {"id": subnet_id}, "privateIPAllocationMethod": "Dynamic"},
        }
        body = {
            "location": self.settings.location,
            "tags": self.tags(partition_id, owner),
            "properties": {"ipConfigurations": [configuration]},
        }
        return self._begin(self.network.network_interfaces.begin_create_or_update, group, nic_name(rank), body)

    def create_vm(
        self, *, partition_id: str, owner: str, rank: int, size: str, image: Image, custom_data: str, spot: bool
    ) -> str | None:
        """Start one VM of a partition, booting ``custom_data``; raises Refusal when ARM refuses.

        Request bodies are ARM's JSON (https://learn.microsoft.com/rest/api/compute/virtual-machines/create-or-update).
        """
        group = self.settings.group_name(partition_id)
        os_disk: dict[str, Any] = {"createOption": "FromImage", "deleteOption": "Delete"}
        if self.settings.os_disk:
            os_disk["diskSizeGB"] = self.settings.os_disk
        admin = self.settings.admin_username
        # Azure wants a key when passwords are off; nobody holds this one's private half and no
        # port reaches the VM anyway.
        key = {"path": f"/home/{admin}/.ssh/authorized_keys", "keyData": _no_key()}
        nic_id = self._id(partition_id, "Microsoft.Network/networkInterfaces", nic_name(rank))
        properties: dict[str, Any] = {
            "hardwareProfile": {"vmSize": size},
            "storageProfile": {"imageReference": image.reference(), "osDisk": os_disk},
            "osProfile": {
                "computerName": vm_name(rank),
                "adminUsername": admin,
                "customData": base64.b64encode(custom_data.encode()).decode(),
                "linuxConfiguration": {"disablePasswordAuthentication": True, "ssh": {"publicKeys": [key]}},
            },
            "networkProfile": {"networkInterfaces": [{"id": nic_id, "properties": {"primary": True}}]},
        }
        if spot:
            properties.update(priority="Spot", evictionPolicy="Delete", billingProfile={"maxPrice": -1})
        body = {
            "location": self.settings.location,
            "tags": {**self.tags(partition_id, owner), "skyport-node": str(rank)},
            "properties": properties,
        }
        return self._begin(self.compute.virtual_machines.begin_create_or_update, group, vm_name(rank), body)

    def vms(self, partition_id: str) -> list[dict[str, Any]]:
        """The partition's VMs with their power state and private address; [] when the group is gone."""
        group = self.settings.group_name(partition_id)
        # A VM's power state is in its instance view, asked per VM: listing the group's VMs with
        # $expand=instanceView needs a scale-set $filter.
        try:
            machines = list(self.compute.virtual_machines.list(group))
            nics = {nic.name: nic for nic in self.network.network_interfaces.list(group)}
            views = {m.name: self.compute.virtual_machines.instance_view(group, m.name) for m in machines}
        except self.sdk.not_found:
            return []
        found = []
        for machine in machines:
            statuses = list(getattr(views[machine.name], "statuses", None) or [])
            power = next((s.code.split("/", 1)[1] for s in statuses if s.code.startswith("PowerState/")), "")
            failed = next((s for s in statuses if s.code.startswith("ProvisioningState/failed")), None)
            nic = nics.get(f"{machine.name}-nic")
            ip = nic.ip_configurations[0].private_ip_address if nic and nic.ip_configurations else None
            found.append(
                {
                    "name": machine.name,
                    "partition": partition_id,
                    "rank": int((machine.tags or {}).get("skyport-node", "0")),
                    "provisioning": machine.provisioning_state or "",
                    "power": power,
                    "ip": ip,
                    "size": machine.hardware_profile.vm_size if machine.hardware_profile else "",
                    "failure": f"{failed.code.rsplit('/', 1)[-1]}: {failed.message}" if failed else "",
                }
            )
        return sorted(found, key=lambda vm: vm["rank"])

    def _id(self, partition_id: str, kind: str, name: str) -> str:
        group = self.settings.group_name(partition_id)
        return f"/subscriptions/{self.settings.subscription_id}/resourceGroups/{group}/providers/{kind}/{name}"


def _json(response: Any) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


_KEY: list[str] = []


def _no_key() -> str:
    """An OpenSSH RSA public key whose private half was never kept (made once per process)."""
    if not _KEY:
        from cryptography.hazmat.primitives import serialization  # noqa: PLC0415
        from cryptography.hazmat.primitives.asymmetric import rsa  # noqa: PLC0415

        public = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()
        _KEY.append(public.public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH).decode())
    return _KEY[0]


def capabilities(sku: Any) -> Mapping[str, str]:
    return {c.name: c.value for c in sku.capabilities or ()}


def restricted(sku: Any, location: str) -> str:
    """Why the subscription cannot use ``sku`` in ``location`` ("" when it can)."""
    for restriction in sku.restrictions or ():
        values = [v.lower() for v in (restriction.get("values") or ())]  # the model is a mapping: .values() is its own
        if restriction.type == "Location" and location.lower() in values:
            return str(getattr(restriction.reason_code, "value", restriction.reason_code) or "restricted")
    return ""
