"""Real TES clients against a real daemon: py-tes (PyPI) with an API token, inputs and outputs
inline, on the daemon's host and in S3 (a moto server process), and http(s) inputs from an
allow-listed server on loopback.
"""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import tes
import yaml
from skyport_client import Client

from gates.aws.tests.aws_support import aws_client
from skyport import pki
from tests.conftest import Daemon, free_port, make_home, running_daemon
from tests.e2e.test_tes import IMAGE, SITE, TES, wait_for_end
from tests.e2e.test_tokens import new_token

BUCKET = "tes-data"


class Files(http.server.SimpleHTTPRequestHandler):
    """Serves a folder, and remembers every path asked for."""

    asked: list[str]  # set on the subclass made for each server

    def do_GET(self) -> None:
        self.asked.append(self.path)
        super().do_GET()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def web(tmp_path: Path) -> Iterator[tuple[str, list[str]]]:
    """An http server on loopback serving tmp_path/www: its URL and the paths it was asked for."""
    root = tmp_path / "www"
    (root / "pub").mkdir(parents=True)
    (root / "pub" / "greeting.txt").write_text("hello from the web\n")
    (root / "private.txt").write_text("not for tasks\n")
    asked: list[str] = []
    handler = type("Handler", (Files,), {"asked": asked})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), lambda *a: handler(*a, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", asked
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def s3_daemon(tmp_path: Path, moto_server: str, web: tuple[str, list[str]]) -> Iterator[Daemon]:
    """A daemon owned by alice that reaches the moto server's S3 and the web server's /pub/ only."""
    home = make_home(tmp_path / "home")
    config = yaml.safe_load((home / "config.yaml").read_text())
    config.update(owner="alice", tes_s3_endpoint=moto_server, tes_http_inputs=[f"{web[0]}/pub/"])
    (home / "config.yaml").write_text(yaml.safe_dump(config))
    with running_daemon(home, tmp_path / "daemon.log", sites=[SITE]) as daemon:
        yield daemon


@pytest.fixture
def py_tes(s3_daemon: Daemon, monkeypatch: pytest.MonkeyPatch) -> tes.HTTPClient:
    """py-tes with a token of alice's; requests trusts the daemon's CA."""
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(s3_daemon.home / pki.CA_CERT))
    with Client(s3_daemon.url, ssl_context=s3_daemon.ssl_context()) as client:
        token = new_token(client)
    return tes.HTTPClient(s3_daemon.url, token=token, timeout=30)


