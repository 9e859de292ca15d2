"""Real terminals against the terminal conformance core (skyport.conformance.terminal).

Each test runs terminals against one conformance core over mutual TLS (or with its API token): our
CLI (every subcommand), a program on the generated Python client, curl with the token, and Sky
Port's own swmclient and swmconsole from PyPI. Every request must be valid for
spec/core-terminal.yaml and every answer the core gave must be too; what a terminal does not call
is printed (`pytest -s` shows it), not failed. The TypeScript client's run is in
tests/packaging/test_npm_package.py, where the package is built.

The other terminals run as their users run them, as separate processes. Our CLI's many commands
run in this process through click's test runner (:func:`cli_run`): the same commands, parsing,
client and error handling, without a Python start and the CLI's imports per command (about 1.5 s
each); `skyport conformance terminal -- skyport jobs` runs it as a process too.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
import time
import traceback
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from skyport.cli import cli
from skyport.conformance.scenarios import stable_id
from skyport.conformance.terminal import SWM_CA, SWM_PORT, Report, Run, TerminalCore, operation_ids
from tests.conftest import NPM_CACHE, docs_block
from tests.debian import bubblewrap, installed

SKYPORT = [sys.executable, "-m", "skyport"]
RUNNING, ENDED, QUEUED = stable_id("job-R"), stable_id("job-F"), stable_id("job-Q")
SWMCONSOLE = "0.1.4"


def report(scenario: str, runs: list[Run]) -> Report:
    """The report of ``runs``, printed, after the checks every terminal must pass."""
    made = Report(scenario, tuple(runs), operation_ids())
    print("\n".join(made.lines()))
    assert not made.invalid, "\n".join(made.lines())
    assert not made.as_dict()["answer_problems"], "the scenario answered outside the spec"
    return made


def cli_run(core: TerminalCore, args: list[str]) -> Run:
    """``skyport ARGS`` against ``core``, run in this process with the environment ``core.run`` gives.

    An exception the CLI let through is in ``stderr`` as the traceback a user would have seen.
    """
    env = core.environment()
    first = len(core.exchanges)
    start = time.monotonic()
    wanted = {name: env.get(name) for name in ("SKYPORT_URL", "SKYPORT_HOME", "SKYPORT_TOKEN")}
    result = CliRunner().invoke(cli, args, env=wanted, prog_name="skyport")
    stderr = result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        stderr += "".join(traceback.format_exception(result.exception))
    seconds = time.monotonic() - start
    return Run(("skyport", *args), result.exit_code, result.stdout, stderr, seconds, tuple(core.exchanges[first:]))


@pytest.fixture
def core(tmp_path: Path) -> Iterator[TerminalCore]:
    with TerminalCore(tmp_path, "jobs") as served:
        yield served


@pytest.fixture
def failing_core(tmp_path: Path) -> Iterator[TerminalCore]:
    with TerminalCore(tmp_path, "errors") as served:
        yield served


def test_every_subcommand_of_our_cli_makes_valid_requests(core: TerminalCore, tmp_path: Path) -> None:
    script = tmp_path / "job.sh"
    script.write_text("#!/bin/sh\n#SWM name conformance\necho hi\n", encoding="utf-8")
    commands = [
        ["jobs"],
        ["jobs", "--all"],
        ["show", RUNNING, ENDED],
        ["logs", ENDED],
        ["logs", "--stderr", ENDED],
        ["fetch", ENDED, "--dest", str(tmp_path / "out")],
        ["cancel", RUNNING],
        ["requeue", ENDED],
        ["submit", str(script)],
        ["submit", "--dry-run", str(script)],
        ["timetable"],
        ["nodes"],
        ["remotes"],
        ["flavors"],
        ["images"],
        ["account", "list"],
        ["account", "add", "chemistry", "--member", "tester"],
        ["account", "set", "chemistry", "--member", "bob", "--budget", "50/month"],
        ["account", "remove", "chemistry"],
        ["budget", "list"],
        ["budget", "set", "account", "physics", "20/day"],
        ["usage"],
        ["usage", "--by", "account"],
        ["token", "list"],
        ["token", "create", "--name", "ci"],
        ["token", "revoke", "laptop"],
        ["events"],
        ["events", "--job", ENDED],
        ["ui", "--no-open"],
    ]
    runs = [cli_run(core, command) for command in commands]
    for run in runs:
        assert run.exit_code == 0, f"{run.command}: {run.stderr}"
    made = report("jobs", runs)
    # Prometheus reads the metrics, not the CLI: every other operation of the spec is called.
    assert made.not_called == ["get_metrics"]


def test_our_cli_reports_each_error_answer_in_one_line_and_exits_1(failing_core: TerminalCore) -> None:
    """The errors scenario answers every operation with a problem; the CLI says its detail, no traceback."""
    commands = [
        ["jobs"],
        ["images"],
        ["flavors"],
        ["usage"],
        ["account", "add", "x"],
        ["budget", "set", "user", "x", "1/day"],
    ]
    runs = [cli_run(failing_core, command) for command in commands]
    made = report("errors", runs)
    handled = made.errors()
    assert len(handled) == len(commands)
    for error in handled:
        assert (error.exit_code, error.shown, error.traceback) == (1, True, False), error


PYTHON_CLIENT = """
import os
from skyport_client import ApiError, Client
from skyport_client.api.jobs import get_job, job_stdout, list_jobs, submit_job
from skyport_client.api.flavors import list_flavors
from skyport_client.tls import context_from_home

