"""The terminal conformance core: a stand-in daemon that checks every request a terminal makes.

Only ``skyport conformance terminal`` imports this module (openapi-core takes a second to import).

:class:`TerminalCore` serves spec/core-terminal.yaml over HTTPS with mutual TLS on loopback, from a
home of its own (a fresh CA, server certificate and user certificate). A request proves itself as
a request to the daemon does: with that user certificate, or without one with the core's API token
(``Authorization: Bearer TOKEN``, or the token as basic auth's password); a request with neither is
refused as the daemon refuses it (401) and counted invalid. Each request is matched to its
operation, checked against the spec by openapi-core, answered from a scenario
(:mod:`skyport.conformance.scenarios`) and recorded; an invalid request is answered 400 with the
validator's message. Each answer is checked against the spec too, so a scenario cannot teach a
terminal a wrong shape. :meth:`TerminalCore.run` runs a terminal command with the environment a
terminal expects, and :class:`Report` says per operation what the terminal did.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import os
import re
import secrets
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Mapping, MutableMapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import uvicorn
from skyport_gate_sdk.imports import imported_without
from skyport_gate_sdk.serve import server_config
from skyport_gate_sdk.tls import ClientCertProtocol, peer_of
from werkzeug.datastructures import ImmutableMultiDict

# As in skyport_gate_sdk.apps: jsonschema without rfc3987_syntax, whose import compiles Lark grammars
# for IRI formats the spec does not use (2 to 7 s of every `skyport conformance terminal`).
with imported_without("rfc3987_syntax"):
    from openapi_core import Config, OpenAPI
    from openapi_core.testing import MockRequest, MockResponse

from skyport import pki, specs
from skyport.conformance.scenarios import PROBLEM_JSON, SCENARIOS, Answer, Call, Jobs, problem
from skyport.core.auth import CHALLENGE, PREFIX, token_in
from skyport.errors import Conflict, Forbidden, SkyportError, Unauthorized
from skyport.pki import ON_BEHALF_OF, Door

MAX_BODY = 64 * 1024 * 1024  # a request body the core reads at most; a larger one is answered 413
USER = "tester"  # the user the core's certificate names
# Where Sky Port's own terminals look (swmclient's SwmApi as swmconsole calls it): ~/.swm/ for the
# user's key and certificate, and this file for the CA.
SWM_CA = Path("/opt/swm/spool/secure/cluster/ca-chain-cert.pem")
SWM_PORT = 8443

Scope = MutableMapping[str, Any]


@dataclasses.dataclass(frozen=True)
class Exchange:
    """One request the terminal made and what the core answered."""

    operation: str  # its operationId; empty when no operation of the spec has its method and path
    method: str
    target: str  # path and query
    status: int
    problems: tuple[str, ...]  # the validator's messages; empty when the request is valid
    detail: str  # the problem's detail of an error answer
    answer_problems: tuple[str, ...] = ()  # where the core's own answer broke the spec (a scenario bug)
    credentials: str = ""  # how it proved itself: certificate, bearer or basic (the token); empty: refused


@dataclasses.dataclass(frozen=True)
class Run:
    """A terminal command run against the core, and the requests it made."""

    command: tuple[str, ...]
    exit_code: int | None  # None: it did not end within the timeout and was killed
    stdout: str
    stderr: str
    seconds: float
    exchanges: tuple[Exchange, ...]


@dataclasses.dataclass(frozen=True)
class _Operation:
    id: str
    method: str
    pattern: re.Pattern[str]


def _operations(document: Mapping[str, Any]) -> list[_Operation]:
    found = []
    for template, item in document["paths"].items():
        regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template))
        for method, operation in item.items():
            if isinstance(operation, dict) and "operationId" in operation:
                found.append(_Operation(operation["operationId"], method.upper(), re.compile(f"^{regex}$")))
    return found


def _messages(errors: Sequence[Exception]) -> tuple[str, ...]:
    """The validator's errors as lines: its message, and the schema's reasons under it."""
    lines = []
    for error in errors:
        reasons = [getattr(e, "message", str(e)) for e in getattr(error.__cause__, "schema_errors", None) or ()]
        lines.append(f"{error}: {'; '.join(reasons)}" if reasons else str(error))
    return tuple(lines)


EVENT_STREAM = "text/event-stream"
_CHALLENGES = ", ".join(value.decode() for _, value in CHALLENGE)  # the daemon's, in one header


def _events(body: bytes) -> list[dict[str, Any]]:
    """The events of a Server-Sent Events body, each as the spec's schema for one describes it:
    its ``id``, ``event`` and ``data`` (strings) and ``retry`` (an integer) fields; comments skipped."""
    events = []
    for block in body.decode("utf-8").split("\n\n"):
        fields: dict[str, Any] = {}
        for line in block.splitlines():
            name, _, value = line.partition(":")
            if name in ("id", "event", "data", "retry"):
                value = value.removeprefix(" ")
                fields[name] = fields[name] + "\n" + value if name == "data" and name in fields else value
        if "retry" in fields and fields["retry"].isdigit():
            fields["retry"] = int(fields["retry"])
        if fields:
            events.append(fields)
    return events


class TerminalCore:
    """The conformance core, served in a thread while the ``with`` block runs."""

    def __init__(
        self, folder: Path, scenario: str = "jobs", *, port: int = 0, sky_port: bool = False, token: bool = False
    ) -> None:
        if scenario not in SCENARIOS:
            raise ValueError(f"unknown scenario {scenario!r}; choose one of {', '.join(SCENARIOS)}")
        self.folder = folder
        self.home = folder / "home"
        self.scenario: Jobs = SCENARIOS[scenario](USER)
        self.sky_port = sky_port
        self.give_token = token
        self.token = PREFIX + secrets.token_urlsafe(32)  # the API token of USER the core accepts
        pki.init_authority(self.home, USER)
        self.door = Door(self.home, pki.USER)
        if sky_port:  # swmconsole asks for https://<this host's FQDN>:8443
            pki.issue_server(self.home, [socket.getfqdn()])
        document = specs.load("core-terminal")
        document.pop("security", None)  # who calls is the TLS layer's: a certificate of the core's CA
        self.operations = _operations(document)
        # openapi-core reads application/json; problem+json is JSON too, and an event stream's answer is
        # checked one event at a time (see _answer_problems), each handed over as JSON.
        # The spec itself is not validated again here (0.7 s): connexion does on every daemon start.
        config = Config(
            spec_validator_cls=None,
            extra_media_type_deserializers={PROBLEM_JSON: json.loads, EVENT_STREAM: json.loads},
        )
        self.openapi = OpenAPI.from_dict(document, config=config)
        self.exchanges: list[Exchange] = []
        self.lock = threading.Lock()
        self.socket = socket.socket()
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            self.socket.bind(("127.0.0.1", port))
        except OSError as exc:
            self.socket.close()
            raise Conflict(f"port {port} on 127.0.0.1 is taken ({exc.strerror}): stop what listens there") from None
        self.port: int = self.socket.getsockname()[1]
        self.url = f"https://127.0.0.1:{self.port}"
        self._written_ca: Path | None = None

    # Serving

    def __enter__(self) -> TerminalCore:
        if self.sky_port:
            self._place_sky_port_files()
        # A client may come without a certificate and with the API token, as to the daemon.
        config = server_config(
            self, self.home, "127.0.0.1", self.port, protocol=ClientCertProtocol, client_cert=ssl.CERT_OPTIONAL
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.socket]}, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the conformance core did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        self.socket.close()
        if self._written_ca is not None:
            self._written_ca.unlink(missing_ok=True)

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            chunk = message.get("body", b"")
            size += len(chunk)
            if size <= MAX_BODY:
                chunks.append(chunk)
            more = message.get("more_body", False)
        headers = {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in scope["headers"]}
        if size > MAX_BODY:
            answer = problem(
                413, "Request too large", f"the body is {size} bytes; the conformance core reads {MAX_BODY}"
            )
            exchange = Exchange("", scope["method"], scope["path"], 413, (), answer.detail)
        else:
            query = scope["query_string"].decode("latin-1")
            asked = b"".join(chunks)
            answer, exchange = self.exchange(scope["method"], scope["path"], query, headers, asked, peer=peer_of(scope))
        with self.lock:
            self.exchanges.append(exchange)
        body = answer.encoded()
        head = [(b"content-type", answer.content_type.encode()), (b"content-length", str(len(body)).encode())]
        head += [(name.encode(), value.encode()) for name, value in answer.headers.items()]
        await send({"type": "http.response.start", "status": answer.status, "headers": head})
        await send({"type": "http.response.body", "body": body})

    def credentials(self, peer: pki.Identity | None, headers: Mapping[str, str]) -> str:
        """How a request proves itself: ``certificate``, ``bearer`` or ``basic``; raises Unauthorized or
        Forbidden as the daemon does (skyport.core.auth.Authenticator)."""
        named = headers.get(ON_BEHALF_OF)
        if peer is not None:
            self.door.admit(peer, named)
            return "certificate"
        authorization = headers.get("authorization")
        if authorization is None:
            raise Unauthorized(
                "the request has neither a client certificate nor a token: present the user certificate of "
                "SKYPORT_HOME, or the API token (`--token` puts it in SKYPORT_TOKEN) as `Authorization: Bearer "
                "TOKEN` or as the password of HTTP basic auth"
            )
        if not secrets.compare_digest(token_in(authorization.encode("latin-1")), self.token):
            raise Unauthorized("the token is not the conformance core's (SKYPORT_TOKEN with `--token`)")
        if named not in (None, USER):
            raise Forbidden(f"a token of {USER} acts only for {USER}, not {named}")
        return authorization.split(" ", 1)[0].lower()

    def exchange(
        self,
        method: str,
        path: str,
        query: str,
        headers: Mapping[str, str],
        body: bytes,
        *,
        peer: pki.Identity | None = None,
    ) -> tuple[Answer, Exchange]:
        """Check one request, answer it from the scenario, and check the answer."""
        target = f"{path}?{query}" if query else path
        pairs = parse_qsl(query, keep_blank_values=True)
        content_type = headers.get("content-type", "application/json")
        request = MockRequest(
            self.url,
            method.lower(),
            path,
            args=ImmutableMultiDict(pairs),
            headers=dict(headers),
            data=body or None,
            content_type=content_type,
        )
        problems = _messages(list(self.openapi.iter_request_errors(request)))
        try:
            credentials, refusal = self.credentials(peer, headers), None
        except SkyportError as exc:
            credentials, refusal = "", exc
        found = next(((op, m) for op in self.operations if op.method == method and (m := op.pattern.match(path))), None)
        if refusal is not None:
            answer = problem(refusal.status, refusal.title, refusal.detail)
            if isinstance(refusal, Unauthorized):
                answer = dataclasses.replace(answer, headers={"www-authenticate": _CHALLENGES})
            problems += (f"{refusal.title}: {refusal.detail}",)
            operation_id = found[0].id if found else ""
            return answer, Exchange(operation_id, method, target, answer.status, problems, answer.detail)
        if found is None:
            answer = problem(404, "Not found", f"no operation of the terminal API is {method} {path}")
            return answer, Exchange("", method, target, 404, problems, answer.detail, credentials=credentials)
        operation, match = found
        if problems:
            answer = problem(400, "Bad request", f"{operation.id}: {problems[0]}")
        else:
            query_values: dict[str, list[str]] = {}
            for name, value in pairs:
                query_values.setdefault(name, []).append(value)
            call = Call(operation.id, match.groupdict(), query_values, headers, body, credentials != "certificate")
            try:
                answer = self.scenario.answer(call)
            except Exception as exc:  # a scenario bug: answered, and reported as an answer outside the spec
                answer = problem(500, "Internal error", f"the scenario failed on {operation.id}: {exc!r}")
        answer_problems = self._answer_problems(request, answer)
        if answer.status == 500:
            answer_problems += (answer.detail,)
        exchange = Exchange(operation.id, method, target, answer.status, problems, answer.detail, answer_problems)
        return answer, dataclasses.replace(exchange, credentials=credentials)

    def _answer_problems(self, request: MockRequest, answer: Answer) -> tuple[str, ...]:
        """What the validator finds wrong with ``answer``; an event stream's events one by one."""
        if answer.status == 200 and answer.content_type == EVENT_STREAM:
            bodies = [json.dumps(event).encode() for event in _events(answer.encoded())]
        else:
            bodies = [answer.encoded()]
        problems: tuple[str, ...] = ()
        for body in bodies:
            response = MockResponse(body, answer.status, headers=dict(answer.headers), content_type=answer.content_type)
            problems += _messages(list(self.openapi.iter_response_errors(request, response)))
        return problems

    # The terminal under test

    def _place_sky_port_files(self) -> None:
        swm = self.folder / "swm-home" / ".swm"
        swm.mkdir(parents=True, mode=0o700)
        shutil.copyfile(self.home / pki.CLIENT_CERT, swm / "cert.pem")
        shutil.copyfile(self.home / pki.CLIENT_KEY, swm / "key.pem")
        ca = (self.home / pki.CA_CERT).read_bytes()
        if SWM_CA.exists() and SWM_CA.read_bytes() != ca:
            raise Conflict(f"{SWM_CA} exists (a Sky Port installation?); --sky-port would replace it: leave it out")
        SWM_CA.parent.mkdir(parents=True, exist_ok=True)
        SWM_CA.write_bytes(ca)
        self._written_ca = SWM_CA

    def environment(self) -> dict[str, str]:
        """What a terminal under test gets: this environment, with the core's URL and home.

        With ``token``, SKYPORT_TOKEN is the core's API token. With ``sky_port``, HOME is a folder
        holding ``.swm/cert.pem`` and ``.swm/key.pem``, where Sky Port's terminals look.
        """
        env = {**os.environ, "SKYPORT_URL": self.url, "SKYPORT_HOME": str(self.home)}
        env.pop("SKYPORT_TOKEN", None)  # the user's own token is not for the core
        if self.give_token:
            env["SKYPORT_TOKEN"] = self.token
        if self.sky_port:
            env["HOME"] = str(self.folder / "swm-home")
        return env

    def run(self, command: Sequence[str], *, timeout: float = 60.0, cwd: Path | None = None) -> Run:
        """Run ``command`` against the core; what it printed, how it ended and the requests it made."""
        with self.lock:
            first = len(self.exchanges)
        start = time.monotonic()
        try:
            done = subprocess.run(
                list(command),
                env=self.environment(),
                cwd=cwd or self.folder,
                capture_output=True,
                text=True,
                timeout=timeout,
                stdin=subprocess.DEVNULL,
                check=False,
            )
            exit_code: int | None = done.returncode
            stdout, stderr = done.stdout, done.stderr
        except subprocess.TimeoutExpired as exc:
            exit_code = None
            stdout, stderr = _text(exc.stdout), _text(exc.stderr)
        seconds = time.monotonic() - start
        with self.lock:  # an exchange is recorded before its answer is sent
            made = tuple(self.exchanges[first:])
        return Run(tuple(command), exit_code, stdout, stderr, seconds, made)


