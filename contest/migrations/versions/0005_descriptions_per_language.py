"""descriptions in every language: a `descriptions` JSON {language code: text} beside the
English description of contest groups and criteria (as `labels` beside `label`)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 12:00:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0005'
down_revision: Union[str, None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

TABLES = ("contest_group", "criterion")


def upgrade() -> None:
    for name in TABLES:
        # plain ALTER TABLE (no batch copy on SQLite: other tables refer to these rows)
        op.add_column(name, sa.Column('descriptions', sa.JSON(), nullable=False, server_default='{}'))


def downgrade() -> None:
    for name in TABLES:
        op.drop_column(name, 'descriptions')
