"""investor matchmaking: an observer's interest says what they want (kind) and where it
stands (status, responded_at, updated_at); interests marked before are pending investment
interests, last changed when they were marked

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 12:10:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel
import contest.dbtypes


revision: str = '0008'
down_revision: Union[str, None] = '0007'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('observer_interest', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False,
                                      server_default='investment'))
        batch_op.add_column(sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False,
                                      server_default='pending'))
        batch_op.add_column(sa.Column('responded_at', contest.dbtypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('updated_at', contest.dbtypes.UTCDateTime(), nullable=True))
    op.execute(sa.text('UPDATE observer_interest SET updated_at = created_at'))
    with op.batch_alter_table('observer_interest', schema=None) as batch_op:
        batch_op.alter_column('updated_at', existing_type=contest.dbtypes.UTCDateTime(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table('observer_interest', schema=None) as batch_op:
        batch_op.drop_column('updated_at')
        batch_op.drop_column('responded_at')
        batch_op.drop_column('status')
        batch_op.drop_column('kind')
