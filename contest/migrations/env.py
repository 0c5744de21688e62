"""Alembic environment: the same migrations serve SQLite and PostgreSQL."""

from alembic import context
from sqlalchemy import engine_from_config, pool
from sqlmodel import SQLModel

import contest.models  # noqa: F401  (registers the tables on SQLModel.metadata)
from contest import dbtypes

config = context.config
target_metadata = SQLModel.metadata


def render_item(type_, obj, autogen_context):
    if type_ == "type" and isinstance(obj, dbtypes.UTCDateTime):
        return "contest.dbtypes.UTCDateTime()"
    return False


def _configure(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=render_item,
    )


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = engine_from_config(
        config.get_section(config.config_ini_section, {}), prefix="sqlalchemy.", poolclass=pool.NullPool
    )
    with engine.connect() as conn:
        _configure(conn)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; run `contest db upgrade`")
run_migrations_online()
