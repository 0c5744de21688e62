"""the live board of a roadshow round: the entry on stage, what is revealed, the entries
presented so far (one row per round)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 12:10:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import contest.dbtypes


revision: str = '0007'
down_revision: Union[str, None] = '0006'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('board_state',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('on_stage_entry_id', sa.Integer(), nullable=True),
    sa.Column('reveal_totals', sa.Boolean(), nullable=False),
    sa.Column('show_running_order', sa.Boolean(), nullable=False),
    sa.Column('presented', sa.JSON(), nullable=False),
    sa.Column('updated_at', contest.dbtypes.UTCDateTime(), nullable=False),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['on_stage_entry_id'], ['entry.id'], ),
    sa.ForeignKeyConstraint(['round_id'], ['round.id'], ),
    sa.ForeignKeyConstraint(['updated_by'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('board_state', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_board_state_round_id'), ['round_id'], unique=True)


def downgrade() -> None:
    with op.batch_alter_table('board_state', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_board_state_round_id'))
    op.drop_table('board_state')
