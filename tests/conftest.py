"""Shared fixtures: a fresh migrated database per test (SQLite always; PostgreSQL for the
integration tests when TEST_DATABASE_URL is set), a demo database, the app's environment."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.pool import NullPool
from sqlmodel import SQLModel

from contest import config, db
from contest.auth import SYSTEM
from contest.models import Role
from contest.services import accounts, demo, editions

PG_URL = os.environ.get("TEST_DATABASE_URL")
PASSWORD = "correct horse battery"


def pytest_report_header(config):
    return f"integration database: {'PostgreSQL ' + PG_URL.split('@')[-1] if PG_URL else 'SQLite'}"


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "empty.db"
    db.migrate(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def _pg_migrated():
    if not PG_URL:
        return None
    db.migrate(PG_URL)
    return PG_URL


def _truncate_all(url: str) -> None:
    """Empty every table. DELETE is far faster than TRUNCATE for the few rows a test
    leaves; sequences restart so ids look like a fresh database's."""
    engine = db.make_engine(url, poolclass=NullPool)
    with engine.begin() as conn:
        for table in reversed(SQLModel.metadata.sorted_tables):
            conn.execute(table.delete())
        for (seq,) in conn.execute(text("SELECT sequence_name FROM information_schema.sequences")):
            conn.execute(text(f'ALTER SEQUENCE "{seq}" RESTART WITH 1'))
    engine.dispose()


@pytest.fixture
def db_url(request, tmp_path, _sqlite_template, _pg_migrated) -> str:
    """A fresh, migrated, empty database for one test."""
    if _pg_migrated and request.node.get_closest_marker("sqlite_only") is None and "integration" in str(request.path):
        _truncate_all(_pg_migrated)
        return _pg_migrated
    path = tmp_path / "contest.db"
    shutil.copy(_sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def engine(db_url):
    engine = db.make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine):
    with db.session_scope(engine) as s:
        yield s


@pytest.fixture
def edition(session):
    return editions.create_edition(session=session, actor=SYSTEM, name="Test Edition 2026", preset="gba")


@pytest.fixture
def make_user(session):
    """make_user(role, email=None, **kw) -> Actor, with PASSWORD as password."""
    counter = {"n": 0}

    def _make(*roles: Role | str, email: str | None = None, name: str | None = None, **kw):
        counter["n"] += 1
        email = email or f"user{counter['n']}@example.org"
        user = accounts.create_user(actor=SYSTEM, session=session, email=email, name=name or f"User {counter['n']}", roles=roles or [Role.entrant],
            password=PASSWORD, **kw,
        )
        return accounts.actor_for(session, user)

    return _make


@pytest.fixture(scope="session")
def _demo_template(tmp_path_factory) -> tuple[Path, demo.DemoLogins]:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    url = f"sqlite:///{path}"
    db.migrate(url)
    engine = db.make_engine(url)
    with db.session_scope(engine) as s:
        logins = demo.build_demo(session=s, entries=24, judges=9, seed=3)
    engine.dispose()
    return path, logins


@pytest.fixture
def demo_db(tmp_path, _demo_template) -> tuple[str, demo.DemoLogins]:
    """A copy of a small demo edition (24 entries, 9 judges): (url, logins)."""
    template, logins = _demo_template
    path = tmp_path / "demo.db"
    shutil.copy(template, path)
    return f"sqlite:///{path}", logins


def login_for(logins: demo.DemoLogins, role: str) -> tuple[str, str]:
    for r, email, password in logins.logins:
        if r == role:
            return email, password
    raise KeyError(role)


@pytest.fixture
def app_env(monkeypatch, tmp_path):
    """Point the app (AppTest runs it in this process) at a database URL."""

    def _use(url: str) -> None:
        monkeypatch.setenv("DATABASE_URL", url)
        monkeypatch.setenv("CONTEST_DATA_DIR", str(tmp_path / "data"))
        monkeypatch.setenv("CONTEST_SECRET_KEY", "test-secret-key")
        config.settings.cache_clear()
        db.engine_for.cache_clear()

    yield _use
    config.settings.cache_clear()
    db.engine_for.cache_clear()
