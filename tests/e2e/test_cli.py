"""The `skyport` command as a user types it, against a real daemon."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from skyport_client import Client
from skyport_client.api.jobs import submit_job

from tests.conftest import Daemon
from tests.e2e.test_jobs import wait_for
from tests.e2e.test_metrics import scrape, total


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
    assert job_id[:8] in listing and "finished" in listing
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


def _submit(daemon: Daemon, tmp_path: Path, name: str, body: str = "sleep 60") -> str:
    script = tmp_path / f"{name}.sh"
    script.write_text(f"#!/bin/sh\n#SWM name {name}\n{body}\n")
    return skyport(daemon, "submit", str(script)).stdout.strip()


def test_jobs_are_named_by_a_unique_start_of_their_id(daemon: Daemon, client: Client, tmp_path: Path) -> None:
    # 17 jobs: two of them share a first character, whatever their random IDs.
    ids = [submit_job.sync(client=client, script_content=b"#!/bin/sh\ntrue\n").decode() for _ in range(17)]
    listing = skyport(daemon, "jobs", "--all").stdout
    for job_id in ids:
        assert job_id[:8] in listing and job_id not in listing
    assert skyport(daemon, "show", ids[0][:8]).stdout.count(ids[0]) == 1
    shown = json.loads(skyport(daemon, "show", ids[1][:9], ids[2], "--json").stdout)
    assert [j["id"] for j in shown] == ids[1:3]
    first = next(c for c in "0123456789abcdef" if sum(i.startswith(c) for i in ids) > 1)
    ambiguous = skyport(daemon, "logs", first, check=False)
    assert ambiguous.returncode == 1 and "several" in ambiguous.stderr
    assert all(i in ambiguous.stderr for i in ids if i.startswith(first))
    unknown = skyport(daemon, "show", "zzzzzzzz", check=False)
    assert unknown.returncode == 1 and "no job or array of yours" in unknown.stderr


def test_cancel_takes_several_jobs_and_filters_and_says_what_it_did(daemon: Daemon, tmp_path: Path) -> None:
    a1, a2, b1, b2 = (_submit(daemon, tmp_path, n) for n in ("a", "a", "b", "b"))
    done = skyport(daemon, "cancel", "--name", "a").stdout.splitlines()
    assert sorted(done) == sorted([f"job {a1} cancelled", f"job {a2} cancelled"])
    assert skyport(daemon, "cancel", b1[:8]).stdout == f"job {b1} cancelled\n"
    assert skyport(daemon, "cancel", "--all").stdout == f"job {b2} cancelled\n"
    assert skyport(daemon, "cancel", "--all").stdout == "no job to cancel\n"
    again = skyport(daemon, "cancel", a1, b1, check=False)
    assert again.returncode == 1 and a1 in again.stderr and b1 in again.stderr
    states = {j["id"]: j["state"] for j in json.loads(skyport(daemon, "jobs", "--json", "--state", "C").stdout)}
    assert states == dict.fromkeys((a1, a2, b1, b2), "C")
    assert a1[:8] in skyport(daemon, "jobs").stdout  # ended in the last 24 hours
    assert skyport(daemon, "jobs", "--since", "0").stdout == "No jobs.\n"
    bad = skyport(daemon, "jobs", "--since", "lately", check=False)
    assert bad.returncode == 2 and "--since" in bad.stderr and "duration" in bad.stderr
    requeued = skyport(daemon, "requeue", a1[:10], a2).stdout
    assert requeued == f"job {a1} requeued\njob {a2} requeued\n"
    skyport(daemon, "cancel", "--all")


def test_cancelling_a_job_and_one_that_depends_on_it_cancels_both(
    daemon: Daemon, client: Client, tmp_path: Path
) -> None:
    """`skyport cancel A B` with B waiting for A: both end cancelled, each says so, the exit status is 0 (B is
    cancelled first; cancelling A first would end B in E, and B could not be cancelled any more)."""
    first = _submit(daemon, tmp_path, "first", body="#SWM time 5m\nsleep 300")
    wait_for(client, first, "R")
    second = _submit(daemon, tmp_path, "second", body=f"#SWM depends {first}\ntrue")
    third = _submit(daemon, tmp_path, "third", body=f"#SWM depends {second}\ntrue")
    done = skyport(daemon, "cancel", first[:8], third[:8], second)
    assert done.stdout.splitlines() == [f"job {third} cancelled", f"job {second} cancelled", f"job {first} cancelled"]
    states = {j["id"]: j["state"] for j in json.loads(skyport(daemon, "jobs", "--json", "--state", "C").stdout)}
    assert states == dict.fromkeys((first, second, third), "C")


def test_jobs_fit_80_columns(daemon: Daemon, client: Client, tmp_path: Path) -> None:
    job_id = _submit(daemon, tmp_path, "a-rather-long-job-name-that-does-not-fit-in-a-narrow-table")
    wait_for(client, job_id, "R")
    # Waits behind the first, with a long reason: the table must narrow its text, not drop columns.
    waiting = _submit(daemon, tmp_path, "second", body=f"#SWM depends {job_id}\n#SWM cpus 2\ntrue")
    result = subprocess.run(
        [sys.executable, "-m", "skyport", "jobs"],
        env={**os.environ, "SKYPORT_HOME": str(daemon.home), "SKYPORT_URL": daemon.url, "COLUMNS": "80"},
        capture_output=True,
        text=True,
        check=True,
    )
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80, result.stdout
    header = next(line for line in lines if "STATE" in line).split()
    assert header == ["ID", "NAME", "STATE", "SUBMITTED", "WHERE", "COST", "DETAILS"], result.stdout
    row = next(line for line in lines if job_id[:8] in line)
    assert "a-rather" in row and "running" in row, result.stdout
    row = next(line for line in lines if waiting[:8] in line)
    assert "second" in row and "queued" in row and "…" in row, result.stdout
    skyport(daemon, "cancel", waiting[:8], job_id[:8])  # the dependent first: cancelling the other ends it in E


def test_submit_wait_prints_the_id_first_then_each_state_as_it_comes(daemon: Daemon, tmp_path: Path) -> None:
    script = tmp_path / "slow.sh"
    script.write_text("#!/bin/sh\nsleep 4\necho done\n")
    env = {**os.environ, "SKYPORT_HOME": str(daemon.home), "SKYPORT_URL": daemon.url}
    with subprocess.Popen(
        [sys.executable, "-m", "skyport", "submit", "--wait", str(script)], env=env, stdout=subprocess.PIPE, text=True
    ) as waiting:
        assert waiting.stdout is not None
        job_id = waiting.stdout.readline().strip()
        assert waiting.poll() is None  # the ID comes through the pipe before the job ends
        rest = waiting.stdout.read().splitlines()
    assert len(job_id) == 36 and waiting.returncode == 0
    assert rest[0].startswith("queued") and any(line.startswith("running") for line in rest)
    assert rest[-1].startswith("finished")


def test_logs_follow_of_a_queued_job_says_it_waits_then_follows(daemon: Daemon, tmp_path: Path) -> None:
    blocker = _submit(daemon, tmp_path, "blocker", "#SWM cpus 2\nsleep 60")
    queued = _submit(daemon, tmp_path, "queued", "echo started")
    early = skyport(daemon, "fetch", queued, "--dest", str(tmp_path / "early"), check=False)
    assert early.returncode == 1 and "is queued, not ended" in early.stderr
    env = {**os.environ, "SKYPORT_HOME": str(daemon.home), "SKYPORT_URL": daemon.url}
    with subprocess.Popen(
        [sys.executable, "-m", "skyport", "logs", "-f", queued[:8]],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as follow:
        assert follow.stderr is not None and follow.stdout is not None
        assert follow.stderr.readline() == f"job {queued} is queued: waiting for it to start\n"
        skyport(daemon, "cancel", blocker)
        assert follow.stdout.read() == "started\n"
    assert follow.returncode == 0


def test_logs_follow_reads_a_quiet_job_s_output_less_often_and_its_end_at_once(
    daemon: Daemon, client: Client, tmp_path: Path
) -> None:
    job_id = _submit(daemon, tmp_path, "quiet", "echo start\nsleep 10\necho end")
    wait_for(client, job_id, "R")
    reads = gate_reads(daemon)
    started = time.monotonic()
    assert skyport(daemon, "logs", "-f", job_id).stdout == "start\nend\n"
    took, made = time.monotonic() - started, gate_reads(daemon) - reads
    assert made <= 7, f"{made:g} reads of the output in {took:.1f} s"  # every 0.5 s: 20, or 11 on a loaded machine


def test_logs_follow_goes_on_across_a_daemon_restart(daemon: Daemon, client: Client, tmp_path: Path) -> None:
    job_id = _submit(daemon, tmp_path, "restarted", "echo before\nsleep 6\necho after")
    wait_for(client, job_id, "R")
    client.close()  # the daemon waits for its clients' connections to close
    env = {**os.environ, "SKYPORT_HOME": str(daemon.home), "SKYPORT_URL": daemon.url}
    command = [sys.executable, "-m", "skyport", "logs", "-f", job_id]
    with subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as follow:
        assert follow.stdout is not None
        assert follow.stdout.readline() == "before\n"
        daemon.stop()
        daemon.start()
        out, err = follow.communicate(timeout=60)
    assert follow.returncode == 0, err
    assert out == "after\n"


def gate_reads(daemon: Daemon) -> float:
    """How many times the daemon has asked a gate for a job's standard output."""
    answer = httpx.get(f"{daemon.url}/metrics", verify=daemon.ssl_context(), timeout=30)
    return total(scrape(answer.text), "skyport_gate_request_seconds_count", operation="job_stdout")


