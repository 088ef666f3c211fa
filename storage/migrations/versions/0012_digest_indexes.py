"""digest indexes: the requests still waiting that nobody accepted, and ratings by time

The weekly digest of a city of millions of requests reads a week's rows through these
(docs/performance.md, issue 19 point 8).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 07:10:00.000000
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0012'
down_revision: Union[str, None] = '0011'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# as storage.models.requests.UNACCEPTED_WAITING was when this revision was written
UNACCEPTED_WAITING = "first_accepted_at IS NULL AND status IN ('open', 'filled', 'done_reported', 'completed')"


def upgrade() -> None:
    op.create_index(
        'ix_help_request_unaccepted',
        'help_request',
        ['grid_id', 'created_at'],
        unique=False,
        sqlite_where=sa.text(UNACCEPTED_WAITING),
        postgresql_where=sa.text(UNACCEPTED_WAITING),
    )
    op.create_index('ix_rating_created', 'rating', ['created_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_rating_created', table_name='rating')
    op.drop_index('ix_help_request_unaccepted', table_name='help_request')
