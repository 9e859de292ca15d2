"""``skyport account``, ``budget`` and ``usage``: who pays, how much may be spent, what was spent."""

from __future__ import annotations

import csv
import datetime as dt
import sys
from typing import Any

import click
from skyport_client import Client
from skyport_client.api.accounts import (
    add_account,
    change_account,
    list_accounts,
    list_budgets,
    remove_account,
    set_budget,
)
from skyport_client.api.usage import list_usage, usage_totals
from skyport_client.models import (
    Account,
    AccountChange,
    BudgetAmount,
    Period,
    SetBudgetHolder,
    UsageTotalsBy,
    UsageTotalsSplit,
)

from skyport.accounting.budgets import parse_budget
from skyport.cli import render
from skyport.cli.context import Context
from skyport.jobs.script import duration

_MOST = 10000  # the most jobs one list_usage request gives
_USAGE_COLUMNS = (
    "id",
    "name",
    "user",
    "account",
    "state",
    "site",
    "flavor",
    "nodes",
    "submit_time",
    "start_time",
    "end_time",
    "elapsed",
    "cpu_time",
    "max_rss",
    "cost",
)
_TOTAL_COLUMNS = ("key", "jobs", "elapsed", "cpu_time", "cost", "idle_cost")


def _budgets(values: tuple[str, ...]) -> list[tuple[str, float]]:
    try:
        return [(period.value, amount) for period, amount in map(parse_budget, values)]
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--budget") from None


def _set_budgets(client: Client, holder: str, name: str, budgets: list[tuple[str, float]]) -> None:
    for period, amount in budgets:
        set_budget.sync(
            client=client,
            holder=SetBudgetHolder(holder),
            name=name,
            period=Period(period),
            body=BudgetAmount(amount=amount),
        )


def _show_accounts(obj: Context, client: Client, names: set[str] | None = None) -> None:
    accounts = [a.to_dict() for a in list_accounts.sync(client=client) if names is None or a.name in names]
    budgets = [b.to_dict() for b in list_budgets.sync(client=client)]
    if obj.as_json:
        for account in accounts:
            account["budgets"] = [b for b in budgets if b["holder"] == "account" and b["name"] == account["name"]]
        return render.as_json(accounts)
    rows = []
    for account in accounts:
        mine = [b for b in budgets if b["holder"] == "account" and b["name"] == account["name"]]
        rows.append(
            (
                account["name"],
                ", ".join(account.get("members") or []),
                render.money(account.get("job_ceiling")),
                "; ".join(_budget_text(b) for b in mine),
            )
        )
    render.table("Accounts", ("NAME", "MEMBERS", "JOB CEILING/H", "BUDGETS (SPENT OF AMOUNT)"), rows)


def _budget_text(budget: dict[str, Any]) -> str:
    return f"{render.money(budget['spent'])} of {render.money(budget['amount'])}/{budget['period']}"


@click.group()
def account() -> None:
    """Accounts jobs are charged to (`#SWM account NAME`, `submit --account`); the daemon's owner manages them."""


@account.command("add")
@click.argument("name")
@click.option("--member", "members", multiple=True, help="A user who may charge the account (repeatable).")
@click.option("--job-ceiling", type=float, help="Price ceiling per hour for its jobs that give no #SWM max-price.")
@click.option("--budget", "budgets", multiple=True, metavar="AMOUNT/PERIOD", help="e.g. 500/month (repeatable).")
@click.pass_obj
def add(obj: Context, name: str, members: tuple[str, ...], job_ceiling: float | None, budgets: tuple[str, ...]) -> None:
    """Add the account NAME."""
    wanted = _budgets(budgets)
    with obj.client() as client:
        add_account.sync(client=client, body=Account(name=name, members=list(members), job_ceiling=job_ceiling))
        _set_budgets(client, "account", name, wanted)
        _show_accounts(obj, client, {name})


