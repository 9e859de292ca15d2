"""The TES endpoint of a real daemon over mutual TLS: tasks are jobs on the sandboxed local site.

The local site runs the image ``ubuntu:22.04`` on the host (``host_images``), in bubblewrap, so
the tasks' absolute paths are folders of the job's own; it has no container runtime
(``container_runtime: none``), so any other image is refused by the site (tests/e2e/test_containers.py
runs images with podman).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from skyport_client import Client
from skyport_client.api.jobs import get_job
from skyport_client.tls import context_for_token

from skyport import pki
from tests.conftest import PYTHON, TEST_USERS, Daemon, make_home, running_daemon
from tests.e2e.test_cli import skyport
from tests.e2e.test_tokens import new_token

TES = "/ga4gh/tes/v1"
IMAGE = "ubuntu:22.04"
ENDED = {"COMPLETE", "EXECUTOR_ERROR", "SYSTEM_ERROR", "CANCELED"}
SITE = {
    "name": "local",
    "kind": "local",
    "settings": {
        "cpus": 2,
        "mem": 2048,
        "users": TEST_USERS,
        "read_only": PYTHON,
        "host_images": ["ubuntu:*"],
        "container_runtime": "none",
    },
}


@pytest.fixture(scope="module")
def tes_daemon(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Daemon]:
    """A daemon whose owner is alice (she may name files on its host) and whose local site runs ubuntu images;
    one for the module: each test names its tasks apart."""
    root = tmp_path_factory.mktemp("tes")
    home = make_home(root / "home")
    config = yaml.safe_load((home / "config.yaml").read_text())
    (home / "config.yaml").write_text(yaml.safe_dump({**config, "owner": "alice"}))
    with running_daemon(home, root / "daemon.log", sites=[SITE]) as daemon:
        yield daemon


@pytest.fixture
def tes(tes_daemon: Daemon) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=tes_daemon.url + TES, verify=tes_daemon.ssl_context(), timeout=30) as client:
        yield client


def create(tes: httpx.Client, task: dict[str, Any]) -> str:
    answer = tes.post("/tasks", json=task)
    assert answer.status_code == 200, answer.text
    task_id: str = answer.json()["id"]
    return task_id


def wait_for_end(tes: httpx.Client, task_id: str, timeout: float = 30) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        task: dict[str, Any] = tes.get(f"/tasks/{task_id}", params={"view": "FULL"}).json()
        if task["state"] in ENDED:
            return task
        time.sleep(0.2)
    raise AssertionError(f"task {task_id} did not end within {timeout} s: {task}")


def executor(*command: str, **more: Any) -> dict[str, Any]:
    return {"image": IMAGE, "command": list(command), **more}


def test_service_info_names_the_storage_and_the_skyport_version(tes: httpx.Client) -> None:
    info = tes.get("/service-info").json()

    assert info["type"]["artifact"] == "tes"
    assert info["version"] == "0.1.0"
    assert "file://" in info["storage"]
    assert "site" in info["tesResources_backend_parameters"]


def test_executors_run_in_order_on_inline_and_file_inputs_and_outputs_reach_the_host(
    tes: httpx.Client, tes_daemon: Daemon, tmp_path: Path
) -> None:
    given = tmp_path / "given.txt"
    given.write_text("from the host\n")
    folder = tmp_path / "given-folder"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "deep.txt").write_text("deep\n")
    out = tmp_path / "out"
    task = {
        "name": "two steps",
        "tags": {"workflow": "w1"},
        "resources": {"cpu_cores": 1, "ram_gb": 0.5},
        "inputs": [
            {"path": "/data/inline.txt", "content": "hello\n"},
            {"path": "/data/given.txt", "url": f"file://{given}"},
            {"path": "/data/folder", "url": f"file://{folder}", "type": "DIRECTORY"},
        ],
        "outputs": [
            {"path": "/out/joined.txt", "url": f"file://{out}/joined.txt"},
            {"path": "/out/tree", "url": f"file://{out}/tree", "type": "DIRECTORY"},
            {"path": "/out/tree/*.log", "path_prefix": "/out/tree", "url": f"file://{out}/logs"},
        ],
        "executors": [
            executor(
                "sh",
                "-c",
                'cat inline.txt given.txt folder/sub/deep.txt > /out/joined.txt; echo "$GREETING"',
                workdir="/data",
                env={"GREETING": "hi there"},
                stdout="/out/first.stdout",
            ),
            executor(
                "sh",
                "-c",
                "mkdir -p /out/tree && tr a-z A-Z < /out/joined.txt | tee /out/tree/up.log; cat /out/first.stdout >&2",
            ),
        ],
    }
    task_id = create(tes, task)

    done = wait_for_end(tes, task_id)

    assert done["state"] == "COMPLETE", done["logs"]
    assert (out / "joined.txt").read_text() == "hello\nfrom the host\ndeep\n"
    assert (out / "tree" / "up.log").read_text() == "HELLO\nFROM THE HOST\nDEEP\n"
    assert (out / "logs" / "up.log").read_text() == "HELLO\nFROM THE HOST\nDEEP\n"
    log = done["logs"][0]
    assert [entry["exit_code"] for entry in log["logs"]] == [0, 0]
    assert log["logs"][0]["start_time"] <= log["logs"][0]["end_time"] <= log["logs"][1]["start_time"]
    assert log["logs"][1]["stdout"] == "HELLO\nFROM THE HOST\nDEEP\n"
    assert log["logs"][1]["stderr"] == "hi there\n"  # the first executor's stdout file, seen by the second
    sizes = {entry["url"]: entry["size_bytes"] for entry in log["outputs"]}
    assert sizes == {
        f"file://{out}/joined.txt": "25",
        f"file://{out}/tree/up.log": "25",
        f"file://{out}/logs/up.log": "25",
    }
    assert log["start_time"] <= log["end_time"]
    assert done["inputs"][0]["content"] == "hello\n"
    assert done["tags"] == {"workflow": "w1"}
    with Client(tes_daemon.url, ssl_context=tes_daemon.ssl_context()) as client:  # the task is a job
        job = get_job.sync(client=client, job_id=task_id)
    assert job.state == "F"
    assert job.name == "two steps"


def test_a_failing_executor_stops_the_rest_unless_it_ignores_errors(tes: httpx.Client) -> None:
    stops = create(tes, {"executors": [executor("sh", "-c", "exit 3"), executor("touch", "/data/never")]})
    goes_on = create(
        tes,
        {"executors": [executor("sh", "-c", "echo oops >&2; exit 4", ignore_error=True), executor("true")]},
    )

    stopped, went_on = wait_for_end(tes, stops), wait_for_end(tes, goes_on)

    assert stopped["state"] == "EXECUTOR_ERROR"
    assert [entry["exit_code"] for entry in stopped["logs"][0]["logs"]] == [3]
    assert went_on["state"] == "COMPLETE"
    assert [entry["exit_code"] for entry in went_on["logs"][0]["logs"]] == [4, 0]
    assert went_on["logs"][0]["logs"][0]["stderr"] == "oops\n"


def test_an_image_the_site_cannot_run_is_a_system_error_that_says_so(tes: httpx.Client) -> None:
    task_id = create(tes, {"executors": [{"image": "quay.io/biocontainers/samtools:1.17", "command": ["true"]}]})

    done = wait_for_end(tes, task_id)

    assert done["state"] == "SYSTEM_ERROR"
    assert "cannot run image 'quay.io/biocontainers/samtools:1.17'" in " ".join(done["logs"][0]["system_logs"])


def test_list_filters_views_and_pages(tes: httpx.Client) -> None:
    ids = [
        create(tes, {"name": f"batch-{n}", "tags": {"run": "a" if n % 2 else "b"}, "executors": [executor("true")]})
        for n in range(5)
    ]
    other = create(tes, {"name": "batch-other", "executors": [executor("true")]})
    for task_id in [*ids, other]:
        wait_for_end(tes, task_id)
    newest = [other, *reversed(ids)]

    minimal = tes.get("/tasks").json()["tasks"]
    assert minimal[0] == {"id": other, "state": "COMPLETE"}
    assert [task["id"] for task in minimal[:6]] == newest
    basic = tes.get("/tasks", params={"view": "BASIC", "name_prefix": "batch-"}).json()["tasks"]
    assert [task["name"] for task in basic] == ["batch-other", *(f"batch-{n}" for n in reversed(range(5)))]
    assert "system_logs" not in basic[0]["logs"][0] and "stdout" not in basic[0]["logs"][0]["logs"][0]
    full = tes.get("/tasks", params={"view": "FULL", "name_prefix": "batch-o"}).json()["tasks"]
    assert full[0]["logs"][0]["system_logs"] and "stdout" in full[0]["logs"][0]["logs"][0]
    tagged = tes.get("/tasks", params={"tag_key": "run", "tag_value": "a"}).json()["tasks"]
    assert [task["id"] for task in tagged] == [ids[3], ids[1]]
    any_value = tes.get("/tasks", params={"tag_key": "run"}).json()["tasks"]
    assert len(any_value) == 5
    assert other not in {task["id"] for task in tes.get("/tasks", params={"state": "QUEUED"}).json()["tasks"]}
    complete = tes.get("/tasks", params={"state": "COMPLETE", "name_prefix": "batch-"}).json()["tasks"]
    assert [task["id"] for task in complete] == newest
    pages, token = [], None
    while True:
        query = {"page_size": 2, "name_prefix": "batch-", **({"page_token": token} if token else {})}
        page = tes.get("/tasks", params=query).json()
        pages.append([task["id"] for task in page["tasks"]])
        token = page.get("next_page_token")
        if token is None:
            break
    assert [task_id for page in pages for task_id in page] == newest
    assert [len(page) for page in pages] == [2, 2, 2]


def test_cancel_ends_a_running_task_and_a_second_cancel_changes_nothing(tes: httpx.Client) -> None:
    task_id = create(tes, {"executors": [executor("sleep", "60")]})
    deadline = time.monotonic() + 20
    while tes.get(f"/tasks/{task_id}").json()["state"] != "RUNNING" and time.monotonic() < deadline:
        time.sleep(0.1)

    assert tes.post(f"/tasks/{task_id}:cancel").json() == {}

    assert wait_for_end(tes, task_id)["state"] == "CANCELED"
    assert tes.post(f"/tasks/{task_id}:cancel").status_code == 200
    assert tes.get(f"/tasks/{task_id}").json()["state"] == "CANCELED"


REFUSED = [
    ({"executors": []}, "executors"),
    ({"executors": [executor("true", workdir="data")]}, "workdir"),
    ({"executors": [executor("true"), {"image": "debian:12", "command": ["true"]}]}, "same image"),
    ({"inputs": [{"path": "/data/x"}], "executors": [executor("true")]}, "neither content nor url"),
    ({"inputs": [{"path": "/x", "content": "a"}], "executors": [executor("true")]}, "directly in /"),
    ({"inputs": [{"path": "/d/../x", "content": "a"}], "executors": [executor("true")]}, "'..'"),
    ({"inputs": [{"path": "/d/x", "url": "ftp://h/x"}], "executors": [executor("true")]}, "reaches file://"),
    ({"executors": [executor("true", env={"A B": "1"})]}, "environment variable name"),
    ({"executors": [executor("a=b")]}, "contains '='"),
    ({"executors": [executor("true")], "tags": {"k" * 256: "v"}}, "tag name"),
    (
        {
            "resources": {"backend_parameters": {"VmSize": "x"}, "backend_parameters_strict": True},
            "executors": [executor("true")],
        },
        "VmSize",
    ),
    ({"resources": {"zones": ["us-west-1"]}, "executors": [executor("true")]}, "us-west-1"),
    ({"executors": [executor("true")] * 101}, "executors"),
    ({"executors": [executor("x" * 20000)]}, "command"),
]


def test_a_task_that_cannot_run_is_refused_with_what_to_fix_and_nothing_is_stored(tes: httpx.Client) -> None:
    before = tes.get("/tasks").json()["tasks"]
    for task, says in REFUSED:
        answer = tes.post("/tasks", json=task)

        assert answer.status_code == 400, answer.text
        assert answer.headers["content-type"] == "application/problem+json"
        assert says in answer.json()["detail"], answer.text
    assert tes.get("/tasks").json()["tasks"] == before


def test_another_user_neither_sees_nor_cancels_a_task_nor_names_host_files(
    tes: httpx.Client, tes_daemon: Daemon, tmp_path: Path
) -> None:
    task_id = create(tes, {"executors": [executor("true")]})
    skyport(None, "user", "add", "bob", home=tes_daemon.home)
    folder = tes_daemon.home / pki.USERS / "bob"
    context = tes_daemon.ssl_context(folder / "cert.pem", folder / "key.pem")
    with httpx.Client(base_url=tes_daemon.url + TES, verify=context, timeout=30) as bob:
        assert bob.get(f"/tasks/{task_id}").status_code == 404
        assert bob.post(f"/tasks/{task_id}:cancel").status_code == 404
        assert task_id not in {task["id"] for task in bob.get("/tasks").json()["tasks"]}
        secret = tmp_path / "secret"
        secret.write_text("alice's")
        refused = bob.post(
            "/tasks", json={"inputs": [{"path": "/d/s", "url": f"file://{secret}"}], "executors": [executor("true")]}
        )
        assert refused.status_code == 403
        assert "only the daemon's owner (alice)" in refused.json()["detail"]
    with httpx.Client(base_url=tes_daemon.url + TES, verify=context_for_token(tes_daemon.home)) as anonymous:
        refused = anonymous.get("/tasks")
    assert refused.status_code == 401
    assert refused.headers["content-type"] == "application/problem+json"


def test_a_token_creates_lists_and_cancels_tasks_as_its_user(tes: httpx.Client, tes_daemon: Daemon) -> None:
    with Client(tes_daemon.url, ssl_context=tes_daemon.ssl_context()) as client:
        token = new_token(client)
    context = context_for_token(tes_daemon.home)
    with httpx.Client(base_url=tes_daemon.url + TES, verify=context, timeout=30, auth=("any", token)) as basic:
        task_id = create(basic, {"name": "by-token", "executors": [executor("sleep", "30")]})
        assert task_id in {task["id"] for task in basic.get("/tasks").json()["tasks"]}
    bearer = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=tes_daemon.url + TES, verify=context, timeout=30, headers=bearer) as client:
        assert client.post(f"/tasks/{task_id}:cancel").status_code == 200
        assert wait_for_end(client, task_id)["state"] == "CANCELED"
    assert tes.get(f"/tasks/{task_id}").json()["state"] == "CANCELED"  # alice's task, by her certificate too
