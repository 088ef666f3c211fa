"""referrals (吹哨) of meeting items, and departments that can be removed

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 06:20:00.000000
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0013'
down_revision: Union[str, None] = '0012'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('department', schema=None) as batch_op:
        batch_op.add_column(sa.Column('active', sa.Boolean(), nullable=False, server_default=sa.true()))

    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.alter_column('request_id', existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column('issue_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_referral_issue_id'), ['issue_id'], unique=False)
        batch_op.create_foreign_key('fk_referral_issue_id_visit_issue', 'visit_issue', ['issue_id'], ['id'])


def downgrade() -> None:
    op.execute("DELETE FROM referral WHERE request_id IS NULL")
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.drop_constraint('fk_referral_issue_id_visit_issue', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_referral_issue_id'))
        batch_op.drop_column('issue_id')
        batch_op.alter_column('request_id', existing_type=sa.Integer(), nullable=False)

    with op.batch_alter_table('department', schema=None) as batch_op:
        batch_op.drop_column('active')
