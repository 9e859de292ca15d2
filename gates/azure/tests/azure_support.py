"""What the azure gate's tests run against: Azurite, a stand-in for Azure Resource Manager, and a VM player.

- ``azurite``: Microsoft's Blob Storage emulator (npm package ``azurite``), installed once into
  the tests' cache and started on 127.0.0.1 for the whole session (an xdist group of its own in
  the root conftest.py), always stopped. Blob Storage is real: the gate's SDK calls and the SAS
  URLs the nodes use with curl are served by it.
- ``ArmStandIn``: nothing that runs here serves ARM, so this is a threaded HTTPS server on
  127.0.0.1 that answers the calls the Azure SDK for Python makes for the gate in ARM's published
  shapes (https://learn.microsoft.com/rest/api/resources/, .../rest/api/compute/,
  .../rest/api/virtualnetwork/): resource groups (PUT, GET, list by tag filter, DELETE with 202 and
  a Location to poll), network security groups, virtual networks, network interfaces and VMs (PUT
  with 201 and an Azure-AsyncOperation to poll), VM lists and instance views, and resource
  SKUs; the Retail Prices API's pages (Items, NextPageLink); and, on a plain-HTTP port, an App
  Service managed-identity token endpoint, which DefaultAzureCredential finds through
  IDENTITY_ENDPOINT/IDENTITY_HEADER. Tests queue refusals (quota, capacity, throttling) in ARM's
  error shape. It keeps its world in memory, which the player reads as a hypervisor would.
- ``VmPlayer``: plays each VM once its creation succeeded: runs its custom data (the bootstrap
  script real VMs boot) with ``sh`` on this machine, against Azurite; when the script ends, the VM's
  power state becomes stopped (as a shutdown from inside the VM does on Azure); when its group is
  deleted, the script is killed.
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import datetime
import ipaddress
import json
import os
import re
import signal
import ssl
import subprocess
import threading
import time
import urllib.parse
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from gates.local.tests.local_gate_support import serving as serve_app
from tests.conftest import free_port, npm_tool

AZURITE_VERSION = "3.35.0"  # the newest Azurite that runs on Debian's Node 20 (3.36 needs 21, 3.37 needs 22)
# Azurite's one account and its published key: https://learn.microsoft.com/azure/storage/common/storage-use-azurite
AZURITE_ACCOUNT = "devstoreaccount1"
AZURITE_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
KEY_ENV = "SKYPORT_TEST_AZURE_STORAGE_KEY"
CONTAINER = "skyport-test"
SUBSCRIPTION = "00000000-0000-4000-8000-000000000001"
LOCATION = "westeurope"
STARTUP_TIMEOUT = 60.0
LRO_SECONDS = 0.1  # how long the stand-in's long-running operations take

# VM sizes the stand-in's region offers (resource SKU capabilities as ARM lists them).
SKUS: dict[str, dict[str, str]] = {
    "Standard_B1s": {"vCPUs": "1", "MemoryGB": "1", "CpuArchitectureType": "x64"},
    "Standard_D2s_v5": {"vCPUs": "2", "MemoryGB": "8", "CpuArchitectureType": "x64"},
    "Standard_D2ps_v5": {"vCPUs": "2", "MemoryGB": "8", "CpuArchitectureType": "Arm64"},
    "Standard_NC4as_T4_v3": {"vCPUs": "4", "MemoryGB": "28", "GPUs": "1", "CpuArchitectureType": "x64"},
    "Standard_F2s_v2": {"vCPUs": "2", "MemoryGB": "4", "CpuArchitectureType": "x64"},
}
RESTRICTED = {"Standard_F2s_v2"}  # listed with a NotAvailableForSubscription restriction in the region


# -- Azurite ------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def azurite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The blob endpoint of an Azurite process (account devstoreaccount1) with a container; always stopped."""
    binary = npm_tool("azurite", AZURITE_VERSION, "azurite-blob")
    root = tmp_path_factory.mktemp("azurite")
    port = free_port()
    command = [str(binary), "--blobHost", "127.0.0.1", "--blobPort", str(port), "--location", str(root / "data")]
    command += ["--skipApiVersionCheck", "--loose", "--disableTelemetry", "--silent"]
    log = (root / "azurite.log").open("wb")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}/{AZURITE_ACCOUNT}"
    saved = os.environ.get(KEY_ENV)
    os.environ[KEY_ENV] = AZURITE_KEY  # the gate reads the account key from the variable its settings name
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while True:
            try:
                httpx.get(url, timeout=1)
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"azurite did not start; see {log.name}") from None
                time.sleep(0.1)
        blob_service(url).create_container(CONTAINER)
        yield url
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()
        if saved is None:
            os.environ.pop(KEY_ENV, None)
        else:
            os.environ[KEY_ENV] = saved


