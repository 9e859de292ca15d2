"""The dashboard's login codes and sessions (skyport.core.auth.Sessions) as time passes.

The clock is the module's ``time.time``, moved by the test: waiting out 60 s or 12 h for real is what
the e2e tests cannot do.
"""

from __future__ import annotations

import asyncio
import time

import pytest

from skyport.core import auth
from skyport.errors import Unauthorized
from skyport.jobs import events


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(auth.time, "time", clock)
    return clock


def test_a_code_opens_one_session_of_its_user_once(clock: Clock) -> None:
    sessions = auth.Sessions()
    code, expires = sessions.code("alice")
    assert expires == clock.now + auth.CODE_LIFETIME
    secret, session = sessions.exchange(code)
    assert sessions.check(secret).user == session.user == "alice"
    with pytest.raises(Unauthorized, match="used already or expired"):
        sessions.exchange(code)


def test_an_expired_code_is_refused(clock: Clock) -> None:
    sessions = auth.Sessions()
    code, _ = sessions.code("alice")
    clock.now += auth.CODE_LIFETIME
    with pytest.raises(Unauthorized, match="run `skyport ui` again"):
        sessions.exchange(code)


def test_a_session_ends_12_hours_after_the_login_however_used(clock: Clock) -> None:
    sessions = auth.Sessions()
    secret, _ = sessions.exchange(sessions.code("alice")[0])
    clock.now += sessions.lifetime - 1
    assert sessions.check(secret).user == "alice"
    clock.now += 1
    with pytest.raises(Unauthorized, match="expired"):
        sessions.check(secret)
    with pytest.raises(Unauthorized):
        sessions.check("never-issued")


def test_a_session_lasts_the_lifetime_the_daemon_is_configured_with(clock: Clock) -> None:
    sessions = auth.Sessions(lifetime=3.0)
    secret, session = sessions.exchange(sessions.code("alice")[0])
    assert session.expires_at == clock.now + 3.0
    clock.now += 3.0
    with pytest.raises(Unauthorized, match="expired"):
        sessions.check(secret)


def test_a_following_feed_ends_when_its_credentials_expire() -> None:
    """A stream that a token, a session or a certificate opened ends at its expiry; without one it
    would send heartbeats for ever."""

    async def stored(last: int) -> list[events.JobEvent]:
        return []

    async def follow() -> list[events.JobEvent | None]:
        hub = events.EventHub(max_streams=1)
        stream = hub.open("alice", "alice")
        expires = time.time() + 0.3
        feed = events.Feed(hub, user="alice", stream=stream, stored=stored, start=0, follow=True, expires=expires)
        return [found async for found in feed.events(heartbeat=0.1)]

    sent = asyncio.run(asyncio.wait_for(follow(), 5))
    assert sent and all(found is None for found in sent)  # heartbeats only, then the end
