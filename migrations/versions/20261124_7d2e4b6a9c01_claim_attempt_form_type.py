"""claim attempts carry their form type (cms1500 or ub04)

Revision ID: 7d2e4b6a9c01
Revises: 5c1e7a9d2b34
Create Date: 2026-11-24 18:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7d2e4b6a9c01'
down_revision = '5c1e7a9d2b34'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('claim_attempt', schema=None) as batch_op:
        batch_op.add_column(sa.Column('form_type', sa.String(length=10), server_default='cms1500', nullable=False))


def downgrade():
    with op.batch_alter_table('claim_attempt', schema=None) as batch_op:
        batch_op.drop_column('form_type')
