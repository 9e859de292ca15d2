"""Table definitions."""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

jobs = sa.Table(
    "jobs",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("owner", sa.String(255), nullable=False, index=True),
    sa.Column("script", sa.Text, nullable=False),
    sa.Column("request", sa.JSON, nullable=False),
    sa.Column("submit_time", sa.Float, nullable=False),
    sa.Column("input_files", sa.JSON, nullable=False),
    sa.Column("state", sa.String(1), nullable=False, index=True),
    sa.Column("state_details", sa.Text, nullable=False),
    sa.Column("attempt", sa.Integer, nullable=False),
    sa.Column("site", sa.String(255)),
    sa.Column("partition_id", sa.String(64)),
    sa.Column("flavor", sa.String(255)),
    sa.Column("price", sa.Float, nullable=False),
    sa.Column("start_time", sa.Float),
    sa.Column("end_time", sa.Float),
    sa.Column("exitcode", sa.Integer),
    sa.Column("signal", sa.Integer),
    sa.Column("node_names", sa.JSON, nullable=False),
    sa.Column("node_ips", sa.JSON, nullable=False),
    sa.Column("gate_done", sa.Boolean, nullable=False),
    sa.Column("account", sa.String(255), nullable=False, server_default=""),
    # What the run cost (price x nodes x hours) and its CPU time (cpus x nodes x seconds), written
    # with the job once it has ended; None before. Accounting sums them in SQL.
    sa.Column("cost", sa.Float),
    sa.Column("cpu_time", sa.Float),
    sa.Column("array_id", sa.String(36)),
    sa.Column("array_task", sa.Integer),
    sa.Column("max_rss", sa.BigInteger),  # bytes, the largest resident memory of its run where the site measured it
    # What the earlier runs of a requeued job cost, and their CPU time: in its cost and CPU time too.
    sa.Column("earlier_cost", sa.Float, nullable=False, server_default="0"),
    sa.Column("earlier_cpu_time", sa.Float, nullable=False, server_default="0"),
)
# Added by migration step 4, after the table existed: the tasks of a job array.
array_columns = ("array_id", "array_task")
# Added by migration step 5: what the gates measured of a run.
measured_columns = ("max_rss",)
# Added by migration step 8: the earlier runs of a requeued job.
earlier_columns = ("earlier_cost", "earlier_cpu_time")
array_index = sa.Index("ix_jobs_array", jobs.c.array_id, jobs.c.array_task)
# The listing reads a user's jobs newest first, all of them or those in some states, a page at a time.
listing_indexes = (
    sa.Index("ix_jobs_owner_submit", jobs.c.owner, jobs.c.submit_time, jobs.c.id),
    sa.Index("ix_jobs_owner_state_submit", jobs.c.owner, jobs.c.state, jobs.c.submit_time, jobs.c.id),
)

# Accounting sums what jobs that ended in a window used and cost, all of them (totals) or those of one
# account or user (budgets). The indexes hold the summed columns, so the sums never read the table.
accounting_indexes = (
    sa.Index(
        "ix_jobs_end_usage",
        jobs.c.end_time,
        jobs.c.account,
        jobs.c.owner,
        jobs.c.site,
        jobs.c.cost,
        jobs.c.cpu_time,
        jobs.c.start_time,
    ),
    sa.Index("ix_jobs_account_end", jobs.c.account, jobs.c.end_time, jobs.c.cost),
    sa.Index("ix_jobs_owner_end", jobs.c.owner, jobs.c.end_time, jobs.c.cost),
)

