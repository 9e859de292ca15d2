"""Submit latency with an API token against a user certificate, through one real daemon over TLS,
and the daemon's own check of each, in one process.

Run with numbers: ``.venv/bin/pytest tests/bench/test_tokens.py --benchmark-enable``. Without
``--benchmark-enable`` (the default test run) each benchmark runs once, as a smoke test. The two
kinds of submit alternate on their own keep-alive connections, so load on the machine hits both.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from pathlib import Path

from pytest_benchmark.fixture import BenchmarkFixture
from skyport_client import Client
from skyport_client.api.jobs import submit_job
from skyport_client.api.tokens import create_token
from skyport_client.models import TokenRequest
from skyport_client.tls import context_for_token

from skyport import pki
from skyport.core.auth import Authenticator, Sessions, Tokens
from skyport.store import Store
from tests.conftest import Daemon

TRUE = b"#!/bin/sh\ntrue\n"
ROUNDS = 100


def _seconds(client: Client) -> float:
    start = time.perf_counter()
    submit_job.sync(client=client, script_content=TRUE)
    return time.perf_counter() - start


def test_submit_with_a_token_against_one_with_a_certificate(
    benchmark: BenchmarkFixture, daemon: Daemon, client: Client
) -> None:
    """Median submit latency with a token; ``extra_info`` has the ratio to a certificate's, interleaved."""
    token = create_token.sync(client=client, body=TokenRequest(name="bench")).token
    with Client(daemon.url, ssl_context=context_for_token(daemon.home), token=token) as robot:
        for warm in (client, robot):
            _seconds(warm)
        rounds = ROUNDS if benchmark.enabled else 1
        pairs = []
        for round_ in range(rounds):  # each goes first in half the rounds: the loop's wake-up hits both alike
            if round_ % 2:
                by_token = _seconds(robot)
                pairs.append((_seconds(client), by_token))
            else:
                pairs.append((_seconds(client), _seconds(robot)))
        benchmark.pedantic(lambda: submit_job.sync(client=robot, script_content=TRUE), rounds=rounds)
    certificate = statistics.median(pair[0] for pair in pairs)
    with_token = statistics.median(pair[1] for pair in pairs)
    benchmark.extra_info["certificate_median_ms"] = round(certificate * 1000, 3)
    benchmark.extra_info["token_median_ms"] = round(with_token * 1000, 3)
    benchmark.extra_info["token_to_certificate_ratio"] = round(with_token / certificate, 3)


def test_the_check_of_a_known_token_against_that_of_a_certificate(benchmark: BenchmarkFixture, home: Path) -> None:
    """The daemon's check of a request with a token it has seen; ``extra_info`` has the medians of it and
    of the check of a certificate, interleaved, in microseconds."""
    store = Store(f"sqlite:///{home / 'skyport.db'}")
    auth = Authenticator(home, Tokens(store), Sessions())
    certificate = {"extensions": {"tls": {"skyport_identity": pki.identity(home / pki.CLIENT_CERT)}}}
    anonymous: dict[str, object] = {}
    loop = asyncio.new_event_loop()

    async def interleaved(bearer: dict[bytes, bytes]) -> tuple[list[float], list[float]]:
        assert (await auth.caller(anonymous, bearer)).name == "alice"  # now known to the daemon
        by_certificate, by_token = [], []
        for _ in range(2000 if benchmark.enabled else 1):
            start = time.perf_counter()
            await auth.caller(certificate, {})
            middle = time.perf_counter()
            await auth.caller(anonymous, bearer)
            by_certificate.append(middle - start)
            by_token.append(time.perf_counter() - middle)
        return by_certificate, by_token

    try:
        secret, _ = loop.run_until_complete(auth.tokens.create("alice", "bench", 3600))
        bearer = {b"authorization": f"Bearer {secret}".encode()}
        by_certificate, by_token = loop.run_until_complete(interleaved(bearer))
        benchmark(lambda: loop.run_until_complete(auth.caller(anonymous, bearer)))
    finally:
        loop.close()
        store.close()
    benchmark.extra_info["certificate_median_us"] = round(statistics.median(by_certificate) * 1e6, 2)
    benchmark.extra_info["token_median_us"] = round(statistics.median(by_token) * 1e6, 2)
