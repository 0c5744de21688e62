"""PostgreSQL sessions spend no round trip they do not need: a page's read holds no
transaction (no BEGIN, no ROLLBACK), and a pooled connection is pinged only after it sat idle,
yet a connection the server cut meanwhile is replaced without the user seeing an error."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import text

from contest import db

pytestmark = [pytest.mark.integration]


@pytest.fixture
def pg_engine(engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only (TEST_DATABASE_URL)")
    return engine


def _two_clock_readings(session) -> tuple:
    first = session.execute(text("SELECT clock_timestamp(), now()")).one()
    time.sleep(0.02)
    second = session.execute(text("SELECT now()")).scalar_one()
    return first, second


def test_a_read_holds_no_transaction_and_a_write_holds_one(pg_engine):
    # now() is the transaction's start: within one transaction it does not move.
    with db.session_scope(pg_engine, read_only=True) as s:
        (_clock, started), later = _two_clock_readings(s)
        assert later > started  # each statement was a transaction of its own
        assert s.execute(text("SELECT count(*) FROM pg_stat_activity WHERE pid = pg_backend_pid() "
                              "AND state = 'idle in transaction'")).scalar_one() == 0
    with db.session_scope(pg_engine) as s:
        (_clock, started), later = _two_clock_readings(s)
        assert later == started  # a write session's statements share one transaction


def test_a_connection_cut_while_idle_is_replaced_unseen(pg_engine, monkeypatch):
    monkeypatch.setattr(db, "PING_AFTER_IDLE", 0.0)
    with db.session_scope(pg_engine, read_only=True) as s:
        backend = s.execute(text("SELECT pg_backend_pid()")).scalar_one()
    killer = db.make_engine(str(pg_engine.url.render_as_string(hide_password=False)))
    try:
        with killer.connect() as c:  # the server ends the pooled connection (a restart, a proxy's timeout)
            assert c.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": backend}).scalar_one()
    finally:
        killer.dispose()
    time.sleep(0.1)
    for read_only in (True, False):
        with db.session_scope(pg_engine, read_only=read_only) as s:
            assert s.execute(text("SELECT pg_backend_pid()")).scalar_one() != backend
