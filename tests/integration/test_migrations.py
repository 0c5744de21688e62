"""`contest db upgrade` builds the same schema on SQLite and PostgreSQL, the migrations
match the models exactly, and nothing runs on an unmigrated database."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

import contest.models  # noqa: F401
from contest import db

PG_URL = os.environ.get("TEST_DATABASE_URL")
CONTEST = str(Path(sys.executable).with_name("contest"))


def run_contest(*args: str, url: str, tmp_path: Path, stdin: str = "") -> subprocess.CompletedProcess:
    env = dict(os.environ, DATABASE_URL=url, CONTEST_DATA_DIR=str(tmp_path / "data"), CONTEST_SECRET_KEY="k")
    return subprocess.run([CONTEST, *args], env=env, input=stdin, capture_output=True, text=True, timeout=300)


def schema_of(url: str) -> dict:
    """Tables with their columns (name, nullable), unique constraints and indexed columns."""
    engine = create_engine(url)
    insp = inspect(engine)
    out = {}
    for table in insp.get_table_names():
        if table == "alembic_version":
            continue
        uniques = {tuple(u["column_names"]) for u in insp.get_unique_constraints(table)}
        uniques |= {tuple(i["column_names"]) for i in insp.get_indexes(table) if i.get("unique")}
        out[table] = {
            "columns": sorted((c["name"], c["nullable"]) for c in insp.get_columns(table)),
            "primary_key": tuple(insp.get_pk_constraint(table)["constrained_columns"]),
            "unique": sorted(uniques),
            "indexed": sorted(tuple(i["column_names"]) for i in insp.get_indexes(table) if not i.get("unique")),
            "foreign_keys": sorted(
                (tuple(f["constrained_columns"]), f["referred_table"]) for f in insp.get_foreign_keys(table)
            ),
        }
    engine.dispose()
    return out


@pytest.fixture
def fresh_pg_url():
    """A brand-new empty PostgreSQL database, dropped afterwards."""
    if not PG_URL:
        pytest.skip("TEST_DATABASE_URL is not set: the PostgreSQL half runs in CI's PostgreSQL pass")
    name = f"contest_schema_{uuid.uuid4().hex[:10]}"
    admin = create_engine(make_url(PG_URL).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


def test_db_upgrade_creates_the_schema_on_an_empty_sqlite_database(tmp_path):
    url = f"sqlite:///{tmp_path / 'new.db'}"
    result = run_contest("db", "upgrade", url=url, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"revision {db.head_revision()}" in result.stdout
    assert {"entry", "score_sheet", "criterion_score", "audit_event"} <= set(schema_of(url))


def test_sqlite_and_postgresql_get_the_same_schema(tmp_path, fresh_pg_url):
    sqlite_url = f"sqlite:///{tmp_path / 'new.db'}"
    for url in (sqlite_url, fresh_pg_url):
        result = run_contest("db", "upgrade", url=url, tmp_path=tmp_path)
        assert result.returncode == 0, result.stderr
    assert schema_of(sqlite_url) == schema_of(fresh_pg_url)


def test_migrations_match_the_models_without_drift(engine):
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, SQLModel.metadata)
    assert diff == []


def test_duplicates_are_impossible_by_constraint(db_url):
    uniques = schema_of(db_url)
    assert ("edition_id", "code") in uniques["entry"]["unique"]
    assert ("email",) in uniques["user"]["unique"]
    assert ("round_id", "sheet_id", "entry_id", "judge_id") in uniques["score_sheet"]["unique"]
    assert ("score_sheet_id", "criterion_id") in uniques["criterion_score"]["unique"]


def test_commands_refuse_an_unmigrated_database_with_a_clear_message(tmp_path):
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    result = run_contest("create", "Edition 2027", url=url, tmp_path=tmp_path)
    assert result.returncode == 1
    assert "Run `contest db upgrade`" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_app_refuses_an_unmigrated_database_with_a_clear_message(tmp_path, app_env):
    from tests.ui.apptest_helpers import start_app

    app_env(f"sqlite:///{tmp_path / 'empty.db'}")
    at = start_app()
    assert not at.exception
    assert [e.value for e in at.error] == ["The database has no tables yet. Run `contest db upgrade` to create them."]


def test_ensure_ready_accepts_a_migrated_database(engine):
    db.ensure_ready(engine)


def test_app_servers_starting_together_on_a_new_postgresql_database_migrate_once(fresh_pg_url):
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=3) as pool:
        results = list(pool.map(lambda _: db.migrate(fresh_pg_url), range(3)))
    assert results == [None, None, None]
    engine = create_engine(fresh_pg_url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [db.head_revision()]
    engine.dispose()


def test_users_stored_with_the_old_chinese_tag_read_simplified_chinese_after_the_upgrade(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    db.migrate(url, "0002")
    engine = create_engine(url)
    with engine.begin() as conn:
        for n, language in enumerate(("zh", "en")):
            conn.execute(text('INSERT INTO "user" (email, name, organisation, phone, password_hash, language, '
                              'created_at, active) VALUES (:e, :n, \'\', \'\', \'\', :l, CURRENT_TIMESTAMP, 1)'),
                         {"e": f"u{n}@example.org", "n": f"U{n}", "l": language})
        conn.execute(text("INSERT INTO edition (slug, name, preset, max_entries_per_enterprise, rules, created_at) "
                          "VALUES ('e', 'E', '', 3, '{}', CURRENT_TIMESTAMP)"))
    engine.dispose()
    db.migrate(url)
    engine = create_engine(url)
    with engine.connect() as conn:
        assert conn.execute(text('SELECT email, language FROM "user" ORDER BY email')).all() == [
            ("u0@example.org", "zh-Hans"), ("u1@example.org", "en")]
        assert conn.execute(text("SELECT time_zone FROM edition")).scalar_one() == "Asia/Hong_Kong"
    engine.dispose()
