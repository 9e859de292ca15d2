"""A stand-in OpenStack cloud on loopback for the openstack gate's tests, and a player for its servers.

Nothing of OpenStack runs here (DevStack needs a whole machine), so :class:`StandIn` is one threaded
HTTPS server on 127.0.0.1 that answers what openstacksdk asks, in the request and response shapes
of the published API references (https://docs.openstack.org/api-ref/): Keystone v3 (version
discovery; POST /v3/auth/tokens checking the password and answering X-Subject-Token with a token
whose catalogue points at the other services below), Nova v2.1 (version documents and microversion
headers; flavors/detail with extra_specs from 2.61; servers create/detail/show/delete with
metadata and tags; os-server-groups with ``policy`` from 2.64; faults as Nova words them), Glance
v2 images, Neutron v2.0 security groups and rules, and Swift v1 (account and container metadata,
object PUT/GET/HEAD/DELETE with ranges, JSON listings with prefix/marker/limit, and temp URLs
checked as Swift's tempurl middleware does: HMAC of "METHOD\\nEXPIRES\\nPATH" with the container's
or account's key, the digest told by the signature's length, expired or altered URLs refused with
401). Its TLS certificate is issued by a CA of its own, which the gate is given as ``ca_file``.

The stand-in also plays each server it builds (as ``InstancePlayer`` does for the aws gate): once
a server is ACTIVE it runs the server's user-data with ``sh`` on this machine, so the bootstrap
script and job bundles real servers run are the code under test, against the stand-in Swift. When
the script ends the server goes SHUTOFF, as its power-off does on Nova; when the gate deletes the
server, its script is killed.
"""

from __future__ import annotations

import base64
import contextlib
import datetime
import hashlib
import hmac
import itertools
import json
import os
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
import yaml

from gates.local.tests.local_gate_support import serving as serve_app
from skyport import pki

USER, PASSWORD, PROJECT, DOMAIN = "alice", "s3cret-pass", "skyport", "Default"
NOVA_MAX = "2.96"
FLAVORS = [
    {"name": "m1.small", "vcpus": 1, "ram": 2048, "disk": 20, "ephemeral": 0, "extra_specs": {}},
    {"name": "m1.large", "vcpus": 4, "ram": 8192, "disk": 80, "ephemeral": 20, "extra_specs": {}},
    {
        "name": "g1.a100x2",
        "vcpus": 16,
        "ram": 65536,
        "disk": 100,
        "ephemeral": 0,
        "extra_specs": {"pci_passthrough:alias": "a100:2"},
    },
    {"name": "v1.vgpu", "vcpus": 8, "ram": 16384, "disk": 40, "ephemeral": 0, "extra_specs": {"resources:VGPU": "1"}},
]
NO_VALID_HOST = "No valid host was found. There are not enough hosts available."


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _microversion(headers: Any) -> tuple[int, int]:
    """The compute microversion a request asks for (OpenStack-API-Version or the legacy header); 2.1 if none."""
    asked = headers.get("OpenStack-API-Version", "")
    value = asked.split()[-1] if asked.startswith("compute") else headers.get("X-OpenStack-Nova-API-Version", "2.1")
    if value == "latest":
        value = NOVA_MAX
    major, _, minor = value.partition(".")
    return int(major), int(minor or 0)