def test_outputs_declared_but_not_produced_are_shown_and_fail_fetch(daemon: Daemon, tmp_path: Path) -> None:
    script = tmp_path / "job.sh"
    script.write_text("#!/bin/sh\n#SWM output made.txt\n#SWM output lost.txt\necho x > made.txt\n")
    job_id = json.loads(skyport(daemon, "submit", "--wait", str(script), "--json").stdout)["id"]
    assert "lost.txt" in next(
        line for line in skyport(daemon, "show", job_id).stdout.splitlines() if "Not produced" in line
    )
    dest = tmp_path / "results"
    fetched = skyport(daemon, "fetch", job_id, "--dest", str(dest), check=False)
    assert fetched.returncode == 1 and "lost.txt" in fetched.stderr and "made.txt" not in fetched.stderr
    assert (dest / "made.txt").read_text() == "x\n"


def test_submit_options_override_the_script_and_sbatch_lines_are_read(daemon: Daemon, tmp_path: Path) -> None:
    script = tmp_path / "from-slurm.sh"
    script.write_text('#!/bin/sh\n#SBATCH -c 2 --partition=gpu\n#SWM time 10m\necho "$GREETING"\n')
    submitted = skyport(daemon, "submit", str(script), "--wait", "--time", "5m", "--env", "GREETING=hello there")
    job_id = submitted.stdout.splitlines()[0]
    job = json.loads(skyport(daemon, "show", job_id, "--json").stdout)
    assert job["name"] == "from-slurm.sh" and job["time_limit"] == 300
    assert {r["name"]: r["count"] for r in job["request"]}["cpus"] == 2
    assert job["ignored_directives"] == ["--partition=gpu"]
    assert skyport(daemon, "logs", job_id).stdout == "hello there\n"
    renamed = skyport(daemon, "submit", str(script), "--cpus", "1", "--name", "mine", "--json").stdout
    job = json.loads(skyport(daemon, "show", json.loads(renamed)["id"], "--json").stdout)
    assert job["name"] == "mine" and {r["name"]: r["count"] for r in job["request"]}["cpus"] == 1
    bad = skyport(daemon, "submit", str(script), "--cpus", "0", check=False)
    assert bad.returncode == 2 and "--cpus" in bad.stderr and "from 1 to 100000" in bad.stderr


