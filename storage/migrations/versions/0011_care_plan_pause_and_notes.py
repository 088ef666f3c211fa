"""care plans: a plan can be paused (paused_at), a care task's "done" keeps the volunteer's note

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 06:30:00.000000
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision: str = '0011'
down_revision: Union[str, None] = '0010'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('care_plan', schema=None) as batch_op:
        batch_op.add_column(sa.Column('paused_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('care_task', schema=None) as batch_op:
        batch_op.add_column(sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('care_task', schema=None) as batch_op:
        batch_op.drop_column('note')
    with op.batch_alter_table('care_plan', schema=None) as batch_op:
        batch_op.drop_column('paused_at')
