"""Attacks on the temp URLs a server holds: each opens one object for one method until it expires.

Real: the gate's temp URLs and curl, as a server uses them. Stand-in: Swift's tempurl check
(openstack_support.py), written from Swift's middleware documentation: HMAC over
"METHOD\\nEXPIRES\\nPATH" with the container's key; anything else is a 401.
"""

from __future__ import annotations

import dataclasses
import subprocess
import urllib.parse
from pathlib import Path
from typing import Any

import httpx
import pytest
from skyport_gate_openstack import settings as settings_module
from skyport_gate_openstack.cloud import connect
from skyport_gate_openstack.swift import Staging

from gates.openstack.tests.openstack_support import StandIn


@pytest.fixture
def staging(openstack_gate_settings: dict[str, Any], stand_in: StandIn) -> Staging:
    """The gate's Swift side with two jobs' inputs stored."""
    loaded = settings_module.load({**openstack_gate_settings, "url_expiry": 60})
    store = Staging(loaded, connect(loaded))
    store.put(store.job_prefix("alice-job") + "inputs/secret.txt", b"alice's data")
    store.put(store.job_prefix("bob-job") + "inputs/mine.txt", b"bob's data")
    return store


def curl(url: str, ca: Path, *extra: str) -> tuple[int, bytes]:
    """What a server's curl gets: (HTTP status, body)."""
    done = subprocess.run(
        ["curl", "-sS", "--cacert", str(ca), "-o", "-", "-w", "\n%{http_code}", *extra, url],
        capture_output=True,
        check=True,
        timeout=30,
    )
    body, _, status = done.stdout.rpartition(b"\n")
    return int(status), body


def test_a_temp_url_reads_its_own_object(staging: Staging, stand_in: StandIn) -> None:
    url = staging.get_url(staging.job_prefix("bob-job") + "inputs/mine.txt")

    assert curl(url, stand_in.ca_file) == (200, b"bob's data")


def test_one_job_s_url_cannot_read_another_job_s_object(staging: Staging, stand_in: StandIn) -> None:
    url = staging.get_url(staging.job_prefix("bob-job") + "inputs/mine.txt")
    other = url.replace("bob-job/inputs/mine.txt", "alice-job/inputs/secret.txt")

    status, body = curl(other, stand_in.ca_file)

    assert status == 401 and b"alice" not in body


def test_an_altered_signature_is_refused(staging: Staging, stand_in: StandIn) -> None:
    url = staging.get_url(staging.job_prefix("bob-job") + "inputs/mine.txt")
    parts = urllib.parse.urlsplit(url)
    query = urllib.parse.parse_qs(parts.query)
    signature = query["temp_url_sig"][0]
    forged = signature[:-1] + ("0" if signature[-1] != "0" else "1")
    altered = url.replace(signature, forged)

    assert curl(altered, stand_in.ca_file)[0] == 401


def test_a_later_expiry_with_the_old_signature_is_refused(staging: Staging, stand_in: StandIn) -> None:
    url = staging.get_url(staging.job_prefix("bob-job") + "inputs/mine.txt")
    expires = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)["temp_url_expires"][0]

    assert curl(url.replace(expires, str(int(expires) + 3600)), stand_in.ca_file)[0] == 401


def test_an_expired_url_is_refused(openstack_gate_settings: dict[str, Any], stand_in: StandIn) -> None:
    loaded = settings_module.load({**openstack_gate_settings, "url_expiry": 60})
    store = Staging(loaded, connect(loaded))
    key = store.job_prefix("bob-job") + "inputs/mine.txt"
    store.put(key, b"bob's data")
    store.settings = dataclasses.replace(loaded, url_expiry=-1)  # as if signed 61 s ago with 60 s to live

    assert curl(store.get_url(key), stand_in.ca_file)[0] == 401


def test_a_get_url_cannot_overwrite_the_object(staging: Staging, stand_in: StandIn, tmp_path: Path) -> None:
    key = staging.job_prefix("bob-job") + "inputs/mine.txt"
    upload = tmp_path / "evil.txt"
    upload.write_bytes(b"replaced")

    status, _ = curl(staging.get_url(key), stand_in.ca_file, "-T", str(upload))

    assert status == 401
    assert staging.read(key) == b"bob's data"


def test_without_a_token_or_temp_url_swift_answers_401(staging: Staging, stand_in: StandIn) -> None:
    path = stand_in.swift_path("skyport", staging.job_prefix("bob-job") + "inputs/mine.txt")

    answer = httpx.get(stand_in.url + path, verify=str(stand_in.ca_file))

    assert answer.status_code == 401
