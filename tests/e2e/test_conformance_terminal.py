"""Real terminals against the terminal conformance core (skyport.conformance.terminal).

Each test runs terminals as their users do, as separate processes, against one conformance core
over mutual TLS: our CLI (every subcommand), a program on the generated Python client, and Sky
Port's own swmclient and swmconsole from PyPI. Every request must be valid for
spec/core-terminal.yaml and every answer the core gave must be too; what a terminal does not call
is printed (`pytest -s` shows it), not failed. The TypeScript client's run is in
tests/packaging/test_npm_package.py, where the package is built.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from skyport.conformance.scenarios import stable_id
from skyport.conformance.terminal import SWM_CA, SWM_PORT, Report, Run, TerminalCore, operation_ids
from skyport.errors import Conflict
from tests.conftest import NPM_CACHE

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
    ]
    runs = [core.run([*SKYPORT, *command]) for command in commands]
    for run in runs:
        assert run.exit_code == 0, f"{run.command}: {run.stderr}"
    made = report("jobs", runs)
    assert "list_jobs" in made.called and "submit_job" in made.called and "set_budget" in made.called


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
    runs = [failing_core.run([*SKYPORT, *command]) for command in commands]
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


@pytest.fixture
def sky_port_core(tmp_path: Path) -> Iterator[TerminalCore]:
    """The core with Sky Port's certificate locations (its CA file is written, then removed)."""
    if SWM_CA.exists():
        pytest.skip(f"{SWM_CA} exists: a Sky Port installation is on this machine")
    try:
        with TerminalCore(tmp_path, "jobs", port=SWM_PORT, sky_port=True) as served:
            yield served
    except Conflict as exc:
        pytest.skip(f"swmconsole always uses port {SWM_PORT}: {exc.detail}")


@pytest.mark.xdist_group("swm-ca")
def test_sky_port_s_swmclient_makes_valid_requests(sky_port_core: TerminalCore, tmp_path: Path) -> None:
    program = tmp_path / "swm.py"
    program.write_text(SWMCLIENT % {"running": RUNNING, "ended": ENDED, "ca": str(SWM_CA)}, encoding="utf-8")
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
def test_sky_port_s_swmconsole_makes_valid_requests(
    sky_port_core: TerminalCore, swmconsole: Path, tmp_path: Path
) -> None:
    options = ["--job-list", "--remote-list", "--node-list", "--flavor-list", "--image-list"]
    commands = [[str(swmconsole), option] for option in options]
    commands += [[str(swmconsole), "--job-info", ENDED], [str(swmconsole), "--job-cancel", RUNNING]]
    commands.append([str(swmconsole), "--job-requeue", ENDED])
    script = tmp_path / "job.sh"
    script.write_text("#!/bin/sh\n#SWM name console\necho hi\n", encoding="utf-8")
    commands.append([str(swmconsole), "--job-submit", str(script)])
    runs = [sky_port_core.run(command) for command in commands]
    for run in runs:
        assert run.exit_code == 0, f"{run.command}: {run.stderr}"
    made = report("jobs", runs)
    wanted = {"list_jobs", "list_remotes", "list_nodes", "list_flavors", "list_images", "get_job", "submit_job"}
    assert wanted <= made.called


def test_the_command_exits_1_naming_an_invalid_request_with_the_validator_s_words(tmp_path: Path) -> None:
    """A terminal that sends a state the spec does not have: the report quotes openapi-core, exit 1."""
    bad = textwrap.dedent("""
        import os, httpx
        from skyport_client.tls import context_from_home
        verify = context_from_home(os.environ["SKYPORT_HOME"])
        print(httpx.get(os.environ["SKYPORT_URL"] + "/user/job?state=X", verify=verify).status_code)
    """)
    command = [*SKYPORT, "--json", "conformance", "terminal", "--", sys.executable, "-c", bad]
    done = subprocess.run(command, check=False, capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    answer = json.loads(done.stdout)
    assert answer["valid"] is False
    (invalid,) = answer["invalid_requests"]
    assert invalid["operation"] == "list_jobs" and "'X' is not one of" in invalid["problems"][0]
    assert answer["runs"][0]["exit_code"] == 0  # the terminal printed the 400 it got


def test_the_command_passes_our_cli_and_lists_what_it_did_not_call(tmp_path: Path) -> None:
    command = [*SKYPORT, "conformance", "terminal", "--", *SKYPORT, "jobs"]
    done = subprocess.run(command, check=False, capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "exited 0" in done.stdout and "every request was valid" in done.stdout
    assert re.search(r"^list_jobs +1 +0  200$", done.stdout, re.MULTILINE)
    assert re.search(r"^submit_job +- +not called$", done.stdout, re.MULTILINE)


def test_a_request_outside_the_spec_is_invalid_and_a_hung_terminal_is_killed(core: TerminalCore) -> None:
    stray = "import os, httpx; from skyport_client.tls import context_from_home as c; "
    stray += "httpx.get(os.environ['SKYPORT_URL'] + '/user/nope', verify=c(os.environ['SKYPORT_HOME']))"
    hung = core.run([sys.executable, "-c", stray + "; import time; time.sleep(30)"], timeout=3)
    assert hung.exit_code is None
    made = Report("jobs", (hung,), operation_ids())
    (request,) = made.invalid
    assert (request.operation, request.status) == ("", 404)
    assert "Path not found" in request.problems[0]
    assert "was killed at the timeout" in made.lines()[0]
