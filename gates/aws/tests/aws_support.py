"""A real moto server for the aws gate's tests, and a player that runs what an instance would run.

``moto_server`` is one ``moto_server`` process on 127.0.0.1 for the whole session (its first EC2
call costs ~2 s), reset before every test. ``aws_gate_settings`` yields the settings dict of an aws
site bound to it, with a fresh VPC, subnet, security group, AMI and bucket, while an
``InstancePlayer`` plays every instance the gate launches: it reads the instance's user-data
through ``describe_instance_attribute`` and runs it with ``sh`` on this machine, against the moto
S3 endpoint, so the bootstrap script real instances boot with is the code under test. When the
script ends it terminates the instance, as the script's power-off does on EC2
(InstanceInitiatedShutdownBehavior=terminate); when the gate terminates the instance, the player
kills the script, as EC2 would.
"""

from __future__ import annotations

import base64
import contextlib
import http.client
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
import warnings
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from gates.local.tests.local_gate_support import serving as serve_app
from tests.conftest import free_port

# Importing connexion warns twice (starlette.testclient: "install httpx2", a UserWarning that
# pyproject's DeprecationWarning filter misses; jsonschema: RefResolver is deprecated); with
# filterwarnings=error the first test to import the gate would fail. Import it once here, quietly.
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import connexion  # noqa: F401

REGION = "us-east-1"
STARTUP_TIMEOUT = 30.0
FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": REGION,
}


@pytest.fixture(scope="session")
def moto_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of a moto server process with instance-type validation on; always stopped."""
    saved = {key: os.environ.get(key) for key in FAKE_CREDENTIALS}
    os.environ.update(FAKE_CREDENTIALS)  # boto3's default chain, in the gate, finds these
    port = free_port()
    env = {
        **os.environ,
        "MOTO_EC2_ENABLE_INSTANCE_TYPE_VALIDATION": "true",
        "MOTO_EC2_LOAD_DEFAULT_AMIS": "false",  # the tests register the AMIs they use
    }
    log = (tmp_path_factory.mktemp("moto") / "moto.log").open("wb")
    moto = Path(sys.executable).with_name("moto_server")
    process = subprocess.Popen([str(moto), "-H", "127.0.0.1", "-p", str(port)], env=env, stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while True:
            try:
                urllib.request.urlopen(f"{url}/moto-api/", timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"moto_server did not start; see {log.name}") from None
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def aws_client(service: str, endpoint: str) -> Any:
    import boto3

    return boto3.client(service, endpoint_url=endpoint, region_name=REGION)


def launch_tagged(world: dict[str, str], site: str, partition: str) -> str:
    """Launch, behind the gate's back, an instance tagged as the gate tags its own; returns its ID."""
    tags = [{"Key": "skyport:site", "Value": site}, {"Key": "skyport:partition", "Value": partition}]
    launched = aws_client("ec2", world["endpoint"]).run_instances(
        ImageId=world["ami"],
        InstanceType="t3.micro",
        MinCount=1,
        MaxCount=1,
        TagSpecifications=[{"ResourceType": "instance", "Tags": tags}],
    )
    instance_id: str = launched["Instances"][0]["InstanceId"]
    return instance_id