client = Client(os.environ["SKYPORT_URL"], ssl_context=context_from_home(os.environ["SKYPORT_HOME"]))
with client:
    job_id = submit_job.sync(client=client, script_content=b"#!/bin/sh\\necho hi\\n").decode()
    assert get_job.sync(client=client, job_id=job_id).state.value == "F"
    print(job_stdout.sync(client=client, job_id=job_id).decode(), end="")
    print(len(list_jobs.sync(client=client)), [f.name for f in list_flavors.sync(client=client)])
    try:
        get_job.sync(client=client, job_id="00000000-0000-4000-8000-000000000000")
    except ApiError as error:
        print("refused:", error.status_code, error.detail)
"""


def test_a_program_on_the_generated_python_client_makes_valid_requests(core: TerminalCore, tmp_path: Path) -> None:
    program = tmp_path / "program.py"
    program.write_text(PYTHON_CLIENT, encoding="utf-8")
    run = core.run([sys.executable, str(program)])
    assert run.exit_code == 0, run.stderr
    assert "hello from" in run.stdout and "refused: 404" in run.stdout
    made = report("jobs", [run])
    assert made.called == {"submit_job", "get_job", "job_stdout", "list_jobs", "list_flavors"}


SWMCLIENT = """
import io, os
from swmclient.api import SwmApi

api = SwmApi(os.environ["SKYPORT_URL"], "~/.swm/key.pem", "~/.swm/cert.pem", %(ca)r)
job_id = api.submit_job(io.BytesIO(b"#!/bin/sh\\necho hi\\n")).payload.read().decode()
print(api.get_job(job_id).state, len(api.get_jobs()))
print(api.get_job_stdout(job_id).payload.read().decode(), end="")
print(api.cancel_job(%(running)r), api.requeue_job(%(ended)r))
print([f.name for f in api.get_flavors()], [r.name for r in api.get_remote_sites()])
print([n.name for n in api.get_nodes()], [i.name for i in api.get_images()])
"""


def no_sky_port_here() -> None:
    """The core with Sky Port's certificate locations writes its CA file, then removes it: not over a real one."""
    if SWM_CA.exists():
        pytest.skip(f"{SWM_CA} exists: a Sky Port installation is on this machine")


@pytest.mark.xdist_group("swm-ca")
def test_sky_port_s_swmclient_makes_valid_requests(tmp_path: Path) -> None:
    program = tmp_path / "swm.py"
    program.write_text(SWMCLIENT % {"running": RUNNING, "ended": ENDED, "ca": str(SWM_CA)}, encoding="utf-8")
    no_sky_port_here()
    with TerminalCore(tmp_path, "jobs", sky_port=True) as sky_port_core:
        run = sky_port_core.run([sys.executable, str(program)], cwd=tmp_path)
    assert run.exit_code == 0, run.stderr
    assert "hello from" in run.stdout
    made = report("jobs", [run])
    assert {"submit_job", "get_job", "list_jobs", "cancel_job", "modify_job", "list_nodes"} <= made.called


@pytest.fixture(scope="module")
def swmconsole() -> Path:
    """swmconsole from PyPI in a virtual environment of its own, made once into the tests' cache."""
    prefix = NPM_CACHE.parent / "pip" / f"swmconsole-{SWMCONSOLE}"
    if not (prefix / "bin" / "swmconsole").exists():
        subprocess.run([sys.executable, "-m", "venv", str(prefix)], check=True)
        pip = [str(prefix / "bin" / "python"), "-m", "pip", "install", "-q", f"swmconsole=={SWMCONSOLE}"]
        subprocess.run(pip, check=True, capture_output=True)
    return prefix / "bin" / "swmconsole"


