"""The TypeScript client is a real npm package: packed, installed into an empty Node project, used there.

The package is built with the pinned tsc and packed with `npm pack` from a copy of
clients/typescript; an empty project installs the tarball (and undici, for the client
certificate), then plain JavaScript imports it and talks to a real daemon over mutual TLS, and
TypeScript type-checks a program against it with moduleResolution node16 and bundler. npm, tsc and
undici come from the npm registry the first time (tests.conftest.npm_tool caches tsc).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from skyport_client import Client
from skyport_client.api.events import stream_events
from skyport_client.api.jobs import submit_job
from skyport_client.api.tokens import create_token
from skyport_client.models import TokenRequest

from skyport.conformance.terminal import TerminalCore
from tests.conftest import Daemon, npm_tool
from tests.e2e.test_conformance_terminal import report
from tests.e2e.test_events import wait_ended
from tests.packaging.conftest import ROOT, run

pytestmark = pytest.mark.slow  # npm installs and a real daemon

CLIENT = ROOT / "clients/typescript"

PROGRAM_JS = """
import { readFileSync } from "node:fs";
import { Agent } from "undici";
import * as main from "@skyport-hpc/client";
import { Client, getJob, jobStdout, listJobs, streamEvents, submitJob } from "@skyport-hpc/client/terminal";
import * as gate from "@skyport-hpc/client/gate";

const [url, home] = process.argv.slice(2);
const agent = new Agent({
  connect: {
    ca: readFileSync(`${home}/ca.pem`),
    cert: readFileSync(`${home}/cert.pem`),
    key: readFileSync(`${home}/key.pem`),
  },
});
const client = new Client({ baseUrl: url, fetch: (input, init) => fetch(input, { ...init, dispatcher: agent }) });
const script = new Blob(["#!/bin/sh\\necho hello from node\\n"]);
const id = (await (await submitJob(client, { scriptContent: script })).text()).trim();
let job = await getJob(client, { jobId: id });
for (let i = 0; i < 300 && !["F", "E", "C"].includes(job.state); i++) {
  await new Promise((resolve) => setTimeout(resolve, 100));
  job = await getJob(client, { jobId: id });
}
const listed = (await listJobs(client)).map((j) => j.id);
const stdout = await (await jobStdout(client, { jobId: id })).text();
const events = [];
for await (const event of streamEvents(client, { job: id, tail: 10000, follow: false })) events.push(event.state);
console.log(JSON.stringify({
  id, state: job.state, listed, stdout, events,
  sameMain: main.submitJob === submitJob,
  gateClient: typeof gate.Client,
}));
"""

PROGRAM_TOKEN_JS = """
import { readFileSync } from "node:fs";
import { Agent } from "undici";
import { Client, listJobs } from "@skyport-hpc/client/terminal";

const [url, home, token] = process.argv.slice(2);
const agent = new Agent({ connect: { ca: readFileSync(`${home}/ca.pem`) } });  // no client certificate
const withAgent = (input, init) => fetch(input, { ...init, dispatcher: agent });
const client = new Client({ baseUrl: url, token, fetch: withAgent });
console.log(JSON.stringify((await listJobs(client)).map((j) => j.id)));
"""

PROGRAM_FOLLOW_JS = """
import { readFileSync } from "node:fs";
import { Agent } from "undici";
import { Client, streamEvents } from "@skyport-hpc/client/terminal";

const [url, home] = process.argv.slice(2);
const read = (name) => readFileSync(`${home}/${name}.pem`);
const agent = new Agent({ connect: { ca: read("ca"), cert: read("cert"), key: read("key") } });
const client = new Client({ baseUrl: url, fetch: (input, init) => fetch(input, { ...init, dispatcher: agent }) });
let finished = 0;
for await (const event of streamEvents(client, { tail: 0 })) {  // reconnects by itself
  console.log(JSON.stringify({ id: event.id, job: event.job_id, state: event.state }));
  if (event.state === "F" && ++finished === 2) break;
}
"""

PROGRAM_TS = """
import { Client, listJobs, type Job, type JobState } from "@skyport-hpc/client";
import { Client as GateClient } from "@skyport-hpc/client/gate";

const client = new Client({ baseUrl: "https://127.0.0.1:8443" });
const states: JobState[] = ["Q", "R"];
export const jobs: Promise<Job[]> = listJobs(client, { state: states });
export const gate = new GateClient({ baseUrl: "https://127.0.0.1:9443" });
// @ts-expect-error: the types are precise: "X" is no JobState (tsc fails if this line type-checks)
export const wrong: JobState[] = ["X"];
"""


def tsconfig(module: str, resolution: str) -> str:
    options = {
        "target": "ES2022",
        "module": module,
        "moduleResolution": resolution,
        "lib": ["ES2022", "DOM"],
        "types": [],
        "strict": True,
        "noEmit": True,
        "skipLibCheck": False,
    }
    return json.dumps({"compilerOptions": options, "files": ["program.ts"]})


@pytest.fixture(scope="module")
def tsc() -> Path:
    version = json.loads((CLIENT / "package.json").read_text(encoding="utf-8"))["devDependencies"]["typescript"]
    return npm_tool("typescript", version, "tsc")


@pytest.fixture(scope="module")
def consumer(tsc: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty Node project where the packed tarball and undici were installed."""
    source = tmp_path_factory.mktemp("typescript") / "client"
    shutil.copytree(CLIENT, source, ignore=shutil.ignore_patterns("node_modules", "dist"))
    run([tsc, "-p", "tsconfig.build.json"], cwd=source)
    packed = json.loads(run(["npm", "pack", "--ignore-scripts", "--json"], cwd=source))
    tarball = source / packed[0]["filename"]
    project = tmp_path_factory.mktemp("consumer")
    (project / "package.json").write_text(json.dumps({"name": "consumer", "private": True, "type": "module"}))
    run(["npm", "install", "--no-audit", "--no-fund", str(tarball), "undici@6"], cwd=project)
    return project