class InstancePlayer:
    """Plays every launched instance of one moto server: runs its user-data, powers it off."""

    def __init__(self, endpoint: str, root: Path) -> None:
        self.ec2 = aws_client("ec2", endpoint)
        self.root = root
        self.scripts: dict[str, subprocess.Popen[bytes]] = {}
        self.user_data: dict[str, str] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="instance-player", daemon=True)

    def __enter__(self) -> InstancePlayer:
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
            self._stop.wait(0.1)

    def step(self) -> None:
        """Boot instances that appeared, power off those whose script ended, kill those terminated."""
        filters = [{"Name": "tag-key", "Values": ["skyport:partition"]}]
        pages = self.ec2.get_paginator("describe_instances").paginate(Filters=filters)
        for instance in (i for page in pages for r in page["Reservations"] for i in r["Instances"]):
            instance_id, state = instance["InstanceId"], instance["State"]["Name"]
            process = self.scripts.get(instance_id)
            if state in ("pending", "running") and process is None:
                self._boot(instance_id)
            elif state in ("pending", "running") and process is not None and process.poll() is not None:
                self.ec2.terminate_instances(InstanceIds=[instance_id])  # the script's power-off
            elif state not in ("pending", "running") and process is not None:
                self._kill(process)

    def _boot(self, instance_id: str) -> None:
        attribute = self.ec2.describe_instance_attribute(InstanceId=instance_id, Attribute="userData")
        # An instance launched without user-data boots and idles until it is terminated, as on EC2.
        script = base64.b64decode(attribute["UserData"].get("Value", "")).decode() or "sleep 3600"
        self.user_data[instance_id] = script
        workdir = self.root / instance_id
        workdir.mkdir(parents=True)
        env = {**os.environ, "SKYPORT_WORKDIR": str(workdir), "SKYPORT_POWEROFF": "true"}
        with (workdir / "console.log").open("wb") as console:
            self.scripts[instance_id] = subprocess.Popen(
                ["sh", "-c", script], env=env, stdout=console, stderr=subprocess.STDOUT, start_new_session=True
            )

    @staticmethod
    def _kill(process: subprocess.Popen[bytes]) -> None:
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@pytest.fixture
def aws_world(moto_server: str) -> dict[str, str]:
    """A reset moto with a subnet, a security group, an AMI and a bucket: their IDs by name."""
    urllib.request.urlopen(urllib.request.Request(f"{moto_server}/moto-api/reset", method="POST")).close()
    ec2 = aws_client("ec2", moto_server)
    vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.20.1.0/24")["Subnet"]["SubnetId"]
    group = ec2.create_security_group(GroupName="skyport-jobs", Description="no inbound", VpcId=vpc)["GroupId"]
    ami = ec2.register_image(Name="skyport-test-ami", Architecture="x86_64", RootDeviceName="/dev/xvda")["ImageId"]
    aws_client("s3", moto_server).create_bucket(Bucket="skyport-test")
    return {"endpoint": moto_server, "subnet": subnet, "group": group, "ami": ami, "bucket": "skyport-test"}


@pytest.fixture
def aws_s3(aws_world: dict[str, str]) -> Any:
    """A boto3 S3 client of the moto server, to look at what the gate left in the bucket."""
    return aws_client("s3", aws_world["endpoint"])


@pytest.fixture
def instance_player(aws_world: dict[str, str], tmp_path: Path) -> Iterator[InstancePlayer]:
    """Plays the instances of the current test (see the module docstring); always stopped."""
    with InstancePlayer(aws_world["endpoint"], tmp_path / "instances") as player:
        yield player


@pytest.fixture
def aws_gate_settings(aws_world: dict[str, str], instance_player: InstancePlayer, tmp_path: Path) -> dict[str, Any]:
    """Settings of an aws site named "aws" bound to the moto server, its instances played on this machine.

    ``create_app(aws_gate_settings)`` gives a ready gate; the core would hand the same keys from its
    config (``name`` and ``state_dir`` are added by the core).
    """
    return {
        "name": "aws",
        "state_dir": str(tmp_path / "gate-state"),
        "region": REGION,
        "endpoint_url": aws_world["endpoint"],
        "bucket": aws_world["bucket"],
        "subnet_id": aws_world["subnet"],
        "security_group_ids": [aws_world["group"]],
        "flavors": ["t3.micro", "c5.large", "g4dn.xlarge", "m7g.large"],
        "images": {"test-ami": aws_world["ami"]},
        "default_image": "test-ami",
        "max_nodes": 8,
        "spot": True,
        "poll_interval": 0.1,
        "bundle_poll_interval": 0.1,
        "bundle_wait": 120,
        "launch_backoff": 0.0,
        "api_max_attempts": 1,
    }


