"""Accounts and budgets as values: who may charge an account, and how much may be spent per period.

Periods are in UTC: a day from midnight, a week from Monday, a month from the 1st, ``total`` for
ever. A job's cost counts in the period it ended in; a running job's cost so far counts in the
current period (docs/budgets.md).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import math
import re

ACCOUNT = "account"
USER = "user"
HOLDERS = (ACCOUNT, USER)
MAX_AMOUNT = 1e12  # the largest budget or ceiling accepted, in the sites' currency


class Period(enum.StrEnum):
    """How often a budget starts again."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    TOTAL = "total"

    def start(self, now: float) -> float:
        """When the period holding ``now`` started (0 for ``total``)."""
        if self is Period.TOTAL:
            return 0.0
        day = dt.datetime.fromtimestamp(now, dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        if self is Period.WEEK:
            day -= dt.timedelta(days=day.weekday())
        elif self is Period.MONTH:
            day = day.replace(day=1)
        return day.timestamp()

    def next_start(self, now: float) -> float:
        """When the next period starts (infinity for ``total``)."""
        if self is Period.TOTAL:
            return math.inf
        start = dt.datetime.fromtimestamp(self.start(now), dt.UTC)
        if self is Period.DAY:
            return (start + dt.timedelta(days=1)).timestamp()
        if self is Period.WEEK:
            return (start + dt.timedelta(days=7)).timestamp()
        return (
            start.replace(year=start.year + 1, month=1) if start.month == 12 else start.replace(month=start.month + 1)
        ).timestamp()

    @property
    def words(self) -> str:
        """``this month``, ``in total``: how a reason names the period."""
        return "in total" if self is Period.TOTAL else f"this {self.value}"


@dataclasses.dataclass(frozen=True)
class Budget:
    """At most ``amount`` spent per ``period`` by an account's or a user's jobs."""

    holder: str  # ACCOUNT or USER
    name: str
    period: Period
    amount: float

    @property
    def label(self) -> str:
        """``account physics``, ``user alice``."""
        return f"{self.holder} {self.name}"


@dataclasses.dataclass(frozen=True)
class Account:
    """An account jobs are charged to, the users who may charge it, and its default ceiling per job."""

    name: str
    members: tuple[str, ...] = ()
    job_ceiling: float | None = None  # price per hour for a job that gives no #SWM max-price
    created_at: float = 0.0

    def admits(self, user: str) -> bool:
        return user in self.members


_BUDGET = re.compile(r"^\$?([0-9]+(?:\.[0-9]+)?)/(day|week|month|total)$")


def parse_budget(text: str) -> tuple[Period, float]:
    """``500/month`` -> (month, 500.0); ValueError naming the form otherwise."""
    match = _BUDGET.fullmatch(text.strip())
    if match is None:
        raise ValueError(
            f"a budget is AMOUNT/PERIOD with PERIOD one of day, week, month, total (e.g. 500/month), got {text!r}"
        )
    amount = float(match[1])
    if amount > MAX_AMOUNT:
        raise ValueError(f"a budget is at most {MAX_AMOUNT:.0f}, got {text!r}")
    return Period(match[2]), amount


def money(amount: float) -> str:
    """``$3.20``, ``$0.0042``: an amount as reasons show it, cents unless it is less than one."""
    return f"${amount:.2f}" if amount >= 0.01 or amount == 0 else f"${amount:.2g}"


def day_text(when: float) -> str:
    """``1 Dec``, ``1 Jan 2027``: the day a period starts, with the year when it is not this year's."""
    day = dt.datetime.fromtimestamp(when, dt.UTC)
    this_year = dt.datetime.now(dt.UTC).year
    return f"{day.day} {day:%b}" + ("" if day.year == this_year else f" {day.year}")