def blob_service(url: str) -> Any:
    from azure.storage.blob import BlobServiceClient

    return BlobServiceClient(url, credential={"account_name": AZURITE_ACCOUNT, "account_key": AZURITE_KEY})


# -- the ARM stand-in ---------------------------------------------------------------------------------


@dataclasses.dataclass
class Vm:
    """What the stand-in's hypervisor knows of one VM."""

    group: str
    name: str
    custom_data: str
    power: str = ""  # "" while it is created, then running, stopped


@dataclasses.dataclass
class Refusal:
    """An answer ARM gives instead of doing what was asked: synchronous (an HTTP error) or in the operation."""

    status: int  # HTTP status of a synchronous refusal; 0 for one the operation reports when polled
    code: str
    message: str
    retry_after: int = 0


def _certificate(directory: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (the stand-in's) and its key."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "arm stand-in")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "arm.pem", directory / "arm-key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


_RESOURCE = re.compile(
    r"^/subscriptions/(?P<sub>[^/]+)/resourcegroups/(?P<group>[^/]+)"
    r"(?:/providers/(?P<provider>[^/]+/[^/]+)(?:/(?P<name>[^/]+))?)?(?P<rest>/.*)?$",
    re.IGNORECASE,
)


class ArmStandIn:
    """ARM, the Retail Prices API and a managed-identity token endpoint on loopback (see the module docstring)."""

    def __init__(self, directory: Path) -> None:
        self.lock = threading.RLock()
        self.groups: dict[str, dict[str, Any]] = {}  # lower-case name -> resource group
        self.resources: dict[tuple[str, str, str], dict[str, Any]] = {}  # (group, provider type, name) -> body
        self.operations: dict[str, dict[str, Any]] = {}  # id -> {"done_at", "error", "then"}
        self.vms: dict[tuple[str, str], Vm] = {}
        self.failures: dict[tuple[str, str], dict[str, str]] = {}  # (group, VM) -> why its creation failed
        self.refusals: list[Refusal] = []  # for the next VM PUTs, first queued first
        self.throttled = 0  # answer this many next requests with 429 and Retry-After
        self.prices: dict[str, float] = {}  # VM size -> USD/hour the Retail Prices API lists
        self.requests: list[tuple[str, str]] = []  # (method, path) of every ARM request
        self.tokens_issued = 0
        self.cert, key = _certificate(directory)
        self.https = ThreadingHTTPServer(("127.0.0.1", 0), self._handler(secure=True))
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert, key)
        self.https.socket = context.wrap_socket(self.https.socket, server_side=True)
        self.http = ThreadingHTTPServer(("127.0.0.1", 0), self._handler(secure=False))
        self.url = f"https://127.0.0.1:{self.https.server_address[1]}"
        self.identity_endpoint = f"http://127.0.0.1:{self.http.server_address[1]}/msi/token"
        self.threads = [
            threading.Thread(target=server.serve_forever, name="arm-stand-in", daemon=True)
            for server in (self.https, self.http)
        ]

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def stop(self) -> None:
        for server in (self.https, self.http):
            server.shutdown()
            server.server_close()

    # -- the world ---------------------------------------------------------------------------------------

    def group_tags(self) -> dict[str, dict[str, str]]:
        with self.lock:
            return {g["name"]: dict(g.get("tags") or {}) for g in self.groups.values()}

    def add_group(self, name: str, tags: dict[str, str]) -> None:
        """A resource group made behind the gate's back (as by a lost store)."""
        with self.lock:
            self.groups[name.lower()] = self._group_body(name, {"location": LOCATION, "tags": tags})

    def _group_body(self, name: str, body: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{name}",
            "name": name,
            "type": "Microsoft.Resources/resourceGroups",
            "location": body.get("location", LOCATION),
            "tags": body.get("tags") or {},
            "properties": {"provisioningState": "Succeeded"},
        }

    def _operation(self, then: Any = None, error: dict[str, str] | None = None) -> str:
        operation_id = str(uuid.uuid4())
        self.operations[operation_id] = {"done_at": time.monotonic() + LRO_SECONDS, "error": error, "then": then}
        return operation_id

    def _settle(self) -> None:
        """Finish the operations whose time has come (each one's effect happens then)."""
        now = time.monotonic()
        for operation in self.operations.values():
            if operation["then"] is not None and now >= operation["done_at"]:
                then, operation["then"] = operation["then"], None
                then()

    def _delete_group(self, key: str) -> None:
        self.groups.pop(key, None)
        for resource in [r for r in self.resources if r[0] == key]:
            del self.resources[resource]
        for vm in [v for v in self.vms if v[0] == key]:
            del self.vms[vm]

    # -- HTTP ------------------------------------------------------------------------------------------------

    def _handler(self, *, secure: bool) -> type[BaseHTTPRequestHandler]:
        arm = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def answer(self, status: int, body: Any = None, headers: dict[str, str] | None = None) -> None:
                payload = b"" if body is None else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(payload)))
                self.send_header("x-ms-request-id", str(uuid.uuid4()))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(payload)

            def error(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
                self.answer(status, {"error": {"code": code, "message": message}}, headers)

            def handle_one(self) -> None:
                url = urllib.parse.urlsplit(self.path)
                query = dict(urllib.parse.parse_qsl(url.query))
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"null") if length else None
                if not secure:
                    return self.token(query)
                if url.path == "/api/retail/prices":
                    return self.prices(query)
                if not self.headers.get("Authorization", "").startswith("Bearer stand-in-token-"):
                    return self.error(401, "AuthenticationFailed", "no valid bearer token")
                with arm.lock:
                    arm.requests.append((self.command, url.path))
                    if arm.throttled > 0:
                        arm.throttled -= 1
                        return self.error(
                            429, "TooManyRequests", "The request is being throttled.", {"Retry-After": "1"}
                        )
                    arm._settle()
                    return self.route(url.path, query, body)

            do_GET = do_PUT = do_DELETE = do_POST = do_PATCH = handle_one

            def token(self, query: dict[str, str]) -> None:
                if self.headers.get("X-IDENTITY-HEADER") != "stand-in-identity-header":
                    return self.error(401, "Unauthorized", "missing X-IDENTITY-HEADER")
                arm.tokens_issued += 1
                token = {
                    "access_token": f"stand-in-token-{uuid.uuid4()}",
                    "expires_on": str(int(time.time()) + 3600),
                    "resource": query.get("resource", ""),
                    "token_type": "Bearer",
                }
                return self.answer(200, token)

            def prices(self, query: dict[str, str]) -> None:
                """The Retail Prices API: one item per asked size it lists, a Windows and a Spot line beside each."""
                asked = re.findall(r"armSkuName eq '([^']+)'", query.get("$filter", ""))
                region = re.search(r"armRegionName eq '([^']+)'", query.get("$filter", ""))
                items = []
                for size in asked:
                    if size not in arm.prices or not region:
                        continue
                    common = {"armRegionName": region.group(1), "armSkuName": size, "type": "Consumption"}
                    common.update(unitOfMeasure="1 Hour", currencyCode="USD", serviceName="Virtual Machines")
                    words = size.removeprefix("Standard_").replace("_", " ")
                    linux = {"productName": "Virtual Machines Series", "skuName": words}
                    items.append({**common, **linux, "retailPrice": arm.prices[size], "unitPrice": arm.prices[size]})
                    windows = {"productName": "Virtual Machines Series Windows", "skuName": words}
                    items.append({**common, **windows, "retailPrice": 9.0, "unitPrice": 9.0})
                    spot = {"productName": "Virtual Machines Series", "skuName": f"{words} Spot"}
                    items.append({**common, **spot, "retailPrice": 0.001, "unitPrice": 0.001})
                page = int(query.get("page", "0"))
                half = items[page * 2 : page * 2 + 2]  # two items a page, so the gate follows NextPageLink
                more = len(items) > page * 2 + 2
                next_link = None
                if more:
                    next_link = f"{arm.url}/api/retail/prices?" + urllib.parse.urlencode(
                        {**query, "page": str(page + 1)}
                    )
                return self.answer(
                    200, {"BillingCurrency": "USD", "Items": half, "NextPageLink": next_link, "Count": len(half)}
                )

            def route(self, path: str, query: dict[str, str], body: Any) -> None:
                rest = path.lower().removeprefix(f"/subscriptions/{SUBSCRIPTION}")
                last = path.rsplit("/", 1)[1]
                routes = [
                    ("/providers/microsoft.compute/locations/", lambda: self.async_operation(last)),
                    ("/operationresults/", lambda: self.location_operation(last)),
                    ("/providers/microsoft.compute/skus", self.skus),
                    ("/resourcegroups", lambda: self.list_groups(query)),
                ]
                handler = next((h for start, h in routes if rest == start.rstrip("/") or rest.startswith(start)), None)
                match = _RESOURCE.match(path)
                if rest == path.lower():
                    self.error(404, "SubscriptionNotFound", f"The subscription in {path} could not be found.")
                elif handler is not None and (match is None or not match["group"]):
                    handler()
                elif match is None:
                    self.error(404, "NotFound", f"no route for {path}")
                else:
                    self.resource(match, query, body)

            def async_operation(self, operation_id: str) -> None:
                operation = arm.operations.get(operation_id)
                if operation is None:
                    return self.error(404, "NotFound", "no such operation")
                if time.monotonic() < operation["done_at"]:
                    return self.answer(200, {"name": operation_id, "status": "InProgress"})
                if operation["error"]:
                    return self.answer(200, {"name": operation_id, "status": "Failed", "error": operation["error"]})
                return self.answer(200, {"name": operation_id, "status": "Succeeded"})

            def location_operation(self, operation_id: str) -> None:
                operation = arm.operations.get(operation_id)
                if operation is None:
                    return self.error(404, "NotFound", "no such operation")
                if time.monotonic() < operation["done_at"]:
                    return self.answer(202, None, {"Location": self.location(operation_id), "Retry-After": "1"})
                return self.answer(200)

            def location(self, operation_id: str) -> str:
                return f"{arm.url}/subscriptions/{SUBSCRIPTION}/operationresults/{operation_id}?api-version=2021-04-01"

            def azure_async(self, operation_id: str) -> str:
                return (
                    f"{arm.url}/subscriptions/{SUBSCRIPTION}/providers/Microsoft.Compute/locations/{LOCATION}"
                    f"/operations/{operation_id}?api-version=2024-07-01"
                )

            def skus(self) -> None:
                value = []
                for name, caps in SKUS.items():
                    restrictions = []
                    if name in RESTRICTED:
                        restrictions.append(
                            {
                                "type": "Location",
                                "values": [LOCATION],
                                "restrictionInfo": {"locations": [LOCATION]},
                                "reasonCode": "NotAvailableForSubscription",
                            }
                        )
                    value.append(
                        {
                            "resourceType": "virtualMachines",
                            "name": name,
                            "tier": "Standard",
                            "size": name.removeprefix("Standard_"),
                            "locations": [LOCATION],
                            "locationInfo": [{"location": LOCATION, "zones": ["1", "2", "3"]}],
                            "capabilities": [{"name": k, "value": v} for k, v in caps.items()],
                            "restrictions": restrictions,
                        }
                    )
                value.append(
                    {"resourceType": "disks", "name": "Premium_LRS", "locations": [LOCATION], "restrictions": []}
                )
                return self.answer(200, {"value": value})

            def list_groups(self, query: dict[str, str]) -> None:
                wanted = re.match(r"tagName eq '([^']+)' and tagValue eq '([^']+)'", query.get("$filter", ""))
                groups = list(arm.groups.values())
                if wanted:
                    groups = [g for g in groups if (g.get("tags") or {}).get(wanted.group(1)) == wanted.group(2)]
                return self.answer(200, {"value": groups})

            def resource(self, match: re.Match[str], query: dict[str, str], body: Any) -> None:
                group, provider, name = match["group"], match["provider"], match["name"]
                key, kind = group.lower(), (provider or "").lower()
                found = arm.resources.get((key, kind, (name or "").lower()))
                if provider is None:
                    self.resource_group(group, body)
                elif key not in arm.groups:
                    self.error(404, "ResourceGroupNotFound", f"Resource group '{group}' could not be found.")
                elif name is None:
                    self.list_kind(key, kind, query)
                elif match["rest"] and (found is None or match["rest"].lower() != "/instanceview"):
                    self.error(404, "NotFound", f"no route for {match['rest']}")
                elif match["rest"]:
                    self.answer(200, self.shown(key, kind, found, expand=True)["properties"]["instanceView"])
                elif self.command == "PUT":
                    self.put(match, body)
                elif found is None:
                    self.error(404, "ResourceNotFound", f"The Resource '{provider}/{name}' was not found.")
                else:
                    self.answer(200, self.shown(key, kind, found))

            def resource_group(self, group: str, body: Any) -> None:
                key = group.lower()
                if self.command == "PUT":
                    created = key not in arm.groups
                    arm.groups[key] = arm._group_body(group, body or {})
                    return self.answer(201 if created else 200, arm.groups[key])
                if key not in arm.groups:
                    return self.error(404, "ResourceGroupNotFound", f"Resource group '{group}' could not be found.")
                if self.command == "DELETE":
                    arm.groups[key]["properties"]["provisioningState"] = "Deleting"
                    operation_id = arm._operation(then=lambda: arm._delete_group(key))
                    return self.answer(202, None, {"Location": self.location(operation_id), "Retry-After": "1"})
                return self.answer(200, arm.groups[key])

            def put(self, match: re.Match[str], body: dict[str, Any]) -> None:
                group, provider, name = match["group"], match["provider"], match["name"]
                key, kind = group.lower(), provider.lower()
                resource_id = f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{group}/providers/{provider}/{name}"
                stored = {**body, "id": resource_id, "name": name, "type": provider}
                properties = dict(stored.get("properties") or {})
                error = None
                if kind == "microsoft.compute/virtualmachines":
                    if arm.refusals:
                        refusal = arm.refusals.pop(0)
                        if refusal.status:
                            headers = {"Retry-After": str(refusal.retry_after)} if refusal.retry_after else None
                            return self.error(refusal.status, refusal.code, refusal.message, headers)
                        error = {"code": refusal.code, "message": refusal.message}
                    properties["vmId"] = str(uuid.uuid4())
                    custom = properties.get("osProfile", {}).get("customData", "")
                    properties["osProfile"] = {
                        k: v for k, v in properties.get("osProfile", {}).items() if k != "customData"
                    }
                    arm.vms[(key, name.lower())] = Vm(
                        group=key, name=name, custom_data=base64.b64decode(custom).decode()
                    )
                if kind == "microsoft.network/networkinterfaces":
                    rank = int(re.sub(r"\D", "", name) or 0)
                    for config in properties.get("ipConfigurations", []):
                        config.setdefault("properties", {})["privateIPAddress"] = f"10.0.0.{4 + rank}"
                properties["provisioningState"] = "Creating" if kind.endswith("virtualmachines") else "Updating"
                stored["properties"] = properties
                existed = (key, kind, name.lower()) in arm.resources
                arm.resources[(key, kind, name.lower())] = stored

                def finish() -> None:
                    stored["properties"]["provisioningState"] = "Failed" if error else "Succeeded"
                    if error:
                        arm.failures[(key, name.lower())] = error
                    vm = arm.vms.get((key, name.lower()))
                    if vm is not None and not error:
                        vm.power = "running"

                operation_id = arm._operation(then=finish, error=error)
                headers = {"Azure-AsyncOperation": self.azure_async(operation_id), "Retry-After": "1"}
                return self.answer(200 if existed else 201, self.shown(key, kind, stored), headers)

            def shown(self, key: str, kind: str, stored: dict[str, Any], expand: bool = False) -> dict[str, Any]:
                if kind != "microsoft.compute/virtualmachines" or not expand:
                    return stored
                vm = arm.vms.get((key, stored["name"].lower()))
                state = stored["properties"]["provisioningState"].lower()
                statuses = [{"code": f"ProvisioningState/{state}", "level": "Info"}]
                failure = arm.failures.get((key, stored["name"].lower()))
                if state == "failed" and failure:
                    code = f"ProvisioningState/failed/{failure['code']}"
                    statuses = [{"code": code, "level": "Error", "message": failure["message"]}]
                if vm is not None and vm.power:
                    statuses.append({"code": f"PowerState/{vm.power}", "level": "Info"})
                return {**stored, "properties": {**stored["properties"], "instanceView": {"statuses": statuses}}}

            def list_kind(self, key: str, kind: str, query: dict[str, str]) -> None:
                if query.get("$expand") == "instanceView" and "$filter" not in query:
                    return self.error(400, "InvalidParameter", "$expand=instanceView needs a $filter.")
                value = [
                    self.shown(key, kind, body) for (g, k, _), body in arm.resources.items() if (g, k) == (key, kind)
                ]
                return self.answer(200, {"value": value})

        return Handler


