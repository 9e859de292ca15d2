"""The TypeScript clients type-check with ``tsc --noEmit`` under strict settings.

TypeScript is installed with npm into a cache folder shared by test runs (the registry must be
reachable the first time).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from skyport.codegen.generate import ROOT
from tests.conftest import npm_tool

CLIENT = ROOT / "clients" / "typescript"


@pytest.fixture(scope="module")
def tsc() -> Path:
    """The tsc of the TypeScript version clients/typescript/package.json pins, installed once."""
    version = json.loads((CLIENT / "package.json").read_text(encoding="utf-8"))["devDependencies"]["typescript"]
    return npm_tool("typescript", version, "tsc")


def test_typescript_clients_type_check(tsc: Path) -> None:
    result = subprocess.run([str(tsc), "--noEmit", "-p", str(CLIENT)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_tsc_rejects_a_call_with_a_wrong_state(tsc: Path, tmp_path: Path) -> None:
    """The types are precise enough to catch a wrong enum value at compile time."""
    misuse = tmp_path / "misuse.ts"
    terminal = (CLIENT / "src" / "terminal" / "index.ts").as_posix()
    misuse.write_text(
        f'import {{ Client, listJobs }} from "{terminal}";\n'
        'export const jobs = listJobs(new Client({ baseUrl: "https://localhost" }), { state: ["X"] });\n',
        encoding="utf-8",
    )
    options = ["--noEmit", "--strict", "--target", "ES2022", "--module", "ES2022", "--lib", "ES2022,DOM"]
    result = subprocess.run(
        [str(tsc), *options, "--allowImportingTsExtensions", str(misuse)], capture_output=True, text=True, check=False
    )
    assert result.returncode != 0
    assert "JobState" in result.stdout


STREAM_JS = r"""
import { Client, streamEvents, ApiError } from "./index.js";

const text = "retry: 2000\n\n: keep-alive\n\nid: 6\r\ndata: {\"id\": 6, \"kind\": \"submitted\",\r\n" +
  "data: \"state\": \"Q\", \"reason\": \"queued\"}\r\n\r\nevent: other\nunknown: field\n\n" +
  "id: 7\ndata: {\"id\": 7, \"kind\": \"state\", \"state\": \"R\", \"reason\": \"running\"}\n\n" +
  "event: end\ndata: {}\n\n";
const bytes = new TextEncoder().encode(text);
const asked = [];
function answer(url, init) {
  asked.push({ url: String(url), lastEventId: init.headers["Last-Event-ID"] ?? null });
  if (String(url).includes("all_users=true")) {
    return new Response(JSON.stringify({ status: 403, title: "Forbidden", detail: "owner only" }), { status: 403 });
  }
  let at = 0;
  const sizes = [1, 2, 3, 5];
  const body = new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      const size = sizes[at % sizes.length];
      controller.enqueue(bytes.slice(at, at + size));
      at += size;
    },
  });
  return Promise.resolve(new Response(body, { status: 200, headers: { "content-type": "text/event-stream" } }));
}
const client = new Client({ baseUrl: "http://core", fetch: answer });
const events = [];
for await (const event of streamEvents(client, { job: "j1", lastEventId: "5" })) events.push([event.id, event.state]);
let refused = null;
try {
  for await (const _ of streamEvents(client, { allUsers: true })) refused = "went on";
} catch (error) {
  refused = error instanceof ApiError ? [error.status, error.detail] : String(error);
}
console.log(JSON.stringify({ events, asked, refused }));
"""


def test_the_typescript_async_generator_reads_events_split_anywhere_across_chunks(tsc: Path, tmp_path: Path) -> None:
    """Compiled with tsc and run by Node with a ``fetch`` double: the byte boundaries of a real server's
    chunks cannot be chosen (tests/packaging/test_npm_package.py reads a real daemon's stream)."""
    terminal = CLIENT / "src" / "terminal" / "index.ts"
    options = ["--strict", "--target", "ES2022", "--module", "ES2022", "--lib", "ES2022,DOM", "--outDir", str(tmp_path)]
    compiled = subprocess.run([str(tsc), *options, str(terminal)], capture_output=True, text=True, check=False)
    assert compiled.returncode == 0, compiled.stdout + compiled.stderr
    (tmp_path / "package.json").write_text('{"type": "module"}', encoding="utf-8")
    (tmp_path / "stream.mjs").write_text(STREAM_JS, encoding="utf-8")
    ran = subprocess.run(["node", "stream.mjs"], cwd=tmp_path, capture_output=True, text=True, check=False, timeout=60)
    assert ran.returncode == 0, ran.stderr
    result = json.loads(ran.stdout)
    assert result["events"] == [[6, "Q"], [7, "R"]]
    assert result["asked"][0] == {"url": "http://core/user/events?job=j1", "lastEventId": "5"}
    assert result["refused"] == [403, "owner only"]
