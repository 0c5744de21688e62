"""edition names in every language: a `labels` JSON {language code: text} beside the English
label of groups, categories, tracks, rounds, sheets and criteria, and of the award tiers in
edition.rules; today's `label_zh` is carried into `zh-Hans` and dropped (one source of truth)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 09:00:00
"""
import json
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision: str = '0004'
down_revision: Union[str, None] = '0003'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# table -> length of its label columns
TABLES = {"contest_group": 120, "category": 120, "track": 160, "round": 120,
          "sheet_definition": 120, "criterion": 160}


def _loaded(value):
    if value is None:
        return None
    return json.loads(value) if isinstance(value, str) else value


def upgrade() -> None:
    conn = op.get_bind()
    for name in TABLES:
        # plain ALTER TABLE (no batch copy on SQLite: other tables refer to these rows)
        op.add_column(name, sa.Column('labels', sa.JSON(), nullable=False, server_default='{}'))
        table = sa.table(name, sa.column('id', sa.Integer), sa.column('label_zh', sa.String),
                         sa.column('labels', sa.JSON))
        rows = conn.execute(sa.select(table.c.id, table.c.label_zh)).all()
        for row_id, label_zh in rows:
            if not (label_zh and label_zh.strip()):
                continue
            labels = {"zh-Hans": label_zh.strip()}
            conn.execute(table.update().where(table.c.id == row_id).values(labels=labels))
        op.drop_column(name, 'label_zh')
    _awards(conn, upgrade=True)


def downgrade() -> None:
    conn = op.get_bind()
    for name, length in TABLES.items():
        op.add_column(name, sa.Column('label_zh', sqlmodel.sql.sqltypes.AutoString(length=length),
                                      nullable=False, server_default=''))
        table = sa.table(name, sa.column('id', sa.Integer), sa.column('label_zh', sa.String),
                         sa.column('labels', sa.JSON))
        for row_id, labels in conn.execute(sa.select(table.c.id, table.c.labels)).all():
            zh = (_loaded(labels) or {}).get("zh-Hans", "")
            if zh:
                conn.execute(table.update().where(table.c.id == row_id).values(label_zh=zh[:length]))
        op.drop_column(name, 'labels')
    _awards(conn, upgrade=False)


def _awards(conn, *, upgrade: bool) -> None:
    """Award tiers live in edition.rules["awards"]: {key, label, label_zh, per_group}."""
    edition = sa.table("edition", sa.column('id', sa.Integer), sa.column('rules', sa.JSON))
    for edition_id, rules in conn.execute(sa.select(edition.c.id, edition.c.rules)).all():
        rules = _loaded(rules) or {}
        awards = rules.get("awards") or []
        changed = []
        for tier in awards:
            tier = dict(tier)
            if upgrade:
                labels = dict(tier.get("labels") or {})
                zh = str(tier.pop("label_zh", "") or "").strip()
                if zh and not labels.get("zh-Hans"):
                    labels["zh-Hans"] = zh
                tier["labels"] = labels
            else:
                labels = tier.pop("labels", None) or {}
                if labels.get("zh-Hans"):
                    tier["label_zh"] = labels["zh-Hans"]
            changed.append(tier)
        if changed != awards:
            conn.execute(edition.update().where(edition.c.id == edition_id)
                         .values(rules={**rules, "awards": changed}))
