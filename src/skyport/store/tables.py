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
)
# The listing reads a user's jobs newest first, all of them or those in some states, a page at a time.
listing_indexes = (
    sa.Index("ix_jobs_owner_submit", jobs.c.owner, jobs.c.submit_time, jobs.c.id),
    sa.Index("ix_jobs_owner_state_submit", jobs.c.owner, jobs.c.state, jobs.c.submit_time, jobs.c.id),
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
)

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
)

schema_version = sa.Table("schema_version", metadata, sa.Column("version", sa.Integer, nullable=False))