def test_py_tes_runs_a_task_on_inline_host_and_s3_files_and_lists_gets_and_cancels(
    py_tes: tes.HTTPClient, moto_server: str, tmp_path: Path
) -> None:
    s3 = aws_client("s3", moto_server)
    s3.create_bucket(Bucket=BUCKET)
    s3.put_object(Bucket=BUCKET, Key="in/reads.txt", Body=b"ACGT\nTTGA\n")
    s3.put_object(Bucket=BUCKET, Key="in/ref/a.fa", Body=b">a\nAC\n")
    s3.put_object(Bucket=BUCKET, Key="in/ref/sub/b.fa", Body=b">b\nGT\n")
    local = tmp_path / "host.txt"
    local.write_text("on the host\n")
    script = "cat /in/reads.txt /in/ref/a.fa /in/ref/sub/b.fa /in/host.txt > /out/all.txt; wc -l < /out/all.txt"
    task = tes.Task(
        name="py-tes",
        inputs=[
            tes.Input(path="/in/reads.txt", url=f"s3://{BUCKET}/in/reads.txt"),
            tes.Input(path="/in/ref", url=f"s3://{BUCKET}/in/ref", type="DIRECTORY"),
            tes.Input(path="/in/host.txt", url=f"file://{local}"),
            tes.Input(path="/in/run.sh", content=script),
        ],
        outputs=[
            tes.Output(path="/out/all.txt", url=f"s3://{BUCKET}/out/all.txt"),
            tes.Output(path="/out", url=f"s3://{BUCKET}/results", type="DIRECTORY"),
            tes.Output(path="/out/all.txt", url=f"file://{tmp_path}/back/all.txt"),
        ],
        executors=[tes.Executor(image=IMAGE, command=["sh", "/in/run.sh"])],
        tags={"engine": "py-tes"},
    )

    task_id = py_tes.create_task(task)
    py_tes.wait(task_id, timeout=60)

    full = py_tes.get_task(task_id, view="FULL")
    assert full.state == "COMPLETE", full.logs[0].system_logs
    expected = b"ACGT\nTTGA\n>a\nAC\n>b\nGT\non the host\n"
    assert s3.get_object(Bucket=BUCKET, Key="out/all.txt")["Body"].read() == expected
    assert s3.get_object(Bucket=BUCKET, Key="results/all.txt")["Body"].read() == expected
    assert (tmp_path / "back" / "all.txt").read_bytes() == expected
    assert full.logs[0].logs[0].stdout == "7\n"
    assert {(log.url, int(log.size_bytes)) for log in full.logs[0].outputs} == {  # py-tes reads the strings as ints
        (f"s3://{BUCKET}/out/all.txt", len(expected)),
        (f"s3://{BUCKET}/results/all.txt", len(expected)),
        (f"file://{tmp_path}/back/all.txt", len(expected)),
    }
    assert full.inputs[3].content == script
    basic = py_tes.get_task(task_id, view="BASIC")
    assert basic.inputs[3].content is None and basic.logs[0].logs[0].stdout is None
    assert py_tes.get_task(task_id, view="MINIMAL").as_dict() == {"id": task_id, "state": "COMPLETE"}
    for view in ("MINIMAL", "BASIC", "FULL"):
        listed = py_tes.list_tasks(view=view)
        assert [found.id for found in listed.tasks] == [task_id]
        assert listed.tasks[0].state == "COMPLETE"
    assert py_tes.list_tasks(view="FULL").tasks[0].logs[0].logs[0].stdout == "7\n"

    sleeper = py_tes.create_task(tes.Task(executors=[tes.Executor(image=IMAGE, command=["sleep", "60"])]))
    py_tes.cancel_task(sleeper)
    assert py_tes.wait(sleeper, timeout=30).state in ("CANCELED", "CANCELING")
    assert py_tes.list_tasks(page_size=1).next_page_token == sleeper


def test_an_s3_output_that_cannot_be_written_is_a_system_error_saying_so(py_tes: tes.HTTPClient) -> None:
    task = tes.Task(
        outputs=[tes.Output(path="/out/x", url="s3://no-such-bucket/x")],
        executors=[tes.Executor(image=IMAGE, command=["sh", "-c", "mkdir -p /out && echo x > /out/x"])],
    )

    task_id = py_tes.create_task(task)
    py_tes.wait(task_id, timeout=60)

    done = py_tes.get_task(task_id, view="FULL")
    assert done.state == "SYSTEM_ERROR"
    assert any("could not be put at s3://no-such-bucket/x" in line for line in done.logs[0].system_logs)


def test_http_inputs_come_only_from_the_allowed_prefix(s3_daemon: Daemon, web: tuple[str, list[str]]) -> None:
    base, asked = web
    with httpx.Client(base_url=s3_daemon.url + TES, verify=s3_daemon.ssl_context(), timeout=30) as client:
        allowed = {"path": "/in/g.txt", "url": f"{base}/pub/greeting.txt"}
        task = {"inputs": [allowed], "executors": [{"image": IMAGE, "command": ["cat", "/in/g.txt"]}]}
        task_id = client.post("/tasks", json=task).json()["id"]
        done = wait_for_end(client, task_id)
        assert done["state"] == "COMPLETE"
        assert done["logs"][0]["logs"][0]["stdout"] == "hello from the web\n"

        for url in (
            f"{base}/private.txt",
            f"{base}/pub/../private.txt",
            f"{base}/pub/%2e%2e/private.txt",
            f"{base}/public/x",
            f"http://localhost:{base.rsplit(':', 1)[1]}/pub/greeting.txt",
            "http://169.254.169.254/latest/meta-data/",
        ):
            task = {"inputs": [{"path": "/in/x", "url": url}], "executors": [{"image": IMAGE, "command": ["true"]}]}
            refused = client.post("/tasks", json=task)
            assert refused.status_code == 403, (url, refused.text)
            assert "tes_http_inputs" in refused.json()["detail"]
        task = {
            "outputs": [{"path": "/o/x", "url": f"{base}/pub/up"}],
            "executors": [{"image": IMAGE, "command": ["true"]}],
        }
        assert client.post("/tasks", json=task).status_code == 400
    assert asked == ["/pub/greeting.txt"]
