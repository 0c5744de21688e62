"""three interface languages: stored 'zh' becomes 'zh-Hans'; an edition's time zone

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 09:10:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision: str = '0003'
down_revision: Union[str, None] = '0002'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# The language tags stored before zh-Hans and zh-Hant were told apart.
_TABLES = ('user', 'pending_registration')


def upgrade() -> None:
    with op.batch_alter_table('edition', schema=None) as batch_op:
        batch_op.add_column(sa.Column('time_zone', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False,
                                      server_default='Asia/Hong_Kong'))
    for table in _TABLES:
        op.execute(sa.text(f'UPDATE "{table}" SET language = \'zh-Hans\' WHERE language = \'zh\''))


def downgrade() -> None:
    for table in _TABLES:
        op.execute(sa.text(f'UPDATE "{table}" SET language = \'zh\' WHERE language IN (\'zh-Hans\', \'zh-Hant\')'))
    with op.batch_alter_table('edition', schema=None) as batch_op:
        batch_op.drop_column('time_zone')