@account.command("set")
@click.argument("name")
@click.option("--member", "members", multiple=True, help="A user who may charge it from now on (repeatable).")
@click.option("--remove-member", "removed", multiple=True, help="A user who may no longer charge it (repeatable).")
@click.option("--job-ceiling", type=float, help="Price ceiling per hour for its jobs that give none; 0 removes it.")
@click.option("--budget", "budgets", multiple=True, metavar="AMOUNT/PERIOD", help="e.g. 500/month; 0/month removes it.")
@click.pass_obj
def set_(
    obj: Context,
    /,
    *,
    name: str,
    members: tuple[str, ...],
    removed: tuple[str, ...],
    job_ceiling: float | None,
    budgets: tuple[str, ...],
) -> None:
    """Change the account NAME: members, default ceiling per job, budgets."""
    wanted = _budgets(budgets)
    change = AccountChange(add_members=list(members), remove_members=list(removed), job_ceiling=job_ceiling)
    with obj.client() as client:
        change_account.sync(client=client, name=name, body=change)
        _set_budgets(client, "account", name, wanted)
        _show_accounts(obj, client, {name})


@account.command("list")
@click.pass_obj
def list_(obj: Context) -> None:
    """List the accounts you may charge (the daemon's owner: all), with their budgets."""
    with obj.client() as client:
        _show_accounts(obj, client)


@account.command("remove")
@click.argument("name")
@click.pass_obj
def remove(obj: Context, name: str) -> None:
    """Remove the account NAME and its budgets; jobs charged to it keep its name."""
    with obj.client() as client:
        removed = remove_account.sync(client=client, name=name)
    if obj.as_json:
        return render.as_json(removed.to_dict())
    click.echo(f"account {removed.name} removed")


@click.group()
def budget() -> None:
    """Budgets in money per day, week, month or in total, of accounts and users."""


@budget.command("list")
@click.pass_obj
def budget_list(obj: Context) -> None:
    """List the budgets that concern you (the daemon's owner: all) and what was spent of them."""
    with obj.client() as client:
        budgets = [b.to_dict() for b in list_budgets.sync(client=client)]
    render.listing(
        budgets,
        obj.as_json,
        "Budgets",
        ("OF", "PERIOD", "AMOUNT", "SPENT", "LEFT", "RESETS"),
        lambda b: (
            f"{b['holder']} {b['name']}",
            b["period"],
            render.money(b["amount"]),
            render.money(b["spent"]),
            render.money(b["left"]),
            render.when(b.get("resets_at")),
        ),
    )


@budget.command("set")
@click.argument("holder", type=click.Choice(["account", "user"]))
@click.argument("name")
@click.argument("amounts", nargs=-1, required=True, metavar="AMOUNT/PERIOD...")
@click.pass_obj
def budget_set(obj: Context, holder: str, name: str, amounts: tuple[str, ...]) -> None:
    """Set the budgets of an account or a user, e.g. `skyport budget set user alice 20/day`; 0/day removes one."""
    wanted = _budgets(amounts)
    with obj.client() as client:
        _set_budgets(client, holder, name, wanted)
    click.echo(f"budgets of {holder} {name} set: {', '.join(amounts)}")


def _moment(text: str, option: str) -> str:
    """A date (2026-11-01, UTC), a date and time, or a duration ago (30d, 12h), as the API takes it."""
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        try:
            moment = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=duration([text]))
        except ValueError:
            raise click.BadParameter(
                f"expects a date (2026-11-01), a time (2026-11-01T12:00) or a duration ago (30d), got {text!r}",
                param_hint=option,
            ) from None
    return (moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)).isoformat()


def _records(client: Client, **query: Any) -> list[dict[str, Any]]:
    """Every ended job of the query, page after page."""
    records: list[dict[str, Any]] = []
    before = None
    while True:
        page = list_usage.sync(client=client, limit=_MOST, before=before, **query)
        records += [r.to_dict() for r in page]
        if len(page) < _MOST:
            return records
        before = records[-1]["id"]


