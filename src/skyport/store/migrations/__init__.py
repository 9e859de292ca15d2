"""Ordered, idempotent schema steps; ``schema_version`` records how far a database has come."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa

from skyport.store import tables


def _initial(connection: sa.Connection) -> None:
    tables.metadata.create_all(connection, checkfirst=True)


def _listing_indexes(connection: sa.Connection) -> None:
    for index in tables.listing_indexes:
        index.create(connection, checkfirst=True)


def _accounting(connection: sa.Connection) -> None:
    """Jobs get the account they are charged to (their owner's own until now), their recorded cost and CPU time."""
    columns = {column["name"] for column in sa.inspect(connection).get_columns("jobs")}
    if "account" not in columns:
        connection.execute(sa.text("ALTER TABLE jobs ADD COLUMN account VARCHAR(255) NOT NULL DEFAULT ''"))
        connection.execute(sa.text("UPDATE jobs SET account = owner"))
    if "cost" not in columns:
        connection.execute(sa.text("ALTER TABLE jobs ADD COLUMN cost FLOAT"))
        connection.execute(sa.text("ALTER TABLE jobs ADD COLUMN cpu_time FLOAT"))
        jobs = tables.jobs
        ended = sa.select(jobs.c.id, jobs.c.price, jobs.c.start_time, jobs.c.end_time, jobs.c.request).where(
            jobs.c.end_time.is_not(None), jobs.c.state.in_(["F", "E", "C"])
        )
        for row in connection.execute(ended).all():
            seconds = max(0.0, row.end_time - row.start_time) if row.start_time is not None else 0.0
            nodes, cpus = int(row.request.get("nodes", 1)), int(row.request.get("cpus", 1))
            values = {"cost": row.price * nodes * seconds / 3600.0, "cpu_time": cpus * nodes * seconds}
            connection.execute(jobs.update().where(jobs.c.id == row.id).values(**values))
    tables.accounts.create(connection, checkfirst=True)
    tables.budgets.create(connection, checkfirst=True)
    for index in tables.accounting_indexes:
        index.create(connection, checkfirst=True)


def _add_columns(connection: sa.Connection, names: tuple[str, ...], table: sa.Table = tables.jobs) -> None:
    """Add those of the table's columns ``names`` that a database made before they were declared lacks."""
    present = {column["name"] for column in sa.inspect(connection).get_columns(table.name)}
    for name in names:
        if name not in present:
            column = table.c[name]
            kind = column.type.compile(dialect=connection.dialect)
            if isinstance(column.server_default, sa.DefaultClause):
                kind += f" NOT NULL DEFAULT '{column.server_default.arg}'"
            connection.execute(sa.text(f"ALTER TABLE {table.name} ADD COLUMN {name} {kind}"))


def _arrays(connection: sa.Connection) -> None:
    """The job array columns; a database created after they were declared has them already."""
    _add_columns(connection, tables.array_columns)
    tables.array_index.create(connection, checkfirst=True)


def _measured(connection: sa.Connection) -> None:
    """A run's largest resident memory, as its gate measured it; unknown (NULL) for the jobs before."""
    _add_columns(connection, tables.measured_columns)


def _tokens(connection: sa.Connection) -> None:
    tables.tokens.create(connection, checkfirst=True)


def _idle_charges(connection: sa.Connection) -> None:
    """Partitions get the account their idle time is charged to (their owner's own until now), and the
    idle stretches their charges."""
    _add_columns(connection, tables.partition_columns, tables.partitions)
    connection.execute(
        tables.partitions.update().where(tables.partitions.c.account == "").values(account=tables.partitions.c.owner)
    )
    tables.idle_charges.create(connection, checkfirst=True)
    for index in tables.idle_indexes:
        index.create(connection, checkfirst=True)


def _earlier_runs(connection: sa.Connection) -> None:
    """What the earlier runs of a requeued job cost; 0 for the jobs before, whose earlier runs are lost."""
    _add_columns(connection, tables.earlier_columns)


def _tes_tasks(connection: sa.Connection) -> None:
    """What TES tasks have beyond their jobs."""
    tables.tes_tasks.create(connection, checkfirst=True)


def _events(connection: sa.Connection) -> None:
    """Transitions get their job's owner and the event's details; the owner of older ones is their job's."""
    _add_columns(connection, tables.event_columns, tables.transitions)
    jobs, transitions = tables.jobs, tables.transitions
    owner = sa.select(jobs.c.owner).where(jobs.c.id == transitions.c.job_id).scalar_subquery()
    connection.execute(transitions.update().where(transitions.c.owner.is_(None)).values(owner=owner))
    tables.events_index.create(connection, checkfirst=True)


STEPS: tuple[Callable[[sa.Connection], None], ...] = (
    _initial,
    _listing_indexes,
    _accounting,
    _arrays,
    _measured,
    _tokens,
    _idle_charges,
    _earlier_runs,
    _tes_tasks,
    _events,
)


def migrate(engine: sa.Engine) -> int:
    """Apply the steps this database has not seen; returns the schema version reached."""
    with engine.begin() as connection:
        tables.schema_version.create(connection, checkfirst=True)
        current = connection.execute(sa.select(sa.func.max(tables.schema_version.c.version))).scalar() or 0
        for version, step in enumerate(STEPS[current:], start=current + 1):
            step(connection)
            connection.execute(tables.schema_version.insert().values(version=version))
    return len(STEPS)