@contextlib.contextmanager
def serving(settings: dict[str, Any]) -> Iterator[httpx.Client]:
    """An httpx client of an aws gate served by uvicorn on 127.0.0.1 (a free port); always stopped."""
    from skyport_gate_aws import create_app

    with serve_app(create_app(settings)) as client:
        yield client


@pytest.fixture
def serve_aws_gate() -> Any:
    """``with serve_aws_gate(settings) as client:`` serves a gate with settings of the test's choosing."""
    return serving


@pytest.fixture
def aws_gate(aws_gate_settings: dict[str, Any]) -> Iterator[httpx.Client]:
    """An httpx client of the aws gate bound to the moto server, served on 127.0.0.1; always stopped."""
    with serving(aws_gate_settings) as client:
        yield client


ERROR_XML = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>{code}</Code>'
    "<Message>{message}</Message></Error></Errors><RequestID>skyport-test</RequestID></Response>"
)


class FaultyEc2:
    """A proxy to moto that refuses the next RunInstances calls with queued EC2 errors.

    It also stands in for the AWS Pricing API, which moto does not have: ``GetProducts`` is
    answered in the Pricing API's own shape (a PriceList of JSON documents with OnDemand terms)
    from ``prices``, an empty PriceList for a type not in it; ``pricing_filters`` keeps what each
    call asked for.
    """

    def __init__(self, upstream: str) -> None:
        self.refusals: list[tuple[int, str, str]] = []  # (HTTP status, code, message), first refused first
        self.prices: dict[str, float] = {}  # instance type -> USD per hour the Pricing API answers
        self.pricing_filters: list[dict[str, str]] = []
        target = urllib.parse.urlsplit(upstream)
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _answer(self, status: int, payload: bytes, content_type: str = "text/xml") -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def _forward(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.headers.get("X-Amz-Target") == "AWSPriceListService.GetProducts":
                    filters = {f["Field"]: f["Value"] for f in json.loads(body)["Filters"]}
                    proxy.pricing_filters.append(filters)
                    asked = filters["instanceType"]
                    listed = [_price_document(asked, proxy.prices[asked])] if asked in proxy.prices else []
                    answer = {"FormatVersion": "aws_v1", "PriceList": listed}
                    self._answer(200, json.dumps(answer).encode(), "application/x-amz-json-1.1")
                    return
                if b"Action=RunInstances" in body and proxy.refusals:
                    status, code, message = proxy.refusals.pop(0)
                    self._answer(status, ERROR_XML.format(code=code, message=message).encode())
                    return
                connection = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
                connection.request(self.command, self.path, body=body, headers=dict(self.headers))
                answer = connection.getresponse()
                payload = answer.read()
                self.send_response(answer.status)
                for key, value in answer.getheaders():
                    if key.lower() not in ("content-length", "transfer-encoding", "connection", "server", "date"):
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
                connection.close()

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _forward

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, name="faulty-ec2", daemon=True)


def _price_document(instance_type: str, usd: float) -> str:
    """One PriceList entry as GetProducts returns it: a JSON document in a string."""
    dimension = {"unit": "Hrs", "pricePerUnit": {"USD": f"{usd:.10f}"}, "description": f"{instance_type} Linux"}
    term = {"priceDimensions": {"SKU1.TERM1.DIM1": dimension}, "sku": "SKU1", "offerTermCode": "TERM1"}
    product = {"productFamily": "Compute Instance", "attributes": {"instanceType": instance_type}, "sku": "SKU1"}
    return json.dumps({"product": product, "terms": {"OnDemand": {"SKU1.TERM1": term}}, "serviceCode": "AmazonEC2"})


@pytest.fixture
def faulty_ec2(aws_world: dict[str, str]) -> Iterator[FaultyEc2]:
    proxy = FaultyEc2(aws_world["endpoint"])
    proxy.thread.start()
    try:
        yield proxy
    finally:
        proxy.server.shutdown()
        proxy.server.server_close()