transitions = sa.Table(
    "transitions",
    metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("job_id", sa.String(36), nullable=False, index=True),
    sa.Column("at", sa.Float, nullable=False),
    sa.Column("source", sa.String(1), nullable=False),
    sa.Column("target", sa.String(1), nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    # Added by migration step 10, for the event stream: whose job it is (filled in from the jobs for
    # older rows), and what the event says besides the states: the job's name, where it was placed,
    # what its run cost, the outputs staged back. A job's submission is a row with source "".
    sa.Column("owner", sa.String(255)),
    sa.Column("details", sa.JSON),
)
event_columns = ("owner", "details")
# A user's stream reads their events after the last one it saw.
events_index = sa.Index("ix_transitions_owner_seq", transitions.c.owner, transitions.c.seq)

partitions = sa.Table(
    "partitions",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("site", sa.String(255), nullable=False),
    sa.Column("flavor", sa.String(255), nullable=False),
    sa.Column("count", sa.Integer, nullable=False),
    sa.Column("owner", sa.String(255), nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("price", sa.Float, nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("state_details", sa.Text, nullable=False),
    sa.Column("single_job", sa.Boolean, nullable=False),
    sa.Column("used", sa.Boolean, nullable=False),
    sa.Column("idle_since", sa.Float),
    sa.Column("node_names", sa.JSON, nullable=False),
    sa.Column("node_ips", sa.JSON, nullable=False),
    # The account of the job it was created for: its idle time is charged there (and to its owner).
    sa.Column("account", sa.String(255), nullable=False, server_default=""),
)
# Added by migration step 7.
partition_columns = ("account",)

# The idle time of partitions, one row per stretch (from when it was left idle until a job used it
# again or it was deleted), charged like a job to the account and owner of the job it was created
# for; named as the jobs' columns are, so accounting filters and sums both alike.
idle_charges = sa.Table(
    "idle_charges",
    metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("partition_id", sa.String(64), nullable=False),
    sa.Column("site", sa.String(255), nullable=False),
    sa.Column("owner", sa.String(255), nullable=False),
    sa.Column("account", sa.String(255), nullable=False),
    sa.Column("start_time", sa.Float, nullable=False),
    sa.Column("end_time", sa.Float, nullable=False),
    sa.Column("cost", sa.Float, nullable=False),
)
idle_indexes = (
    sa.Index("ix_idle_end", idle_charges.c.end_time, idle_charges.c.account, idle_charges.c.owner),
    sa.Index("ix_idle_account_end", idle_charges.c.account, idle_charges.c.end_time, idle_charges.c.cost),
    sa.Index("ix_idle_owner_end", idle_charges.c.owner, idle_charges.c.end_time, idle_charges.c.cost),
)

accounts = sa.Table(
    "accounts",
    metadata,
    sa.Column("name", sa.String(255), primary_key=True),
    sa.Column("members", sa.JSON, nullable=False),
    sa.Column("job_ceiling", sa.Float),  # default price ceiling per job-hour (#SWM max-price) when it gives none
    sa.Column("created_at", sa.Float, nullable=False),
)

budgets = sa.Table(
    "budgets",
    metadata,
    sa.Column("holder", sa.String(16), primary_key=True),  # "account" or "user"
    sa.Column("name", sa.String(255), primary_key=True),
    sa.Column("period", sa.String(8), primary_key=True),  # day, week, month, total
    sa.Column("amount", sa.Float, nullable=False),
)

# A TES task is a job (same ID) plus what only TES has: its name, tags and document as created
# (without inputs' content, which the job keeps as input files), and what its outputs delivered.
tes_tasks = sa.Table(
    "tes_tasks",
    metadata,
    sa.Column("job_id", sa.String(36), primary_key=True),
    sa.Column("owner", sa.String(255), nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("tags", sa.JSON, nullable=False),
    sa.Column("document", sa.JSON, nullable=False),
    sa.Column("notes", sa.JSON, nullable=False),
    sa.Column(
        "delivered", sa.JSON(none_as_null=True)
    ),  # None until the outputs are delivered: {"files": [...], "error": str|None}
)

schema_version = sa.Table("schema_version", metadata, sa.Column("version", sa.Integer, nullable=False))

# API tokens (migration step 6): only the SHA-256 of each token is kept, never the token.
tokens = sa.Table(
    "tokens",
    metadata,
    sa.Column("id", sa.String(16), primary_key=True),
    sa.Column("owner", sa.String(255), nullable=False, index=True),
    sa.Column("name", sa.String(64), nullable=False),
    sa.Column("digest", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("expires_at", sa.Float, nullable=False),
    sa.Column("last_used", sa.Float),
)
