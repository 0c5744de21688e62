"""Migration 0008 keeps the interests observers marked before matchmaking: each becomes a
pending investment interest, last changed when it was marked, on SQLite and PostgreSQL; a
downgrade keeps the marks."""

from __future__ import annotations

from datetime import datetime, timezone

import sqlalchemy as sa

from contest import db
from tests.integration.test_label_migration import _downgrade, _insert, empty_url  # noqa: F401

MARKED = datetime(2026, 5, 4, 3, 2, 1, tzinfo=timezone.utc)


def test_interests_marked_before_become_pending_investment_interests(empty_url):  # noqa: F811
    db.migrate(empty_url, "0007")
    engine = db.make_engine(empty_url)
    with engine.begin() as conn:
        edition = _insert(conn, "edition", slug="e", name="E")
        observer = _insert(conn, "user", email="victor@invest.example.org", name="Victor")
        entry = _insert(conn, "entry", edition_id=edition, code="GBA-0001", current_round_id=None, owner_id=None,
                        group_id=None, category_id=None, track_id=None)
        _insert(conn, "observer_interest", observer_id=observer, entry_id=entry, note="Keen", created_at=MARKED)
    engine.dispose()
    db.migrate(empty_url)
    engine = db.make_engine(empty_url)
    with engine.connect() as conn:
        row = conn.execute(sa.text("SELECT note, kind, status, responded_at, updated_at FROM observer_interest")).one()
    engine.dispose()
    assert row[:4] == ("Keen", "investment", "pending", None)
    assert str(row[4])[:19] == "2026-05-04 03:02:01"
    _downgrade(empty_url, "0007")
    engine = db.make_engine(empty_url)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT note FROM observer_interest")).scalar_one() == "Keen"
        assert "status" not in {c["name"] for c in sa.inspect(conn).get_columns("observer_interest")}
    engine.dispose()