def _text(data: bytes | str | None) -> str:
    if isinstance(data, bytes):
        return data.decode(errors="replace")
    return data or ""


@dataclasses.dataclass(frozen=True)
class ErrorHandling:
    """How a terminal took an error answer: its exit code and whether it showed the problem's detail."""

    operation: str
    status: int
    detail: str
    exit_code: int | None
    shown: bool  # the detail (or its first 40 characters) is in what the terminal printed
    traceback: bool  # it printed a Python traceback
    message: str  # the last line it printed on stderr (else stdout)


@dataclasses.dataclass(frozen=True)
class Report:
    """Every operation of the spec for one or more runs: called or not, valid or not, errors handled how."""

    scenario: str
    runs: tuple[Run, ...]
    operations: tuple[str, ...]  # every operationId of the spec, in its order

    @property
    def exchanges(self) -> list[Exchange]:
        return [e for run in self.runs for e in run.exchanges]

    @property
    def invalid(self) -> list[Exchange]:
        return [e for e in self.exchanges if e.problems]

    @property
    def passed(self) -> bool:
        """The terminal made requests, and every one was valid."""
        return bool(self.exchanges) and not self.invalid

    def summary(self) -> str:
        """The verdict in one line, for a README or a badge."""
        made = len(self.exchanges)
        if not made:
            verdict = "FAILED: the command made no request"
        elif self.invalid:
            verdict = f"FAILED: {len(self.invalid)} of {made} requests invalid"
        else:
            verdict = f"PASSED: {made} requests, every one valid"
        called = f"{len(self.called)} of {len(self.operations)} operations called"
        return f"{verdict}; {called} (Skyport terminal API {api_version()}, scenario {self.scenario})"

    @property
    def called(self) -> set[str]:
        return {e.operation for e in self.exchanges if e.operation}

    @property
    def not_called(self) -> list[str]:
        return [op for op in self.operations if op not in self.called]

    def credentials(self) -> dict[str, int]:
        """How many requests proved themselves each way (certificate, bearer, basic; "refused")."""
        counts: dict[str, int] = {}
        for e in self.exchanges:
            counts[e.credentials or "refused"] = counts.get(e.credentials or "refused", 0) + 1
        return dict(sorted(counts.items()))

    def errors(self) -> list[ErrorHandling]:
        handled = []
        for run in self.runs:
            output = run.stdout + run.stderr
            last = (run.stderr.strip() or run.stdout.strip()).splitlines()[-1:] or [""]
            for e in run.exchanges:
                if e.status >= 400 and not e.problems:
                    shown = bool(e.detail) and (e.detail in output or e.detail[:40] in output)
                    traceback = "Traceback (most recent call last)" in output
                    handled.append(
                        ErrorHandling(e.operation, e.status, e.detail, run.exit_code, shown, traceback, last[0])
                    )
        return handled

    def as_dict(self) -> dict[str, Any]:
        counts = {op: [e for e in self.exchanges if e.operation == op] for op in self.operations}
        return {
            "summary": self.summary(),
            "passed": self.passed,
            "api_version": api_version(),
            "scenario": self.scenario,
            "valid": not self.invalid,
            "runs": [
                {
                    "command": list(r.command),
                    "exit_code": r.exit_code,
                    "seconds": round(r.seconds, 3),
                    "stderr": r.stderr,
                }
                for r in self.runs
            ],
            "operations": [
                {
                    "operation": op,
                    "calls": len(calls),
                    "invalid": [p for e in calls for p in e.problems],
                    "statuses": sorted({e.status for e in calls}),
                }
                for op, calls in counts.items()
            ],
            "not_called": self.not_called,
            "credentials": self.credentials(),
            "invalid_requests": [
                {"operation": e.operation, "method": e.method, "target": e.target, "problems": list(e.problems)}
                for e in self.invalid
            ],
            "errors": [dataclasses.asdict(h) for h in self.errors()],
            "answer_problems": [p for e in self.exchanges for p in e.answer_problems],
        }

    def lines(self) -> list[str]:
        """The report as text for a person."""
        out = []
        for run in self.runs:
            ended = f"exited {run.exit_code}" if run.exit_code is not None else "was killed at the timeout"
            out.append(f"`{' '.join(run.command)}` {ended} after {run.seconds:.1f} s (scenario {self.scenario})")
        out += ["", f"{'operation':<20} {'calls':>5} {'invalid':>7}  answered"]
        for op in self.operations:
            calls = [e for e in self.exchanges if e.operation == op]
            if not calls:
                out.append(f"{op:<20} {'-':>5} {'':>7}  not called")
                continue
            invalid = sum(1 for e in calls if e.problems)
            statuses = " ".join(str(s) for s in sorted({e.status for e in calls}))
            out.append(f"{op:<20} {len(calls):>5} {invalid:>7}  {statuses}")
        stray = [e for e in self.exchanges if not e.operation]
        for e in stray:
            out.append(f"{'(not in the spec)':<20} {1:>5} {1:>7}  {e.method} {e.target}")
        if self.exchanges:
            out += ["", "credentials: " + ", ".join(f"{how} {n}" for how, n in self.credentials().items())]
        handled = self.errors()
        if handled:
            out += ["", "Error answers and what the terminal did:"]
            for h in handled:
                how = "killed at the timeout" if h.exit_code is None else f"exit {h.exit_code}"
                shown = "showed the detail" if h.shown else "did not show the detail"
                crash = ", printed a traceback" if h.traceback else ""
                out.append(f"  {h.operation} {h.status} {h.detail!r}: {how}, {shown}{crash}; said {h.message!r}")
        if self.invalid:
            out += ["", "Invalid requests (the validator's words):"]
            for e in self.invalid:
                out.append(f"  {e.method} {e.target} ({e.operation or 'no such operation'}):")
                out += [f"    {p}" for p in e.problems]
        out += ["", self.summary()]
        return out


@functools.cache
def api_version() -> str:
    """The version of spec/core-terminal.yaml (its ``info.version``)."""
    return str(specs.load("core-terminal")["info"]["version"])


def operation_ids() -> tuple[str, ...]:
    """Every operationId of spec/core-terminal.yaml, in its order."""
    return tuple(op.id for op in _operations(specs.load("core-terminal")))