def import_times(daemon: Daemon | None, *args: str) -> list[tuple[float, str]]:
    """(cumulative ms, module) of every import of ``skyport ARGS`` by ``python -X importtime``, in its
    order; a module imported by another is indented under it."""
    home, url = (str(daemon.home), daemon.url) if daemon else ("", "")
    env = {**os.environ, "SKYPORT_HOME": home, "SKYPORT_URL": url}
    command = [sys.executable, "-X", "importtime", "-m", "skyport", *args]
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    rows = [line.split("|") for line in result.stderr.splitlines() if line.startswith("import time:")]
    return [(int(cumulative) / 1000, name[1:]) for _, cumulative, name in rows[1:]]


def test_terminal_commands_import_only_what_they_use(daemon: Daemon) -> None:
    """What makes them start fast (tests/bench/test_cli_start.py times them)."""
    version = {name.strip() for _, name in import_times(None, "--version")}
    assert not {name for name in version if name.startswith(("skyport.cli.", "skyport_client", "httpx", "rich"))}
    listing = {name.strip() for _, name in import_times(daemon, "jobs")}
    assert {"skyport.cli.render", "httpx", "rich.table"} <= listing  # (importlib.import_module is not logged)
    unused = ("skyport.core", "skyport.pki", "skyport.jobs", "skyport.codegen", "skyport.cli.conformance")
    unused += ("skyport.cli.daemon", "cryptography", "yaml", "asyncio", "pygments", "rich.progress", "jinja2")
    assert not {name for name in listing if name.startswith(unused)}