@click.command()
@click.option(
    "--since",
    help="Jobs that ended at or after: a date, a date and time, or a duration ago (30d).  "
    "[default: the 1st of this month, UTC]",
)
@click.option("--until", help="Jobs that ended before this.  [default: now]")
@click.option(
    "--user", "users", multiple=True, help="Jobs of this user (repeatable; others than you: the daemon's owner only)."
)
@click.option("--account", help="Jobs charged to this account.")
@click.option(
    "--by", type=click.Choice(["user", "account", "site", "day"]), help="Totals per user, account, site or day."
)
@click.option(
    "--split",
    type=click.Choice(["user", "account", "site", "day"]),
    help="With --by, split each total by this too (--by day --split site: each site's spend each day).",
)
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV instead of a table.")
@click.pass_obj
def usage(
    obj: Context,
    /,
    *,
    since: str | None,
    until: str | None,
    users: tuple[str, ...],
    account: str | None,
    by: str | None,
    split: str | None,
    as_csv: bool,
) -> None:
    """What ended jobs used and cost, like Slurm's sacct: per job, or totals with --by.

    You see your own jobs; the daemon's owner sees everyone's unless --user is given."""
    if split and not by:
        raise click.UsageError("--split splits the totals of --by: give --by too (--by day --split site)")
    month = dt.datetime.now(dt.UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    query: dict[str, Any] = {
        "since": _moment(since, "--since") if since else month.isoformat(),
        "until": _moment(until, "--until") if until else None,
        "user": list(users) or None,
        "account": account,
    }
    with obj.client() as client:
        if by:
            parts = UsageTotalsSplit(split) if split else None
            rows = [t.to_dict() for t in usage_totals.sync(client=client, by=UsageTotalsBy(by), split=parts, **query)]
            columns: tuple[str, ...] = _TOTAL_COLUMNS[:1] + ("split_key",) * bool(split) + _TOTAL_COLUMNS[1:]
        else:
            rows = _records(client, **query)
            columns = _USAGE_COLUMNS
    if obj.as_json:
        return render.as_json(rows)
    if as_csv:
        out = csv.DictWriter(sys.stdout, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
        out.writeheader()
        out.writerows({**row, "max_rss": row.get("max_rss", "unknown")} for row in rows)
        return
    if by:
        totals: list[tuple[Any, ...]] = [
            (
                r["key"],
                *([r.get("split_key", "")] if split else []),
                r["jobs"],
                _hours(r["elapsed"]),
                _hours(r["cpu_time"]),
                render.money(r.get("idle_cost", 0.0)),
                render.money(r["cost"]),
            )
            for r in rows
        ]
        totals.append(
            (
                "TOTAL",
                *([""] if split else []),
                sum(r["jobs"] for r in rows),
                _hours(sum(r["elapsed"] for r in rows)),
                _hours(sum(r["cpu_time"] for r in rows)),
                render.money(sum(r.get("idle_cost", 0.0) for r in rows)),
                render.money(sum(r["cost"] for r in rows)),
            )
        )
        header = (
            by.upper(),
            *([split.upper()] if split else []),
            "JOBS",
            "ELAPSED",
            "CPU TIME",
            "IDLE PARTITIONS",
            "COST",
        )
        return render.table(f"Usage by {by}" + (f" and {split}" if split else ""), header, totals)
    table = [
        (
            r["id"][:8],
            r.get("name", ""),
            r["user"],
            r["account"],
            render.state(r["state"]),
            r.get("site", ""),
            r.get("flavor", ""),
            r.get("nodes", ""),
            render.when(r.get("start_time")),
            render.when(r.get("end_time")),
            _hours(r.get("elapsed", 0.0)),
            _hours(r.get("cpu_time", 0.0)),
            render.size(r.get("max_rss")),
            render.money(r.get("cost")),
        )
        for r in rows
    ]
    columns_shown = (
        "ID",
        "NAME",
        "USER",
        "ACCOUNT",
        "STATE",
        "SITE",
        "FLAVOR",
        "NODES",
        "START",
        "END",
        "ELAPSED",
        "CPU TIME",
        "MAX RSS",
        "COST",
    )
    render.table("Usage", columns_shown, table)


def _hours(seconds: float) -> str:
    """``1:02:03``: seconds as hours, minutes and seconds (sacct's Elapsed)."""
    whole = round(seconds)
    return f"{whole // 3600}:{whole % 3600 // 60:02d}:{whole % 60:02d}"
