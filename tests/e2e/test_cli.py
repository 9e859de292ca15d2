"""The `skyport` command as a user types it, against a real daemon."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

from tests.conftest import Daemon


def skyport(
    daemon: Daemon | None,
    *args: str,
    home: Path | None = None,
    check: bool = True,
    stdin: str | None = None,
    cwd: Path | None = None,
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SKYPORT_HOME": str(home or (daemon.home if daemon else ""))}
    if daemon is not None:
        env["SKYPORT_URL"] = daemon.url
    result = subprocess.run(
        [sys.executable, "-m", "skyport", *args],
        check=False,
        env=env,
        input=stdin,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if check:
        assert result.returncode == 0, result.stderr
    return result


def test_submit_wait_logs_and_fetch_bring_back_the_result(daemon: Daemon, tmp_path: Path) -> None:
    script = tmp_path / "job.sh"
    script.write_text(
        "#!/bin/sh\n#SWM name rev\n#SWM input words.txt\n#SWM output out.txt\ntac words.txt > out.txt\necho done\n"
    )
    (tmp_path / "words.txt").write_text("a\nb\nc\n")
    submitted = json.loads(skyport(daemon, "--json", "submit", str(script), "--wait").stdout)
    assert submitted["state"] == "F"
    job_id = submitted["id"]
    assert skyport(daemon, "logs", job_id).stdout == "done\n"
    dest = tmp_path / "results"
    skyport(daemon, "fetch", job_id, "--dest", str(dest))
    assert (dest / "out.txt").read_text() == "c\nb\na\n"
    assert (dest / f"{job_id}.out").read_text() == "done\n"
    listing = skyport(daemon, "jobs").stdout
    assert job_id in listing and "finished" in listing
    shown = skyport(daemon, "show", job_id).stdout
    assert "rev" in shown and "local" in shown


def test_listing_commands_show_the_local_site(daemon: Daemon) -> None:
    assert "local" in skyport(daemon, "remotes").stdout
    flavors = json.loads(skyport(daemon, "--json", "flavors").stdout)
    assert [(f["name"], f["cpus"]) for f in flavors] == [("local", 2)]
    assert "host" in skyport(daemon, "images").stdout


def test_bad_script_is_a_message_naming_the_line_not_a_traceback(daemon: Daemon, tmp_path: Path) -> None:
    script = tmp_path / "bad.sh"
    script.write_text("#!/bin/sh\n#SWM nodes zero\n")
    result = skyport(daemon, "submit", str(script), check=False)
    assert result.returncode == 1
    assert "line 2" in result.stderr and "Traceback" not in result.stderr


def test_daemon_not_running_is_a_clear_message(home: Path) -> None:
    result = skyport(None, "--url", "https://127.0.0.1:9", "jobs", home=home, check=False)
    assert result.returncode == 1
    assert "cannot reach the daemon" in result.stderr and "Traceback" not in result.stderr


def test_missing_home_says_to_run_init(tmp_path: Path) -> None:
    result = skyport(None, "jobs", home=tmp_path / "nowhere", check=False)
    assert result.returncode == 1
    assert "skyport init" in result.stderr


def test_init_creates_a_home_and_is_safe_to_repeat(tmp_path: Path) -> None:
    home = tmp_path / "fresh"
    skyport(None, "init", home=home)
    assert {"ca.pem", "cert.pem", "key.pem", "server.pem", "config.yaml"} <= {p.name for p in home.iterdir()}
    before = (home / "ca.pem").read_bytes()
    assert "nothing changed" in skyport(None, "init", home=home).stdout
    assert (home / "ca.pem").read_bytes() == before


def test_unknown_job_is_a_message(daemon: Daemon) -> None:
    result = skyport(daemon, "show", "00000000-0000-0000-0000-000000000000", check=False)
    assert result.returncode == 1 and "does not exist" in result.stderr


def test_submit_reads_the_script_from_standard_input(daemon: Daemon, tmp_path: Path) -> None:
    (tmp_path / "name.txt").write_text("stdin\n")
    script = "#!/bin/sh\n#SWM input name.txt\necho hello from $(cat name.txt)\n"
    submitted = skyport(daemon, "--json", "submit", "-", "--wait", stdin=script, cwd=tmp_path)
    job_id = json.loads(submitted.stdout)["id"]
    assert skyport(daemon, "logs", job_id).stdout == "hello from stdin\n"


def test_global_options_work_after_the_subcommand_too(daemon: Daemon, tmp_path: Path) -> None:
    script = tmp_path / "job.sh"
    script.write_text("#!/bin/sh\necho hi\n")
    submitted = skyport(None, "submit", str(script), "--json", "--home", str(daemon.home), "--url", daemon.url)
    job_id = json.loads(submitted.stdout)["id"]
    listed = json.loads(skyport(daemon, "jobs", "--json").stdout)
    assert [j["id"] for j in listed] == [job_id]
    status = json.loads(skyport(None, "daemon", "status", "--json", "--home", str(daemon.home)).stdout)
    assert status["running"] is True


def test_a_url_without_scheme_means_https_and_http_is_refused_in_one_line(daemon: Daemon) -> None:
    bare = daemon.url.removeprefix("https://")
    assert skyport(None, "--url", bare, "--json", "jobs", home=daemon.home).stdout.strip() == "[]"
    plain = skyport(None, "jobs", "--url", f"http://{bare}", home=daemon.home, check=False)
    assert plain.returncode == 1
    assert plain.stderr.strip() == f"Error: the daemon speaks only HTTPS (mutual TLS): use https://{bare}"


def test_daemon_on_a_port_in_use_says_so(home: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = skyport(None, "daemon", "--port", str(port), home=home, check=False)
    assert result.returncode == 1
    assert f"port {port} is in use" in result.stderr and "--port" in result.stderr
    assert "Traceback" not in result.stderr
