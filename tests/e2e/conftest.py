"""Fixtures of the end-to-end tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from skyport_client import Client

from tests.conftest import Daemon


@pytest.fixture
def client(daemon: Daemon) -> Iterator[Client]:
    """The generated client of the running daemon, over mutual TLS as alice."""
    with Client(daemon.url, ssl_context=daemon.ssl_context()) as client:
        yield client
