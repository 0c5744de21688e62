"""Migration 0004 carries each name's Simplified Chinese label (label_zh) into the new
per-language labels (zh-Hans), for every kind of name and the award tiers, on SQLite and
PostgreSQL; a downgrade gives label_zh back."""

from __future__ import annotations

import json
import os
import uuid
from datetime import date, datetime, timezone

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from contest import db
from contest.labels import label_of

PG_URL = os.environ.get("TEST_DATABASE_URL")


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.db'}"
        return
    if not PG_URL:
        pytest.skip("TEST_DATABASE_URL is not set")
    name = f"contest_labels_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(make_url(PG_URL).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


def _filler(column: sa.Column):
    kind = column.type.python_type if not isinstance(column.type, sa.JSON) else dict
    return {int: 0, float: 0.0, bool: False, str: "x", dict: {}, list: [],
            datetime: datetime(2026, 1, 1, tzinfo=timezone.utc), date: date(2026, 1, 1)}[kind]


def _insert(conn, table_name: str, /, **values) -> int:
    """A row of an old-schema table: every required column not given gets a plain value."""
    table = sa.Table(table_name, sa.MetaData(), autoload_with=conn)
    for column in table.columns:
        if column.name not in values and not column.nullable and not column.primary_key:
            values[column.name] = _filler(column)
    return conn.execute(table.insert().values(**values)).inserted_primary_key[0]


def test_label_zh_is_carried_into_zh_hans(empty_url):
    db.migrate(empty_url, "0003")
    engine = db.make_engine(empty_url)
    awards = [{"key": "gold", "label": "Gold", "label_zh": "金奖", "per_group": 5},
              {"key": "merit", "label": "Merit", "per_group": 3}]
    with engine.begin() as conn:
        edition = _insert(conn, "edition", slug="e", name="E", rules={"awards": awards})
        group = _insert(conn, "contest_group", edition_id=edition, key="startup", label="Start-up", label_zh="初创组")
        track = _insert(conn, "track", edition_id=edition, key="ai", label="AI", label_zh="")
        category = _insert(conn, "category", edition_id=edition, key="design", label="Design", label_zh="外观设计")
        rnd = _insert(conn, "round", edition_id=edition, key="final", label="Final", label_zh="决赛")
        sheet = _insert(conn, "sheet_definition", round_id=rnd, category_id=category, key="final", label="Final",
                        label_zh="决赛")
        criterion = _insert(conn, "criterion", sheet_id=sheet, key="market", label="Market prospects",
                            label_zh="市场前景")
    engine.dispose()
    db.migrate(empty_url)
    engine = db.make_engine(empty_url)
    with engine.connect() as conn:
        def row(table, row_id):
            return conn.execute(sa.text(f'SELECT label, labels FROM "{table}" WHERE id = :id'), {"id": row_id}).one()

        def labels(value):
            return json.loads(value) if isinstance(value, str) else value

        for table, row_id, english, zh in [("contest_group", group, "Start-up", "初创组"),
                                           ("category", category, "Design", "外观设计"),
                                           ("round", rnd, "Final", "决赛"), ("sheet_definition", sheet, "Final", "决赛"),
                                           ("criterion", criterion, "Market prospects", "市场前景")]:
            label, stored = row(table, row_id)
            assert (label, labels(stored)) == (english, {"zh-Hans": zh}), table
        assert labels(row("track", track)[1]) == {}
        columns = {c["name"] for c in sa.inspect(conn).get_columns("round")}
        assert "labels" in columns and "label_zh" not in columns
        rules = labels(conn.execute(sa.text("SELECT rules FROM edition")).scalar_one())
        gold, merit = rules["awards"]
        assert gold["labels"] == {"zh-Hans": "金奖"} and "label_zh" not in gold
        assert (label_of(gold, "zh-Hans"), label_of(gold, "zh-Hant"), label_of(merit, "zh-Hans")) == (
            "金奖", "Gold", "Merit")
    engine.dispose()
    _downgrade(empty_url, "0003")
    engine = db.make_engine(empty_url)
    with engine.connect() as conn:
        assert conn.execute(sa.text('SELECT label_zh FROM "round"')).scalar_one() == "决赛"
        rules = labels(conn.execute(sa.text("SELECT rules FROM edition")).scalar_one())
        assert rules["awards"][0]["label_zh"] == "金奖"
    engine.dispose()


def _downgrade(url: str, revision: str) -> None:
    from alembic import command

    engine = db.make_engine(url)
    try:
        with engine.begin() as conn:
            cfg = db.alembic_config(url)
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, revision)
    finally:
        engine.dispose()