def test_the_tarball_holds_javascript_and_types_not_typescript_sources(consumer: Path) -> None:
    installed = consumer / "node_modules/@skyport-hpc/client"
    files = sorted(str(p.relative_to(installed)) for p in installed.rglob("*") if p.is_file())
    assert files == [
        "LICENSE",
        "README.md",
        "dist/gate/index.d.ts",
        "dist/gate/index.js",
        "dist/terminal/index.d.ts",
        "dist/terminal/index.js",
        "package.json",
    ]


def test_plain_javascript_imports_it_and_runs_a_job_over_mutual_tls(consumer: Path, daemon: Daemon) -> None:
    (consumer / "program.mjs").write_text(PROGRAM_JS, encoding="utf-8")
    result = json.loads(run(["node", "program.mjs", daemon.url, str(daemon.home)], cwd=consumer))
    assert result["state"] == "F"
    assert result["stdout"] == "hello from node\n"
    assert result["events"][0] == "Q" and result["events"][-3:] == ["R", "T", "F"]
    assert result["id"] in result["listed"]
    assert result["sameMain"] is True and result["gateClient"] == "function"


def test_a_program_on_it_makes_only_valid_requests_to_the_conformance_core(consumer: Path, tmp_path: Path) -> None:
    """The same program against `skyport conformance terminal`'s core: each request checked against the spec."""
    (consumer / "program.mjs").write_text(PROGRAM_JS, encoding="utf-8")
    with TerminalCore(tmp_path, "jobs") as core:
        run = core.run(["node", "program.mjs", core.url, str(core.home)], cwd=consumer)
    assert run.exit_code == 0, run.stderr
    assert json.loads(run.stdout)["state"] == "F"
    assert json.loads(run.stdout)["events"] == ["F"]  # the scenario's one event for the job
    made = report("jobs", [run])
    assert made.called == {"submit_job", "get_job", "list_jobs", "job_stdout", "stream_events"}


def test_a_program_with_an_api_token_and_no_certificate_lists_its_users_jobs(
    consumer: Path, daemon: Daemon, client: Client
) -> None:
    job_id = submit_job.sync(client=client, script_content=b"#!/bin/sh\ntrue\n").decode()
    token = create_token.sync(client=client, body=TokenRequest(name="node")).token
    (consumer / "token.mjs").write_text(PROGRAM_TOKEN_JS, encoding="utf-8")
    assert json.loads(run(["node", "token.mjs", daemon.url, str(daemon.home), token], cwd=consumer)) == [job_id]


def test_its_event_iterator_follows_on_by_itself_across_a_daemon_restart(consumer: Path, daemon: Daemon) -> None:
    """The stream is cut by the daemon stopping; the job the restarted daemon takes while the iterator
    waits to reconnect comes from the store: every event once, in order."""
    (consumer / "follow.mjs").write_text(PROGRAM_FOLLOW_JS, encoding="utf-8")
    command = ["node", "follow.mjs", daemon.url, str(daemon.home)]
    with subprocess.Popen(command, cwd=consumer, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as node:
        time.sleep(2)  # connected
        with Client(daemon.url, ssl_context=daemon.ssl_context()) as client:
            first = submit_job.sync(client=client, script_content=b"#!/bin/sh\ntrue\n").decode()
            wait_ended(client, first)
        daemon.stop()
        daemon.start()
        with Client(daemon.url, ssl_context=daemon.ssl_context()) as client:
            second = submit_job.sync(client=client, script_content=b"#!/bin/sh\ntrue\n").decode()
            try:
                out, err = node.communicate(timeout=60)
            finally:
                node.kill()
            stored = list(stream_events.sync(client=client, after=0, follow=False))
    assert node.returncode == 0, err
    followed = [json.loads(line) for line in out.splitlines()]
    assert [e["id"] for e in followed] == [e.id for e in stored]  # none missed, none twice
    assert {e["job"] for e in followed} == {first, second} and followed[-1]["state"] == "F"


@pytest.mark.parametrize(("module", "resolution"), [("node16", "node16"), ("esnext", "bundler")])
def test_typescript_type_checks_against_it(consumer: Path, tsc: Path, module: str, resolution: str) -> None:
    (consumer / "program.ts").write_text(PROGRAM_TS, encoding="utf-8")
    (consumer / "tsconfig.json").write_text(tsconfig(module, resolution), encoding="utf-8")
    checked = subprocess.run([str(tsc), "-p", str(consumer)], cwd=consumer, capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stdout + checked.stderr