@pytest.fixture
def arm(tmp_path: Path) -> Iterator[ArmStandIn]:
    """A fresh ARM stand-in; DefaultAzureCredential finds its token endpoint through the environment."""
    stand_in = ArmStandIn(tmp_path)
    stand_in.start()
    saved = {key: os.environ.get(key) for key in ("IDENTITY_ENDPOINT", "IDENTITY_HEADER")}
    os.environ.update(IDENTITY_ENDPOINT=stand_in.identity_endpoint, IDENTITY_HEADER="stand-in-identity-header")
    try:
        yield stand_in
    finally:
        stand_in.stop()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


# -- the VM player ------------------------------------------------------------------------------------------


class VmPlayer:
    """Plays every VM of one stand-in: runs its custom data once it is running, powers it off when done."""

    def __init__(self, arm: ArmStandIn, root: Path) -> None:
        self.arm = arm
        self.root = root
        self.scripts: dict[tuple[str, str], subprocess.Popen[bytes]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="vm-player", daemon=True)

    def __enter__(self) -> VmPlayer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(10)
        for process in self.scripts.values():
            self._kill(process)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.step()
            self._stop.wait(0.05)

    def step(self) -> None:
        with self.arm.lock:
            self.arm._settle()
            vms = dict(self.arm.vms)
            for key, vm in vms.items():
                process = self.scripts.get(key)
                if vm.power == "running" and process is None:
                    self._boot(key, vm)
                elif vm.power == "running" and process is not None and process.poll() is not None:
                    vm.power = "stopped"  # the script's power-off: the VM stays allocated, stopped
            for key in [k for k in self.scripts if k not in vms]:
                self._kill(self.scripts[key])  # its group was deleted

    def _boot(self, key: tuple[str, str], vm: Vm) -> None:
        workdir = self.root / f"{vm.group}-{vm.name}"
        workdir.mkdir(parents=True)
        env = {**os.environ, "SKYPORT_WORKDIR": str(workdir), "SKYPORT_POWEROFF": "true"}
        with (workdir / "console.log").open("wb") as console:
            self.scripts[key] = subprocess.Popen(
                ["sh", "-c", vm.custom_data or "sleep 3600"],
                env=env,
                stdout=console,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    @staticmethod
    def _kill(process: subprocess.Popen[bytes]) -> None:
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@pytest.fixture
def vm_player(arm: ArmStandIn, tmp_path: Path) -> Iterator[VmPlayer]:
    """Plays the VMs of the current test (see the module docstring); always stopped."""
    with VmPlayer(arm, tmp_path / "vms") as player:
        yield player


@pytest.fixture
def azure_gate_settings(arm: ArmStandIn, azurite: str, vm_player: VmPlayer, tmp_path: Path) -> dict[str, Any]:
    """Settings of an azure site named "azure" bound to the stand-in and Azurite, its VMs played here.

    Each test gets a blob prefix of its own in the session's container.
    """
    return {
        "name": "azure",
        "state_dir": str(tmp_path / "gate-state"),
        "subscription_id": SUBSCRIPTION,
        "location": LOCATION,
        "arm_endpoint": arm.url,
        "ca_bundle": str(arm.cert),
        "storage_account": AZURITE_ACCOUNT,
        "storage_url": azurite,
        "storage_key_env": KEY_ENV,
        "container": CONTAINER,
        "prefix": f"t-{uuid.uuid4().hex[:12]}/",
        "flavors": ["Standard_B1s", "Standard_D2s_v5", "Standard_D2ps_v5", "Standard_NC4as_T4_v3", "Standard_F2s_v2"],
        "images": {"ubuntu": "Canonical:ubuntu-24_04-lts:server:latest"},
        "default_image": "ubuntu",
        "max_nodes": 8,
        "spot": True,
        "poll_interval": 0.1,
        "bundle_poll_interval": 0.1,
        "bundle_wait": 120,
        "create_backoff": 0.0,
        "api_max_attempts": 1,
    }


@contextlib.contextmanager
def serving(settings: dict[str, Any]) -> Iterator[httpx.Client]:
    """An httpx client of an azure gate served by uvicorn on 127.0.0.1 (a free port); always stopped."""
    from skyport_gate_azure import create_app

    with serve_app(create_app(settings)) as client:
        yield client


@pytest.fixture
def serve_azure_gate() -> Any:
    """``with serve_azure_gate(settings) as client:`` serves a gate with settings of the test's choosing."""
    return serving


@pytest.fixture
def azure_gate(azure_gate_settings: dict[str, Any]) -> Iterator[httpx.Client]:
    """An httpx client of the azure gate bound to the stand-in and Azurite, served on 127.0.0.1; always stopped."""
    with serving(azure_gate_settings) as client:
        yield client
