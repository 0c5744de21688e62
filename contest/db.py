"""Engines, sessions and migrations for SQLite (default) and PostgreSQL."""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Iterator

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import event, exc, text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, create_engine

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# A PostgreSQL connection back from the pool after this long idle is pinged before use (a
# server restarted or a connection cut meanwhile is replaced, unseen by the user). Pinging
# on every checkout (pool_pre_ping) was a round trip more on every session of a busy server.
PING_AFTER_IDLE = 10.0
MIGRATION_LOCK = 7_242_026  # PostgreSQL advisory lock key held while migrating


class DatabaseNotReady(RuntimeError):
    """The database is missing tables or behind the newest migration."""


def make_engine(url: str, **kwargs) -> Engine:
    """An engine with WAL, foreign keys, a busy timeout and immediate write locks on SQLite.

    SQLite transactions start with BEGIN IMMEDIATE so that two writers queue on the busy
    timeout instead of one failing with "database is locked" when it upgrades its lock;
    sessions opened with read_only=True start a deferred (reading) transaction instead.
    """
    parsed = make_url(url)
    # A failed statement's values (emails, password hashes, token hashes) never reach an
    # error message or a log; the statement itself still does.
    kwargs.setdefault("hide_parameters", True)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs
        )

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn, _record):
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn):
            mode = "DEFERRED" if conn.get_execution_options().get("read_only") else "IMMEDIATE"
            conn.exec_driver_sql(f"BEGIN {mode}")

        return engine
    if "poolclass" not in kwargs:
        kwargs.setdefault("pool_size", 10)
        kwargs.setdefault("max_overflow", 20)
    engine = create_engine(url, **kwargs)
    if not kwargs.get("pool_pre_ping"):
        _ping_after_idle(engine)
    return engine


def _ping_after_idle(engine: Engine) -> None:
    """A connection idle in the pool for PING_AFTER_IDLE seconds answers a ping before it is
    handed out; one that does not is replaced (the pool retries with a fresh connection)."""

    @event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_conn, record) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_conn, record, _proxy) -> None:
        since = record.info.pop("idle_since", None)
        if since is None or time.monotonic() - since < PING_AFTER_IDLE:
            return
        try:
            cursor = dbapi_conn.cursor()
            try:
                cursor.execute("SELECT 1")
            finally:
                cursor.close()
            if not dbapi_conn.autocommit:
                dbapi_conn.rollback()  # the ping's own transaction
        except Exception as error:  # noqa: BLE001 - any failure: this connection is gone
            raise exc.DisconnectionError(str(error)) from error


_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()


def engine_for(url: str) -> Engine:
    """One engine per database URL per process (the app's sessions share its pool). Made
    under a lock: a hundred tabs opening at once after a start would otherwise each build an
    engine and a pool of their own (lru_cache does not stop concurrent first calls), which
    on PostgreSQL ran the server out of connections. On PostgreSQL the pool holds at most
    CONTEST_DB_CONNECTIONS connections (a third kept open): several app processes share the
    server's max_connections, and a page waits up to 30 s for a free connection."""
    engine = _engines.get(url)
    if engine is not None:
        return engine
    with _engines_lock:
        if url not in _engines:
            _engines[url] = _new_engine(url)
        return _engines[url]


def _clear_engines() -> None:
    """Forget the engines (tests pointing the app at another database)."""
    with _engines_lock:
        _engines.clear()


engine_for.cache_clear = _clear_engines  # the name callers of the former lru_cache use


def _new_engine(url: str) -> Engine:
    if make_url(url).get_backend_name() == "sqlite":
        return make_engine(url)
    from contest import config

    most = config.settings().db_connections
    kept = max(1, most // 3)
    return make_engine(url, pool_size=kept, max_overflow=most - kept, pool_timeout=30)


def _reader(engine: Engine) -> Engine:
    """The engine's read-only variant, made once per engine (kept on it: a cycle the
    collector frees with the engine)."""
    found = engine.__dict__.get("_contest_reader")
    if found is None:
        options: dict = {"read_only": True}
        if engine.dialect.name == "postgresql":
            options["isolation_level"] = "AUTOCOMMIT"
        found = engine.__dict__["_contest_reader"] = engine.execution_options(**options)
    return found


@contextmanager
def session_scope(engine: Engine, *, read_only: bool = False) -> Iterator[Session]:
    """A session for one user action. Services commit; this rolls back on error.

    A read_only session on PostgreSQL reads without a transaction (each statement in
    autocommit): at READ COMMITTED a transaction gives a read no common snapshot anyway,
    and its BEGIN and ROLLBACK were two round trips of every page's few."""
    if read_only:
        engine = _reader(engine)
    session = Session(engine, expire_on_commit=False)
    try:
        yield session
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def begin_reading(session: Session) -> None:
    """Start the session's next transaction as a read (on SQLite a deferred transaction that
    takes no write lock); its first write after a commit or rollback starts a normal one."""
    if not session.in_transaction():
        session.connection(execution_options={"read_only": True})


@event.listens_for(Session, "after_flush")
def _remember_writes(session, _flush_context) -> None:
    session.info["wrote"] = True


@event.listens_for(Session, "after_transaction_end")
def _forget_writes(session, transaction) -> None:
    if transaction.parent is None:  # the outermost transaction ended: nothing written is pending
        session.info.pop("wrote", None)


def release(session: Session) -> None:
    """End the session's transaction if it has written nothing, so that long work that
    follows (a ranking, a solve, a workbook) holds no lock and no snapshot: on SQLite an
    open write transaction stops every other writer. A transaction holding writes is left
    open (its caller commits it). Loaded objects stay usable (expire_on_commit=False); the
    session's next statement starts a new transaction."""
    if not session.in_transaction() or holds_writes(session):
        return
    session.commit()


def holds_writes(session: Session) -> bool:
    """The session has changes not yet committed (pending, or flushed in its transaction):
    another connection would not see them."""
    return bool(session.new or session.dirty or session.deleted or session.info.get("wrote"))


@contextmanager
def reading(session: Session) -> Iterator[Session]:
    """The statements inside run in a read transaction of their own (on SQLite a deferred
    one, taking no write lock), ended afterwards: a service gathering the inputs of a long
    calculation holds nothing while it computes, and its later writes start a transaction
    of their own. A session already holding writes keeps its transaction throughout."""
    release(session)
    begin_reading(session)
    yield session
    release(session)


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def migrate(url: str, revision: str = "head") -> None:
    """Create or migrate the database to the newest schema."""
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                # Several app servers may start at once: one migrates, the others wait.
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
            cfg = alembic_config(url)
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
    finally:
        engine.dispose()


@lru_cache(maxsize=1)
def head_revision() -> str:
    """The newest migration this code ships (read from disk once per process)."""
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def ensure_ready(engine: Engine) -> None:
    """Refuse to run on an unmigrated or outdated database, saying what to do."""
    current = current_revision(engine)
    head = head_revision()
    if current is None:
        raise DatabaseNotReady(
            "The database has no tables yet. Run `contest db upgrade` to create them."
        )
    if current != head:
        raise DatabaseNotReady(
            f"The database schema is at revision {current}, this version needs {head}. "
            "Run `contest db upgrade`."
        )