class StandIn:
    """Keystone, Nova, Glance, Neutron and Swift of one project, in memory, over HTTPS on 127.0.0.1."""

    def __init__(self, root: Path) -> None:
        self.root = root
        home = root / "ca"
        pki.init_authority(home, "stand-in")
        self.ca_file = home / "ca.pem"
        self.project_id = uuid.uuid4().hex
        self.tokens: set[str] = set()
        self.lock = threading.RLock()
        self.flavors = [{**f, "id": str(100 + i)} for i, f in enumerate(FLAVORS)]
        self.images = [
            {"id": str(uuid.uuid4()), "name": "ubuntu-24.04", "status": "active", "architecture": "x86_64"},
            {"id": str(uuid.uuid4()), "name": "old-image", "status": "deactivated", "architecture": "x86_64"},
        ]
        self.servers: dict[str, dict[str, Any]] = {}
        self.user_data: dict[str, str] = {}
        self.server_groups: dict[str, dict[str, Any]] = {}
        self.security_groups: dict[str, dict[str, Any]] = {}
        self.rules: dict[str, dict[str, Any]] = {}
        self.account_meta: dict[str, str] = {}
        self.containers: dict[str, dict[str, Any]] = {}
        self.refusals: list[tuple[int, dict[str, Any], dict[str, str]]] = []  # next POST /servers answers
        self.build_faults: list[str] = []  # next servers built go to ERROR with these faults
        self.requests: list[tuple[str, str]] = []  # (method, path) of every request
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self._addresses = itertools.count(10)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(home / "server.pem", home / "server-key.pem")
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.url = f"https://127.0.0.1:{self.server.server_address[1]}"
        self._stop = threading.Event()
        self._threads = [
            threading.Thread(target=self.server.serve_forever, name="openstack-stand-in", daemon=True),
            threading.Thread(target=self._play, name="openstack-player", daemon=True),
        ]

    def __enter__(self) -> StandIn:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self.server.shutdown()
        self.server.server_close()
        for process in self.processes.values():
            _kill(process)

    # -- what the tests set up and look at -------------------------------------------------------

    def clouds_yaml(self, path: Path) -> Path:
        """A clouds.yaml naming this cloud ``standin``, as an operator writes one."""
        cloud = {
            "auth": {
                "auth_url": f"{self.url}/identity",
                "username": USER,
                "password": PASSWORD,
                "project_name": PROJECT,
                "user_domain_name": DOMAIN,
                "project_domain_name": DOMAIN,
            },
            "region_name": "RegionOne",
            "identity_api_version": 3,
        }
        path.write_text(yaml.safe_dump({"clouds": {"standin": cloud}}))
        return path

    def refuse(self, status: int, key: str, message: str, headers: dict[str, str] | None = None) -> None:
        """Answer the next POST /servers with Nova's error body ``{key: {"code", "message"}}``."""
        self.refusals.append((status, {key: {"code": status, "message": message}}, headers or {}))

    def swift_path(self, container: str, name: str) -> str:
        return f"/v1/AUTH_{self.project_id}/{container}/{name}"

    def launch_behind_the_gates_back(self, site: str, partition: str) -> str:
        """A server tagged and labelled as the gate labels its own, made without the gate; its ID."""
        server_id = str(uuid.uuid4())
        metadata = {"skyport-site": site, "skyport-partition": partition, "skyport-node": "0"}
        with self.lock:
            self.servers[server_id] = self._server_record(server_id, "lost", self.flavors[0], metadata, ["skyport"])
            self.servers[server_id]["status"] = "ACTIVE"
        self.user_data[server_id] = "sleep 3600"
        return server_id

    # -- the player ------------------------------------------------------------------------------

    def _play(self) -> None:
        while not self._stop.wait(0.05):
            with self.lock:
                servers = list(self.servers.values())
            for server in servers:
                process = self.processes.get(server["id"])
                if server["status"] == "BUILD":
                    self._finish_build(server)
                elif server["status"] == "ACTIVE" and process is not None and process.poll() is not None:
                    with self.lock:
                        server.update(status="SHUTOFF", **{"OS-EXT-STS:vm_state": "stopped"})  # its power-off
            for server_id, process in list(self.processes.items()):
                if server_id not in self.servers:
                    _kill(process)

    def _finish_build(self, server: dict[str, Any]) -> None:
        with self.lock:
            if self.build_faults:
                message = self.build_faults.pop(0)
                server.update(status="ERROR", fault={"code": 500, "message": message, "created": _now()})
                server["OS-EXT-STS:vm_state"] = "error"
                return
            server.update(status="ACTIVE", **{"OS-EXT-STS:vm_state": "active"})
        workdir = self.root / "servers" / server["id"]
        workdir.mkdir(parents=True)
        # The server's image trusts the cloud's CA, as a private cloud's images do (curl reads CURL_CA_BUNDLE).
        env = {
            **os.environ,
            "SKYPORT_WORKDIR": str(workdir),
            "SKYPORT_POWEROFF": "true",
            "CURL_CA_BUNDLE": str(self.ca_file),
        }
        with (workdir / "console.log").open("wb") as console:
            self.processes[server["id"]] = subprocess.Popen(
                ["sh", "-c", self.user_data.get(server["id"]) or "sleep 3600"],
                env=env,
                stdout=console,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    # -- records ----------------------------------------------------------------------------------

    def _server_record(
        self, server_id: str, name: str, flavor: dict[str, Any], metadata: dict[str, str], tags: list[str]
    ) -> dict[str, Any]:
        address = f"10.0.0.{next(self._addresses)}"
        return {
            "id": server_id,
            "name": name,
            "status": "BUILD",
            "tenant_id": self.project_id,
            "user_id": USER,
            "metadata": metadata,
            "tags": tags,
            "flavor": {
                "original_name": flavor["name"],
                "vcpus": flavor["vcpus"],
                "ram": flavor["ram"],
                "disk": flavor["disk"],
                "ephemeral": flavor["ephemeral"],
                "swap": 0,
                "extra_specs": flavor["extra_specs"],
            },
            "addresses": {"skyport-net": [{"version": 4, "addr": address, "OS-EXT-IPS:type": "fixed"}]},
            "key_name": None,
            "created": _now(),
            "updated": _now(),
            "OS-EXT-STS:vm_state": "building",
            "OS-EXT-STS:task_state": None,
            "OS-EXT-STS:power_state": 1,
            "security_groups": [],
            "links": [{"rel": "self", "href": f"{self.url}/compute/v2.1/servers/{server_id}"}],
        }


def _kill(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def _handler(cloud: StandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:
            pass

        # -- plumbing --------------------------------------------------------------------------

        def _body(self) -> bytes:
            return self.rfile.read(int(self.headers.get("Content-Length") or 0))

        def _json_body(self) -> Any:
            return json.loads(self._body() or b"{}")

        def _send(self, status: int, payload: Any = None, headers: dict[str, str] | None = None) -> None:
            data = b"" if payload is None else payload if isinstance(payload, bytes) else json.dumps(payload).encode()
            self.send_response(status)
            content_type = "application/json" if payload is not None and not isinstance(payload, bytes) else None
            if content_type:
                self.send_header("Content-Type", content_type)
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        def _authenticated(self) -> bool:
            if self.headers.get("X-Auth-Token") in cloud.tokens:
                return True
            self._send(
                401,
                {
                    "error": {
                        "code": 401,
                        "title": "Unauthorized",
                        "message": "The request you have made requires authentication.",
                    }
                },
            )
            return False

        def _route(self) -> None:
            url = urllib.parse.urlsplit(self.path)
            path, query = url.path, urllib.parse.parse_qs(url.query)
            cloud.requests.append((self.command, path))
            for prefix, serve in (
                ("/identity", self._identity),
                ("/compute", self._compute),
                ("/image", self._image),
                ("/network", self._network),
                (f"/v1/AUTH_{cloud.project_id}", self._swift),
            ):
                if path == prefix or path.startswith(prefix + "/"):
                    serve(path[len(prefix) :].rstrip("/"), query)
                    return
            self._send(404, {"error": f"no such path {path}"})

        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _route

        # -- Keystone v3: https://docs.openstack.org/api-ref/identity/v3/ --------------------------

        def _identity_version(self) -> dict[str, Any]:
            return {
                "id": "v3.14",
                "status": "stable",
                "updated": "2020-04-07T00:00:00Z",
                "links": [{"rel": "self", "href": f"{cloud.url}/identity/v3/"}],
                "media-types": [{"base": "application/json", "type": "application/vnd.openstack.identity-v3+json"}],
            }

        def _identity(self, path: str, query: dict[str, list[str]]) -> None:
            if path == "" and self.command == "GET":
                self._send(300, {"versions": {"values": [self._identity_version()]}})
            elif path == "/v3" and self.command == "GET":
                self._send(200, {"version": self._identity_version()})
            elif path == "/v3/auth/tokens" and self.command == "POST":
                self._issue_token(self._json_body())
            else:
                self._send(404, {"error": {"code": 404, "message": f"no {self.command} {path}"}})

        def _issue_token(self, body: dict[str, Any]) -> None:
            identity = body["auth"]["identity"]
            user = identity.get("password", {}).get("user", {})
            scope = body["auth"].get("scope", {}).get("project", {})
            if (user.get("name"), user.get("password")) != (USER, PASSWORD) or scope.get("name") != PROJECT:
                self._send(
                    401,
                    {
                        "error": {
                            "code": 401,
                            "title": "Unauthorized",
                            "message": "The request you have made requires authentication.",
                        }
                    },
                )
                return
            token = uuid.uuid4().hex
            cloud.tokens.add(token)
            domain = {"id": "default", "name": DOMAIN}

            def service(kind: str, name: str, url: str) -> dict[str, Any]:
                endpoint = {
                    "id": uuid.uuid4().hex,
                    "interface": "public",
                    "region": "RegionOne",
                    "region_id": "RegionOne",
                    "url": url,
                }
                return {"id": uuid.uuid4().hex, "type": kind, "name": name, "endpoints": [endpoint]}

            expires = datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=12)
            answer = {
                "token": {
                    "methods": ["password"],
                    "user": {"id": uuid.uuid4().hex, "name": USER, "domain": domain, "password_expires_at": None},
                    "audit_ids": [uuid.uuid4().hex[:22]],
                    "expires_at": expires.strftime("%Y-%m-%dT%H:%M:%S.000000Z"),
                    "issued_at": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.000000Z"),
                    "project": {"id": cloud.project_id, "name": PROJECT, "domain": domain},
                    "is_domain": False,
                    "roles": [{"id": uuid.uuid4().hex, "name": "member"}],
                    "catalog": [
                        service("identity", "keystone", f"{cloud.url}/identity"),
                        service("compute", "nova", f"{cloud.url}/compute/v2.1"),
                        service("image", "glance", f"{cloud.url}/image"),
                        service("network", "neutron", f"{cloud.url}/network"),
                        service("object-store", "swift", f"{cloud.url}/v1/AUTH_{cloud.project_id}"),
                    ],
                }
            }
            self._send(201, answer, {"X-Subject-Token": token})

        # -- Nova v2.1: https://docs.openstack.org/api-ref/compute/ --------------------------------

        def _compute_version(self) -> dict[str, Any]:
            return {
                "id": "v2.1",
                "status": "CURRENT",
                "version": NOVA_MAX,
                "min_version": "2.1",
                "updated": "2013-07-23T11:33:21Z",
                "links": [{"rel": "self", "href": f"{cloud.url}/compute/v2.1/"}],
            }

        def _nova(self, status: int, payload: Any = None, headers: dict[str, str] | None = None) -> None:
            major, minor = _microversion(self.headers)
            version = f"{major}.{minor}"
            self._send(
                status,
                payload,
                {
                    "OpenStack-API-Version": f"compute {version}",
                    "X-OpenStack-Nova-API-Version": version,
                    "Vary": "OpenStack-API-Version, X-OpenStack-Nova-API-Version",
                    **(headers or {}),
                },
            )

        def _compute(self, path: str, query: dict[str, list[str]]) -> None:  # noqa: PLR0912 - one branch per call
            if path == "" and self.command == "GET":
                self._send(200, {"versions": [self._compute_version()]})
                return
            if path == "/v2.1" and self.command == "GET":
                self._send(200, {"version": self._compute_version()})
                return
            if not self._authenticated():
                return
            path = path.removeprefix("/v2.1")
            microversion = _microversion(self.headers)
            with cloud.lock:
                if path == "/flavors/detail" and self.command == "GET":
                    self._nova(200, {"flavors": [self._flavor(f, microversion) for f in cloud.flavors]})
                elif path == "/servers" and self.command == "POST":
                    self._create_server(self._json_body(), microversion)
                elif path == "/servers/detail" and self.command == "GET":
                    wanted = set(",".join(query.get("tags", [])).split(",")) - {""}
                    servers = [s for s in cloud.servers.values() if wanted <= set(s["tags"])]
                    self._nova(200, {"servers": [self._shown(s) for s in servers]})
                elif path.startswith("/servers/") and self.command in ("GET", "DELETE"):
                    server_id = path.split("/")[2]
                    if server_id not in cloud.servers:
                        message = f"Instance {server_id} could not be found."
                        self._nova(404, {"itemNotFound": {"code": 404, "message": message}})
                    elif self.command == "GET":
                        self._nova(200, {"server": self._shown(cloud.servers[server_id])})
                    else:
                        del cloud.servers[server_id]
                        for group in cloud.server_groups.values():
                            if server_id in group["members"]:
                                group["members"].remove(server_id)
                        self._nova(204)
                elif path == "/os-server-groups" and self.command == "GET":
                    self._nova(
                        200, {"server_groups": [self._group(g, microversion) for g in cloud.server_groups.values()]}
                    )
                elif path == "/os-server-groups" and self.command == "POST":
                    self._create_group(self._json_body()["server_group"], microversion)
                elif path.startswith("/os-server-groups/") and self.command == "DELETE":
                    if cloud.server_groups.pop(path.split("/")[2], None) is None:
                        self._nova(404, {"itemNotFound": {"code": 404, "message": "Server group could not be found."}})
                    else:
                        self._nova(204)
                else:
                    self._nova(404, {"itemNotFound": {"code": 404, "message": f"no {self.command} {path}"}})

        @staticmethod
        def _flavor(flavor: dict[str, Any], microversion: tuple[int, int]) -> dict[str, Any]:
            shown = {
                "id": flavor["id"],
                "name": flavor["name"],
                "vcpus": flavor["vcpus"],
                "ram": flavor["ram"],
                "disk": flavor["disk"],
                "OS-FLV-EXT-DATA:ephemeral": flavor["ephemeral"],
                "swap": 0,
                "rxtx_factor": 1.0,
                "os-flavor-access:is_public": True,
                "OS-FLV-DISABLED:disabled": False,
                "description": None,
                "links": [],
            }
            if microversion >= (2, 61):  # extra_specs in the flavor body from 2.61 on
                shown["extra_specs"] = flavor["extra_specs"]
            return shown

        @staticmethod
        def _shown(server: dict[str, Any]) -> dict[str, Any]:
            shown = dict(server)
            if server["status"] != "ERROR":
                shown.pop("fault", None)
            return shown

        def _create_server(self, body: dict[str, Any], microversion: tuple[int, int]) -> None:
            if cloud.refusals:
                status, payload, headers = cloud.refusals.pop(0)
                self._nova(status, payload, headers)
                return
            asked = body["server"]
            flavor = next((f for f in cloud.flavors if f["id"] == asked.get("flavorRef")), None)
            image = next((i for i in cloud.images if i["id"] == asked.get("imageRef")), None)
            problem = None
            if flavor is None:
                problem = f"Flavor {asked.get('flavorRef')} could not be found."
            elif image is None:
                problem = f"Image {asked.get('imageRef')} could not be found."
            elif microversion >= (2, 37) and "networks" not in asked:
                problem = "Invalid input for field/attribute server. Value: networks is a required property"
            elif asked.get("tags") and microversion < (2, 52):
                problem = "Additional properties are not allowed ('tags' was unexpected)"
            if problem is not None:
                self._nova(400, {"badRequest": {"code": 400, "message": problem}})
                return
            server_id = str(uuid.uuid4())
            hints = body.get("OS-SCH-HNT:scheduler_hints") or {}
            group = cloud.server_groups.get(hints.get("group", ""))
            if hints.get("group") and group is None:
                self._nova(400, {"badRequest": {"code": 400, "message": f"Invalid server group {hints['group']}"}})
                return
            record = cloud._server_record(
                server_id, asked["name"], flavor, dict(asked.get("metadata") or {}), list(asked.get("tags") or [])
            )
            record["security_groups"] = list(asked.get("security_groups") or [{"name": "default"}])
            record["key_name"] = asked.get("key_name")
            cloud.servers[server_id] = record
            cloud.user_data[server_id] = base64.b64decode(asked.get("user_data") or "").decode()
            if group is not None:
                group["members"].append(server_id)
            answer = {
                "server": {
                    "id": server_id,
                    "links": record["links"],
                    "security_groups": record["security_groups"],
                    "OS-DCF:diskConfig": "MANUAL",
                }
            }
            self._nova(202, answer, {"Location": record["links"][0]["href"]})

        @staticmethod
        def _group(group: dict[str, Any], microversion: tuple[int, int]) -> dict[str, Any]:
            shown = {"id": group["id"], "name": group["name"], "members": list(group["members"]), "metadata": {}}
            if microversion >= (2, 64):
                shown.update(policy=group["policy"], rules={}, project_id=cloud.project_id, user_id=USER)
            else:
                shown["policies"] = [group["policy"]]
            return shown

        def _create_group(self, asked: dict[str, Any], microversion: tuple[int, int]) -> None:
            policy = asked.get("policy") if microversion >= (2, 64) else (asked.get("policies") or [None])[0]
            if policy not in ("affinity", "anti-affinity", "soft-affinity", "soft-anti-affinity"):
                self._nova(400, {"badRequest": {"code": 400, "message": f"Invalid input: policy {policy!r}"}})
                return
            group = {"id": str(uuid.uuid4()), "name": asked["name"], "policy": policy, "members": []}
            cloud.server_groups[group["id"]] = group
            self._nova(200, {"server_group": self._group(group, microversion)})

        # -- Glance v2: https://docs.openstack.org/api-ref/image/v2/ ----------------------------

        def _image(self, path: str, query: dict[str, list[str]]) -> None:
            if path == "" and self.command == "GET":
                links = [{"rel": "self", "href": f"{cloud.url}/image/v2/"}]
                self._send(300, {"versions": [{"id": "v2.16", "status": "CURRENT", "links": links}]})
            elif path == "/v2/images" and self.command == "GET":
                if not self._authenticated():
                    return
                images = [
                    {
                        **image,
                        "visibility": "public",
                        "os_hidden": False,
                        "protected": False,
                        "disk_format": "qcow2",
                        "container_format": "bare",
                        "min_disk": 0,
                        "min_ram": 0,
                        "tags": [],
                        "created_at": _now(),
                        "updated_at": _now(),
                        "self": f"/v2/images/{image['id']}",
                        "file": f"/v2/images/{image['id']}/file",
                        "schema": "/v2/schemas/image",
                    }
                    for image in cloud.images
                ]
                self._send(200, {"images": images, "first": "/v2/images", "schema": "/v2/schemas/images"})
            else:
                self._send(404, {"error": f"no {self.command} {path}"})

        # -- Neutron v2.0: https://docs.openstack.org/api-ref/network/v2/ ------------------------

        def _network(self, path: str, query: dict[str, list[str]]) -> None:
            if path == "" and self.command == "GET":
                links = [{"rel": "self", "href": f"{cloud.url}/network/v2.0/"}]
                self._send(200, {"versions": [{"id": "v2.0", "status": "CURRENT", "links": links}]})
                return
            if not self._authenticated():
                return
            path = path.removeprefix("/v2.0")
            with cloud.lock:
                if path == "/security-groups" and self.command == "GET":
                    names = query.get("name")
                    groups = [g for g in cloud.security_groups.values() if not names or g["name"] in names]
                    self._send(200, {"security_groups": [self._security_group(g) for g in groups]})
                elif path.startswith("/security-groups/") and self.command == "GET":
                    group = cloud.security_groups.get(path.split("/")[2])
                    if group is None:
                        self._send(
                            404,
                            {
                                "NeutronError": {
                                    "type": "SecurityGroupNotFound",
                                    "message": "Security group not found",
                                    "detail": "",
                                }
                            },
                        )
                    else:
                        self._send(200, {"security_group": self._security_group(group)})
                elif path == "/security-groups" and self.command == "POST":
                    asked = self._json_body()["security_group"]
                    group = {
                        "id": str(uuid.uuid4()),
                        "name": asked["name"],
                        "description": asked.get("description", ""),
                    }
                    cloud.security_groups[group["id"]] = group
                    for ethertype in ("IPv4", "IPv6"):  # Neutron adds these two egress rules to every new group
                        self._add_rule(group["id"], "egress", ethertype)
                    self._send(201, {"security_group": self._security_group(group)})
                elif path == "/security-group-rules" and self.command == "GET":
                    wanted = query.get("security_group_id")
                    rules = [r for r in cloud.rules.values() if not wanted or r["security_group_id"] in wanted]
                    self._send(200, {"security_group_rules": rules})
                elif path.startswith("/security-group-rules/") and self.command == "DELETE":
                    cloud.rules.pop(path.split("/")[2], None)
                    self._send(204)
                else:
                    self._send(404, {"NeutronError": {"type": "HTTPNotFound", "message": f"no {path}", "detail": ""}})

        @staticmethod
        def _add_rule(group_id: str, direction: str, ethertype: str) -> None:
            rule = {
                "id": str(uuid.uuid4()),
                "security_group_id": group_id,
                "direction": direction,
                "ethertype": ethertype,
                "protocol": None,
                "port_range_min": None,
                "port_range_max": None,
                "remote_ip_prefix": None,
                "remote_group_id": None,
                "project_id": cloud.project_id,
                "tenant_id": cloud.project_id,
            }
            cloud.rules[rule["id"]] = rule

        @staticmethod
        def _security_group(group: dict[str, Any]) -> dict[str, Any]:
            rules = [r for r in cloud.rules.values() if r["security_group_id"] == group["id"]]
            shown = {**group, "project_id": cloud.project_id, "tenant_id": cloud.project_id, "stateful": True}
            return {**shown, "security_group_rules": rules}

        # -- Swift v1: https://docs.openstack.org/api-ref/object-store/ -------------------------

        def _swift(self, path: str, query: dict[str, list[str]]) -> None:
            parts = path.lstrip("/").split("/", 1) if path else []
            with cloud.lock:
                if len(parts) == 2 and "temp_url_sig" in query and not self.headers.get("X-Auth-Token"):
                    if self._temp_url_allows(urllib.parse.unquote(urllib.parse.urlsplit(self.path).path), query):
                        self._object(parts[0], parts[1])
                    return
                if not self._authenticated():
                    return
                if not parts:
                    self._account()
                elif len(parts) == 1:
                    self._container(parts[0], query)
                else:
                    self._object(parts[0], parts[1])

        def _meta_headers(self, prefix: str) -> dict[str, str]:
            return {
                k[len(prefix) :].lower(): v for k, v in self.headers.items() if k.lower().startswith(prefix.lower())
            }

        def _account(self) -> None:
            if self.command == "POST":
                cloud.account_meta.update(self._meta_headers("X-Account-Meta-"))
                self._send(204)
            elif self.command in ("HEAD", "GET"):
                headers = {f"X-Account-Meta-{k}": v for k, v in cloud.account_meta.items()}
                headers["X-Account-Container-Count"] = str(len(cloud.containers))
                self._send(
                    204 if self.command == "HEAD" else 200,
                    b"" if self.command == "HEAD" else json.dumps(sorted(cloud.containers)).encode(),
                    headers,
                )
            else:
                self._send(405)

        def _container(self, name: str, query: dict[str, list[str]]) -> None:
            container = cloud.containers.get(name)
            if self.command == "PUT":
                self._body()
                if container is None:
                    cloud.containers[name] = {"meta": self._meta_headers("X-Container-Meta-"), "objects": {}}
                self._send(201 if container is None else 202, b"")
            elif container is None:
                self._send(404, b"<html><h1>Not Found</h1></html>")
            elif self.command == "POST":
                self._body()
                container["meta"].update(self._meta_headers("X-Container-Meta-"))
                self._send(204, b"")
            elif self.command == "HEAD":
                headers = {f"X-Container-Meta-{k}": v for k, v in container["meta"].items()}
                headers.update(
                    {"X-Container-Object-Count": str(len(container["objects"])), "X-Timestamp": f"{time.time():.5f}"}
                )
                self._send(204, b"", headers)
            elif self.command == "GET":
                prefix = query.get("prefix", [""])[0]
                marker = query.get("marker", [""])[0]
                limit = int(query.get("limit", ["10000"])[0])
                names = sorted(n for n in container["objects"] if n.startswith(prefix) and n > marker)[:limit]
                listing = [
                    {
                        "name": n,
                        "bytes": len(container["objects"][n]["data"]),
                        "hash": container["objects"][n]["etag"],
                        "content_type": "application/octet-stream",
                        "last_modified": container["objects"][n]["modified"],
                    }
                    for n in names
                ]
                self._send(200, listing)
            else:
                self._send(405, b"")

        def _object(self, container_name: str, name: str) -> None:
            container = cloud.containers.get(container_name)
            if container is None:
                self._body()
                self._send(404, b"<html><h1>Not Found</h1></html>")
                return
            name = urllib.parse.unquote(name)
            found = container["objects"].get(name)
            if self.command == "PUT":
                data = self._body()
                etag = hashlib.md5(data, usedforsecurity=False).hexdigest()
                modified = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")
                container["objects"][name] = {"data": data, "etag": etag, "modified": modified}
                self._send(201, b"", {"Etag": etag})
            elif found is None:
                self._send(404, b"<html><h1>Not Found</h1></html>")
            elif self.command == "DELETE":
                del container["objects"][name]
                self._send(204, b"")
            elif self.command in ("GET", "HEAD"):
                self._send_object(found)
            else:
                self._send(405, b"")

        def _send_object(self, found: dict[str, Any]) -> None:
            data = found["data"]
            headers = {"Etag": found["etag"], "Content-Type": "application/octet-stream", "Accept-Ranges": "bytes"}
            asked = self.headers.get("Range", "")
            if not asked.startswith("bytes="):
                self._send(200, data, headers)
                return
            first, _, last = asked[len("bytes=") :].partition("-")
            start = int(first)
            if start >= len(data):
                self._send(416, b"<html><h1>Requested Range Not Satisfiable</h1></html>")
                return
            end = min(int(last), len(data) - 1) if last else len(data) - 1
            headers["Content-Range"] = f"bytes {start}-{end}/{len(data)}"
            self._send(206, data[start : end + 1], headers)

        def _temp_url_allows(self, path: str, query: dict[str, list[str]]) -> bool:
            """Swift's tempurl check: an unexpired signature of this method and path with a known key."""
            signature = query["temp_url_sig"][0]
            expires = query.get("temp_url_expires", ["0"])[0]
            container = cloud.containers.get(path.split("/")[3], {"meta": {}})
            keys = [v for k, v in {**cloud.account_meta, **container["meta"]}.items() if k.startswith("temp-url-key")]
            digest = {40: hashlib.sha1, 64: hashlib.sha256, 128: hashlib.sha512}.get(len(signature))
            methods = ("GET", "PUT") if self.command == "HEAD" else (self.command,)  # HEAD rides on a GET or PUT URL
            ok = (
                digest is not None
                and expires.isdigit()
                and int(expires) > time.time()
                and any(
                    hmac.compare_digest(
                        hmac.new(k.encode(), f"{m}\n{expires}\n{path}".encode(), digest).hexdigest(), signature
                    )
                    for k in keys
                    for m in methods
                )
            )
            if not ok:
                self._body()
                self._send(
                    401,
                    b"<html><h1>Unauthorized</h1><p>This server could not verify that you are authorized to access"
                    b" the document you requested.</p></html>",
                    {"Content-Type": "text/html"},
                )
            return ok

    return Handler


@pytest.fixture
def stand_in(tmp_path: Path) -> Iterator[StandIn]:
    """A fresh stand-in cloud for one test, always stopped (servers it played killed)."""
    with StandIn(tmp_path / "openstack") as cloud:
        yield cloud


@pytest.fixture
def openstack_gate_settings(stand_in: StandIn, tmp_path: Path) -> dict[str, Any]:
    """Settings of an openstack site named "openstack" on the stand-in, its servers played on this machine.

    ``create_app(openstack_gate_settings)`` gives a ready gate; the core would hand the same keys
    from its config (``name`` and ``state_dir`` are added by the core).
    """
    return {
        "name": "openstack",
        "state_dir": str(tmp_path / "gate-state"),
        "cloud": "standin",
        "clouds_file": str(stand_in.clouds_yaml(tmp_path / "clouds.yaml")),
        "ca_file": str(stand_in.ca_file),
        "flavors": ["m1.small", "m1.large", "g1.a100x2", "v1.vgpu"],
        "images": {"ubuntu": "ubuntu-24.04", "by-id": stand_in.images[0]["id"]},
        "default_image": "ubuntu",
        "prices": {"m1.small": 0.05, "g1.a100x2": 4.1},
        "max_nodes": 8,
        "poll_interval": 0.1,
        "bundle_poll_interval": 0.1,
        "bundle_wait": 120,
        "launch_backoff": 0.0,
    }


@contextlib.contextmanager
def serving(settings: dict[str, Any]) -> Iterator[httpx.Client]:
    """An httpx client of an openstack gate served by uvicorn on 127.0.0.1 (a free port); always stopped."""
    from skyport_gate_openstack import create_app

    with serve_app(create_app(settings)) as client:
        yield client


@pytest.fixture
def openstack_gate(openstack_gate_settings: dict[str, Any]) -> Iterator[httpx.Client]:
    """An httpx client of the openstack gate bound to the stand-in, served on 127.0.0.1; always stopped."""
    with serving(openstack_gate_settings) as client:
        yield client
