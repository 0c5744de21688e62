"""a round's feedback settings: released to entrants, with the judges' comments

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 12:20:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0009'
down_revision: Union[str, None] = '0008'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    # plain ALTER TABLE (no batch copy on SQLite: other tables refer to rounds)
    for name in ('feedback_released', 'feedback_comments'):
        op.add_column('round', sa.Column(name, sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    for name in ('feedback_comments', 'feedback_released'):
        op.drop_column('round', name)
