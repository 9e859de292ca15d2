"""Malformed and hostile HTTP requests get a 4xx problem+json that says what to fix, never a 5xx.

Each case is one the fuzzing of the terminal API (tests/contract/test_fuzz.py) or a hand-made
request once answered with a 500, a silent loss of data, or a connection held open for ever. They
run against one real daemon whose request_timeout is 1 s, over mutual TLS; the cases HTTP
clients refuse to send (broken heads, bodies that stop) are written on a raw TLS socket.
"""

from __future__ import annotations

import socket
import ssl
import time
from collections.abc import Iterator

import httpx
import pytest
import yaml

from tests.conftest import Daemon, make_home, running_daemon
from tests.e2e.test_bad_input import assert_problem

SCRIPT = b"#!/bin/sh\ntrue\n"
TIMEOUT = 1  # request_timeout of the daemon under test, in seconds


@pytest.fixture(scope="module")
def daemon(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Daemon]:
    root = tmp_path_factory.mktemp("malformed")
    home = make_home(root / "home")
    config = yaml.safe_load((home / "config.yaml").read_text())
    (home / "config.yaml").write_text(yaml.safe_dump({**config, "request_timeout": TIMEOUT}))
    with running_daemon(home, root / "daemon.log") as running:
        yield running


@pytest.fixture
def http(daemon: Daemon) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=daemon.url, verify=daemon.ssl_context(), timeout=30) as client:
        yield client


@pytest.fixture
def nothing_stored(daemon: Daemon, http: httpx.Client) -> Iterator[None]:
    """The test's requests store no job and leave no file in the daemon's jobs folder."""
    before = ({job["id"] for job in http.get("/user/job").json()}, set((daemon.home / "jobs").iterdir()))
    yield
    after = ({job["id"] for job in http.get("/user/job").json()}, set((daemon.home / "jobs").iterdir()))
    assert after == before


def post_form(http: httpx.Client, body: bytes, boundary: str | None = "b0undary") -> httpx.Response:
    content_type = "multipart/form-data" + (f"; boundary={boundary}" if boundary is not None else "")
    return http.post("/user/job", content=body, headers={"Content-Type": content_type})


def part(name: str | None, data: bytes, filename: str | None = None, boundary: str = "b0undary") -> bytes:
    disposition = "form-data" + (f'; name="{name}"' if name is not None else "")
    disposition += f'; filename="{filename}"' if filename is not None else ""
    return f"--{boundary}\r\nContent-Disposition: {disposition}\r\n\r\n".encode() + data + b"\r\n"


def end(boundary: str = "b0undary") -> bytes:
    return f"--{boundary}--\r\n".encode()


def raw(daemon: Daemon) -> ssl.SSLSocket:
    """A TLS connection to the daemon as alice, for requests no HTTP client would send."""
    connection = socket.create_connection(("127.0.0.1", daemon.port), timeout=30)
    return daemon.ssl_context().wrap_socket(connection, server_hostname="127.0.0.1")


def read_response(sock: ssl.SSLSocket) -> bytes:
    """Everything the daemon sends until it closes the connection."""
    received = b""
    while chunk := sock.recv(65536):
        received += chunk
    return received


@pytest.mark.parametrize(
    ("boundary", "body", "words"),
    [
        (None, part("script_content", SCRIPT, "job.sh") + end(), ["boundary"]),
        ("other", part("script_content", SCRIPT, "job.sh") + end(), ["multipart"]),
        ("b" * 2000, part("script_content", SCRIPT, "job.sh", "b" * 2000) + end("b" * 2000), ["multipart"]),
        ("b0undary", part(None, SCRIPT, "job.sh") + end(), ["name"]),
        ("b0undary", b"\x00\xff garbage, not a form \r\n\r\n--", ["multipart"]),
        ("b0undary", b"".join(part("x", b"1") for _ in range(1001)) + end(), ["Too many fields"]),
        ("b0undary", b"".join(part("input_files", b"", f"{i}") for i in range(1001)) + end(), ["Too many files"]),
    ],
    ids=["no-boundary", "wrong-boundary", "huge-boundary", "part-without-name", "garbage", "1001-fields", "1001-files"],
)
@pytest.mark.usefixtures("nothing_stored")
def test_malformed_multipart_is_a_400(http: httpx.Client, boundary: str | None, body: bytes, words: list[str]) -> None:
    assert_problem(post_form(http, body, boundary), 400, "multipart", *words)


@pytest.mark.usefixtures("nothing_stored")
def test_multipart_cut_short_is_a_400_not_a_job_without_its_input(http: httpx.Client) -> None:
    script = b"#!/bin/sh\n#SWM input data.txt\ncat data.txt\n"
    body = part("script_content", script, "job.sh") + part("input_files", b"x" * 100_000, "data.txt") + end()
    for cut in (len(body) - len(end()), len(body) - 50_000):
        assert_problem(post_form(http, body[:cut]), 400, "cut short")