@pytest.mark.xdist_group("swm-ca")
def test_sky_port_s_swmconsole_makes_valid_requests(swmconsole: Path, tmp_path: Path) -> None:
    """swmconsole always calls https://FQDN:8443, so `skyport conformance terminal --sky-port --port 8443`
    runs in a network namespace of its own (bubblewrap --unshare-net, as root; the tests run as root),
    where port 8443 is free whatever listens on this machine's: the test never skips for the port.
    There the host is named localhost and /etc/hosts names only localhost, so the FQDN swmconsole and
    the core's certificate compute is localhost, on the namespace's loopback. One shell runs every
    swmconsole command against the one core and stops at the first that fails."""
    no_sky_port_here()
    script = tmp_path / "job.sh"
    script.write_text("#!/bin/sh\n#SWM name console\necho hi\n", encoding="utf-8")
    options = ["--job-list", "--remote-list", "--node-list", "--flavor-list", "--image-list"]
    options += [f"--job-info {ENDED}", f"--job-cancel {RUNNING}", f"--job-requeue {ENDED}", f"--job-submit {script}"]
    commands = "set -e\n" + "".join(f"{swmconsole} {option}\n" for option in options)
    hosts = tmp_path / "hosts"
    hosts.write_text("127.0.0.1 localhost\n", encoding="utf-8")
    namespace = [bubblewrap(), "--dev-bind", "/", "/", "--unshare-net", "--unshare-uts", "--hostname", "localhost"]
    namespace += ["--ro-bind", str(hosts), "/etc/hosts", "--"]
    kit = [*SKYPORT, "--json", "conformance", "terminal", "--sky-port", "--port", str(SWM_PORT), "--timeout", "120"]
    argv = [*namespace, *kit, "--", "sh", "-c", commands]
    done = subprocess.run(argv, check=False, capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    answer = json.loads(done.stdout)
    (run,) = answer["runs"]
    assert run["exit_code"] == 0, run["stderr"]
    assert not answer["answer_problems"], "the scenario answered outside the spec"
    print("swmconsole does not call:", ", ".join(answer["not_called"]))
    called = {op["operation"] for op in answer["operations"] if op["calls"]}
    wanted = {"list_jobs", "list_remotes", "list_nodes", "list_flavors", "list_images", "get_job", "submit_job"}
    assert wanted | {"cancel_job", "modify_job"} <= called


def test_the_command_exits_1_naming_an_invalid_request_with_the_validator_s_words(tmp_path: Path) -> None:
    """A terminal that sends a state the spec does not have: the report quotes openapi-core, exit 1.
    It sends the API token `--token` gives it (SKYPORT_TOKEN), not a certificate."""
    bad = textwrap.dedent("""
        import os, httpx
        from skyport_client.tls import context_for_token
        verify = context_for_token(os.environ["SKYPORT_HOME"])
        token = {"Authorization": "Bearer " + os.environ["SKYPORT_TOKEN"]}
        print(httpx.get(os.environ["SKYPORT_URL"] + "/user/job?state=X", headers=token, verify=verify).status_code)
    """)
    command = [*SKYPORT, "--json", "conformance", "terminal", "--token", "--", sys.executable, "-c", bad]
    done = subprocess.run(command, check=False, capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    answer = json.loads(done.stdout)
    assert answer["valid"] is False
    (invalid,) = answer["invalid_requests"]
    assert invalid["operation"] == "list_jobs" and "'X' is not one of" in invalid["problems"][0]
    assert answer["runs"][0]["exit_code"] == 0  # the terminal printed the 400 it got
    assert answer["credentials"] == {"bearer": 1} and answer["passed"] is False
    assert answer["summary"].startswith("FAILED: 1 of 1 requests invalid; 1 of ")


MY_TERMINAL = """#!/bin/sh
case "$1" in
    list-jobs) exec %(python)s -m skyport jobs ;;
    show) exec %(python)s -m skyport show "$2" ;;
esac
exit 2
"""


def test_the_ci_example_of_the_docs_runs_as_written_and_ends_with_the_verdict(tmp_path: Path) -> None:
    """docs/conformance.md's CI lines, in bash as GitHub Actions runs a step (-e, pipefail), but the pip
    install (Skyport is installed here), with `my-terminal` a script that runs our CLI as a process."""
    lines = docs_block("conformance.md", "pip install 'skyport-hpc[conformance]' .")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "my-terminal").write_text(MY_TERMINAL % {"python": sys.executable}, encoding="utf-8")
    (bin_dir / "my-terminal").chmod(0o755)
    (bin_dir / "skyport").symlink_to(Path(sys.executable).parent / "skyport")
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}
    step = ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", "\n".join(lines[1:])]
    done = subprocess.run(step, check=False, capture_output=True, text=True, timeout=300, cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    report_text = (tmp_path / "conformance.txt").read_text(encoding="utf-8")
    assert "`my-terminal list-jobs` exited 0" in report_text
    assert re.search(r"^list_jobs +1 +0  200$", report_text, re.MULTILINE)
    assert re.search(r"^submit_job +- +not called$", report_text, re.MULTILINE)
    verdict = done.stdout.strip().splitlines()[-1]
    assert re.fullmatch(
        r"PASSED: 1 requests, every one valid; 1 of \d+ operations called \(Skyport terminal API \d+\.\d+\.\d+, "
        r"scenario jobs\)",
        verdict,
    ), verdict
    errors = json.loads((tmp_path / "errors.json").read_text(encoding="utf-8"))
    assert errors["passed"] is True and errors["scenario"] == "errors"
    assert errors["errors"] and all((e["exit_code"], e["shown"]) == (1, True) for e in errors["errors"])


def test_a_request_outside_the_spec_is_invalid_and_a_hung_terminal_is_killed(core: TerminalCore) -> None:
    installed("curl", "curl")
    home = '"$SKYPORT_HOME"'
    stray = f'curl -s --cacert {home}/ca.pem --cert {home}/cert.pem --key {home}/key.pem "$SKYPORT_URL/user/nope"'
    hung = core.run(["sh", "-c", f"{stray}; exec sleep 30"], timeout=2)
    assert hung.exit_code is None
    made = Report("jobs", (hung,), operation_ids())
    (request,) = made.invalid
    assert (request.operation, request.status) == ("", 404)
    assert "Path not found" in request.problems[0]
    assert "was killed at the timeout" in made.lines()[0]


CURL = """
set -e
ca="$SKYPORT_HOME/ca.pem"
curl -sSf --cacert "$ca" -H "Authorization: Bearer $SKYPORT_TOKEN" "$SKYPORT_URL/user/job?state=R"
curl -sSf --cacert "$ca" -u "anyone:$SKYPORT_TOKEN" "$SKYPORT_URL/user/flavor"
"""


def test_curl_with_only_the_api_token_is_checked_as_bearer_and_basic(tmp_path: Path) -> None:
    """With the token in SKYPORT_TOKEN (`--token`) the core takes it as the daemon does: as a bearer
    token or as basic auth's password, without a client certificate."""
    installed("curl", "curl")
    with TerminalCore(tmp_path, "jobs", token=True) as core:
        run = core.run(["sh", "-c", CURL])
    assert run.exit_code == 0, run.stderr
    assert RUNNING in run.stdout and '"small"' in run.stdout
    made = report("jobs", [run])
    assert made.credentials() == {"basic": 1, "bearer": 1}
    assert [(e.operation, e.status) for e in made.exchanges] == [("list_jobs", 200), ("list_flavors", 200)]


def test_our_cli_with_a_token_is_refused_tokens_and_login_codes_as_by_the_daemon(tmp_path: Path) -> None:
    """SKYPORT_TOKEN: every request of our CLI carries the token, and what only a certificate may do
    (a token, a dashboard login code) is the daemon's 403, which the CLI reports in one line."""
    with TerminalCore(tmp_path, "jobs", token=True) as core:
        runs = [cli_run(core, command) for command in (["jobs"], ["token", "create"], ["ui", "--no-open"])]
    made = report("jobs", runs)
    assert made.credentials() == {"bearer": len(made.exchanges)}
    assert runs[0].exit_code == 0 and RUNNING[:8] in runs[0].stdout
    for error in made.errors():
        assert (error.status, error.exit_code, error.shown, error.traceback) == (403, 1, True, False), error
    assert [e.operation for e in made.errors()] == ["create_token", "create_login_code"]


def test_a_request_with_neither_certificate_nor_the_token_is_refused_and_invalid(tmp_path: Path) -> None:
    """No credentials, or a token that is not the core's: the daemon's 401 with its challenge, and the
    report counts the request invalid, in the daemon's words."""
    installed("curl", "curl")
    script = """
        curl -s --cacert "$SKYPORT_HOME/ca.pem" -o /dev/null -D - "$SKYPORT_URL/user/job"
        curl -s --cacert "$SKYPORT_HOME/ca.pem" -H "Authorization: Bearer skyport_x" "$SKYPORT_URL/user/job"
    """
    with TerminalCore(tmp_path, "jobs", token=True) as core:
        run = core.run(["sh", "-c", script])
    assert 'www-authenticate: Bearer realm="skyport", Basic realm="skyport"' in run.stdout
    made = Report("jobs", (run,), operation_ids())
    assert [(e.operation, e.status) for e in made.invalid] == [("list_jobs", 401), ("list_jobs", 401)]
    assert "neither a client certificate nor a token" in made.invalid[0].problems[0]
    assert "not the conformance core's" in made.invalid[1].problems[0]
    assert made.credentials() == {"refused": 2}
