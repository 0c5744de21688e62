"""calibration entries: the entries of a round every judge scores first
(`calibration_entry`), and whether their sheets count in the ranking
(`round.calibration_counts`)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 12:30:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

import contest.dbtypes


revision: str = '0006'
down_revision: Union[str, None] = '0005'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'calibration_entry',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('round_id', sa.Integer(), nullable=False),
        sa.Column('entry_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('created_at', contest.dbtypes.UTCDateTime(), nullable=False),
        sa.Column('created_by', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['round_id'], ['round.id']),
        sa.ForeignKeyConstraint(['entry_id'], ['entry.id']),
        sa.ForeignKeyConstraint(['created_by'], ['user.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('round_id', 'entry_id'),
    )
    op.create_index('ix_calibration_entry_round_id', 'calibration_entry', ['round_id'])
    op.create_index('ix_calibration_entry_entry_id', 'calibration_entry', ['entry_id'])
    # plain ALTER TABLE (no batch copy on SQLite: other tables refer to rounds)
    op.add_column('round', sa.Column('calibration_counts', sa.Boolean(), nullable=False,
                                     server_default=sa.true()))


def downgrade() -> None:
    op.drop_column('round', 'calibration_counts')
    op.drop_index('ix_calibration_entry_entry_id', table_name='calibration_entry')
    op.drop_index('ix_calibration_entry_round_id', table_name='calibration_entry')
    op.drop_table('calibration_entry')