@pytest.mark.usefixtures("nothing_stored")
def test_input_files_sent_as_a_text_field_is_a_400_naming_it(http: httpx.Client) -> None:
    body = part("script_content", SCRIPT, "job.sh") + part("input_files", b"data") + end()
    assert_problem(post_form(http, body), 400, "input_files", "filename")


@pytest.mark.usefixtures("nothing_stored")
def test_script_field_that_is_not_utf8_is_refused_not_reencoded(http: httpx.Client) -> None:
    body = part("script_content", b"#!/bin/sh\necho \xe9t\xe9\n") + end()  # Latin-1, as a text field
    assert_problem(post_form(http, body), 400, "script_content", "utf-8")


def test_script_as_a_text_field_still_works(http: httpx.Client) -> None:
    """Sky Port's swmclient sends the script as a text field; UTF-8 text there is accepted."""
    body = part("script_content", "#!/bin/sh\n#SWM name grüße\ntrue\n".encode()) + end()
    response = post_form(http, body)
    assert response.status_code == 200, response.text
    job = http.get(f"/user/job/{response.text}").json()
    assert job["name"] == "grüße"
    http.delete(f"/user/job/{response.text}")


@pytest.mark.usefixtures("nothing_stored")
def test_input_name_over_255_bytes_is_a_400_and_leaves_nothing(http: httpx.Client) -> None:
    name = "é" * 200  # 200 characters, 400 bytes of UTF-8
    files = [("script_content", ("job.sh", SCRIPT)), ("input_files", (name, b"data"))]
    assert_problem(http.post("/user/job", files=files), 400, "255")


def test_log_offsets_past_the_end_give_nothing(http: httpx.Client) -> None:
    job_id = http.post("/user/job", files={"script_content": ("job.sh", b"#!/bin/sh\necho hello\n")}).text
    deadline = time.monotonic() + 30
    while http.get(f"/user/job/{job_id}").json()["state"] not in "FEC":
        assert time.monotonic() < deadline
        time.sleep(0.1)
    assert http.get(f"/user/job/{job_id}/stdout").content == b"hello\n"
    for offset in (6, 2**44, 2**53 - 1):  # ext4 refuses to seek from 16 TiB on
        response = http.get(f"/user/job/{job_id}/stdout", params={"offset": offset})
        assert (response.status_code, response.content) == (200, b""), offset
    assert_problem(http.get(f"/user/job/{job_id}/stderr", params={"offset": 2**53}), 400, "offset")


def test_download_of_a_name_over_255_bytes_is_a_4xx(http: httpx.Client) -> None:
    job_id = http.post("/user/job", files={"script_content": ("job.sh", SCRIPT)}).text
    response = http.get(f"/user/job/{job_id}/files/{'é' * 200}")
    assert response.status_code in (400, 404), response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    http.delete(f"/user/job/{job_id}")


def test_oversize_headers_are_a_431(daemon: Daemon) -> None:
    with raw(daemon) as sock:
        sock.sendall(b"GET /user/job HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 100_000 + b"\r\n\r\n")
        response = read_response(sock)
    assert response.startswith(b"HTTP/1.1 431 "), response[:200]
    assert b"application/problem+json" in response and b"headers exceed" in response


def test_a_stalled_head_is_a_408_and_the_connection_closes(daemon: Daemon) -> None:
    with raw(daemon) as sock:
        sock.sendall(b"GET /user/job HTTP/1.1\r\nHost: x\r\n")  # and nothing more
        start = time.monotonic()
        response = read_response(sock)
    assert response.startswith(b"HTTP/1.1 408 "), response[:200]
    assert time.monotonic() - start < TIMEOUT + 5


@pytest.mark.usefixtures("nothing_stored")
def test_a_stalled_body_is_a_408_and_the_connection_closes(daemon: Daemon, http: httpx.Client) -> None:
    body = part("script_content", SCRIPT, "job.sh") + end()
    head = (
        "POST /user/job HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b0undary\r\n"
        f"Content-Length: {len(body) + 1000}\r\n\r\n"
    )
    with raw(daemon) as sock:
        sock.sendall(head.encode() + body)  # 1000 bytes short, then silence
        start = time.monotonic()
        response = read_response(sock)
    assert response.startswith(b"HTTP/1.1 408 "), response[:200]
    assert b"application/problem+json" in response and b"request_timeout" in response
    assert time.monotonic() - start < TIMEOUT + 5


def test_the_daemon_answers_after_all_of_that(http: httpx.Client) -> None:
    assert http.get("/user/remote").status_code == 200
