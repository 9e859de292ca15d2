"""Budget periods start and end where a user expects, in UTC; budgets read as AMOUNT/PERIOD."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from skyport.accounting.budgets import Period, parse_budget


def _at(text: str) -> float:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC).timestamp()


@pytest.mark.parametrize(
    ("period", "now", "start", "next_start"),
    [
        (Period.DAY, "2026-11-30T21:17:00", "2026-11-30T00:00:00", "2026-12-01T00:00:00"),
        (Period.WEEK, "2026-11-29T23:59:59", "2026-11-23T00:00:00", "2026-11-30T00:00:00"),  # a Sunday
        (Period.WEEK, "2026-11-30T00:00:00", "2026-11-30T00:00:00", "2026-12-07T00:00:00"),  # a Monday
        (Period.MONTH, "2026-11-30T21:17:00", "2026-11-01T00:00:00", "2026-12-01T00:00:00"),
        (Period.MONTH, "2026-12-31T23:00:00", "2026-12-01T00:00:00", "2027-01-01T00:00:00"),
    ],
)
def test_a_period_starts_and_ends_at_utc_boundaries(period: Period, now: str, start: str, next_start: str) -> None:
    assert period.start(_at(now)) == _at(start)
    assert period.next_start(_at(now)) == _at(next_start)


def test_a_total_budget_never_starts_again() -> None:
    assert Period.TOTAL.start(_at("2026-11-30T00:00:00")) == 0.0
    assert Period.TOTAL.next_start(_at("2026-11-30T00:00:00")) == math.inf


def test_budgets_read_as_amount_per_period() -> None:
    assert parse_budget("500/month") == (Period.MONTH, 500.0)
    assert parse_budget("$1.50/day") == (Period.DAY, 1.5)
    for bad in ("500", "500/year", "-1/day", "1e400/day", "nan/day"):
        with pytest.raises(ValueError, match=r"AMOUNT/PERIOD|at most"):
            parse_budget(bad)
