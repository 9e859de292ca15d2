"""Bad input gets a 4xx problem+json that says what to fix, and changes nothing."""

from __future__ import annotations

import ssl
import uuid
from collections.abc import Iterator

import httpx
import pytest
import yaml

from tests.conftest import Daemon


@pytest.fixture
def http(daemon: Daemon) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=daemon.url, verify=daemon.ssl_context(), timeout=30) as client:
        yield client


def assert_problem(response: httpx.Response, status: int, *words: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    detail = response.json()["detail"]
    for word in words:
        assert word in detail, detail


def assert_no_jobs(http: httpx.Client) -> None:
    assert http.get("/user/job").json() == []


def test_unknown_directive_is_a_400_naming_the_line(http: httpx.Client) -> None:
    script = b"#!/bin/sh\n#SWM name ok\n#SWM cores 4\necho\n"
    response = http.post("/user/job", files={"script_content": ("job.sh", script)})
    assert_problem(response, 400, "line 3", "cores")
    assert_no_jobs(http)


def test_bad_directive_value_is_a_400_naming_the_line(http: httpx.Client) -> None:
    response = http.post("/user/job", files={"script_content": ("job.sh", b"#SWM time forever\n")})
    assert_problem(response, 400, "line 1", "time")
    assert_no_jobs(http)


def test_script_that_is_not_text_is_a_400(http: httpx.Client) -> None:
    response = http.post("/user/job", files={"script_content": ("job.sh", b"#!/bin/sh\n\xff\xfe\n")})
    assert_problem(response, 400, "UTF-8")
    assert_no_jobs(http)


def test_submit_without_a_script_is_a_400(http: httpx.Client) -> None:
    assert_problem(http.post("/user/job", files={"other": ("x", b"y")}), 400)
    assert_problem(http.post("/user/job"), 400, "no job script")  # curl -X POST: no body, no Content-Type
    assert_no_jobs(http)


def test_a_body_without_a_content_type_is_a_415(http: httpx.Client) -> None:
    response = http.post("/user/job", content=b"#!/bin/sh\ntrue\n")  # no Content-Type at all
    assert_problem(response, 415, "no Content-Type")
    assert_no_jobs(http)


def test_declared_input_that_was_not_uploaded_is_a_400(http: httpx.Client) -> None:
    script = b"#!/bin/sh\n#SWM input missing.dat\ncat missing.dat\n"
    response = http.post("/user/job", files={"script_content": ("job.sh", script)})
    assert_problem(response, 400, "missing.dat")
    assert_no_jobs(http)


@pytest.mark.parametrize(
    ("directive", "named"),
    [("cpus 64", "cpus"), ("mem 512G", "mem"), ("gpus 1", "gpu"), ("flavor c5.large", "c5.large")],
)
def test_request_no_site_can_ever_meet_is_a_400_naming_the_resource(
    http: httpx.Client, directive: str, named: str
) -> None:
    response = http.post("/user/job", files={"script_content": ("job.sh", f"#SWM {directive}\ntrue\n")})
    assert_problem(response, 400, named)
    assert_no_jobs(http)


def test_unknown_site_is_a_400_listing_the_configured_ones(http: httpx.Client) -> None:
    response = http.post("/user/job", files={"script_content": ("job.sh", b"#SWM site mars\ntrue\n")})
    assert_problem(response, 400, "mars", "local")
    assert_no_jobs(http)


def test_oversized_upload_is_a_413(daemon: Daemon, http: httpx.Client) -> None:
    limit = 1024 * 1024
    config = yaml.safe_load((daemon.home / "config.yaml").read_text())
    config["max_upload"] = limit
    (daemon.home / "config.yaml").write_text(yaml.safe_dump(config))
    daemon.stop()
    daemon.start()
    big = b"x" * (2 * limit)
    response = http.post(
        "/user/job", files={"script_content": ("job.sh", b"#!/bin/sh\ntrue\n"), "input_files": ("big.dat", big)}
    )
    assert_problem(response, 413, str(limit))
    assert_no_jobs(http)


def test_wrong_parameter_types_are_400s(http: httpx.Client) -> None:
    assert_problem(http.get("/user/job", params={"limit": "many"}), 400)
    assert_problem(http.get("/user/job", params={"state": "X"}), 400)
    assert_problem(http.get("/user/job/not-a-uuid"), 400)
    assert_problem(http.patch(f"/user/job/{uuid.uuid4()}", headers={"modification": "explode"}), 400)


def test_unknown_job_id_is_a_404(http: httpx.Client) -> None:
    job_id = str(uuid.uuid4())
    for response in (
        http.get(f"/user/job/{job_id}"),
        http.delete(f"/user/job/{job_id}"),
        http.get(f"/user/job/{job_id}/stdout"),
        http.get(f"/user/job/{job_id}/files"),
    ):
        assert_problem(response, 404, job_id)


def test_no_client_certificate_nor_token_is_a_401(daemon: Daemon) -> None:
    context = ssl.create_default_context(cafile=str(daemon.home / "ca.pem"))
    with httpx.Client(base_url=daemon.url, verify=context) as anonymous:
        response = anonymous.get("/user/job")
    assert response.status_code == 401 and response.headers["content-type"] == "application/problem+json"
    assert "neither a client certificate nor a token" in response.json()["detail"]


def test_certificate_from_another_ca_is_refused(daemon: Daemon, tmp_path: object) -> None:
    from pathlib import Path

    from skyport import pki

    stranger = Path(str(tmp_path)) / "stranger"
    pki.init_authority(stranger, "mallory")
    context = ssl.create_default_context(cafile=str(daemon.home / "ca.pem"))
    context.load_cert_chain(stranger / "cert.pem", stranger / "key.pem")
    with httpx.Client(base_url=daemon.url, verify=context) as client, pytest.raises(httpx.HTTPError):
        client.get("/user/job")


@pytest.mark.parametrize(
    ("filename", "words"),
    [
        ("x" * 256, ["256 bytes", "at most 255"]),
        ("x" * 255 + "\n", ["258 bytes"]),  # httpx sends the newline as %0A
        ("\N{LATIN SMALL LETTER E WITH ACUTE}" * 128, ["256 bytes"]),
        ("a\\b", ["contains '\\'"]),
        ("..", ["names a folder"]),
    ],
)
def test_an_input_name_no_gate_can_honour_is_a_400_at_submit(
    daemon: Daemon, http: httpx.Client, filename: str, words: list[str]
) -> None:
    files = [("script_content", ("job.sh", b"#!/bin/sh\ntrue\n")), ("input_files", (filename, b"data"))]
    assert_problem(http.post("/user/job", files=files), 400, "input file name", *words)
    assert_no_jobs(http)
    assert not list((daemon.home / "jobs").glob(".new-*")), "a refused submission left its inputs behind"


def test_an_input_name_with_a_control_character_is_a_400_at_submit(http: httpx.Client) -> None:
    body = (
        b'--B\r\nContent-Disposition: form-data; name="script_content"; filename="job.sh"\r\n\r\n#!/bin/sh\ntrue\n\r\n'
        b'--B\r\nContent-Disposition: form-data; name="input_files"; filename="in\tput.txt"\r\n\r\ndata\r\n--B--\r\n'
    )
    response = http.post("/user/job", content=body, headers={"Content-Type": "multipart/form-data; boundary=B"})
    assert_problem(response, 400, "input file name", "control character '\\t'")
    assert_no_jobs(http)
