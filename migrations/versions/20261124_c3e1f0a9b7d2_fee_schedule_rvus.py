"""fee schedule RVUs and conversion factor (the simulated payers price with them)

Revision ID: c3e1f0a9b7d2
Revises: a8ef132272d7
Create Date: 2026-11-24 15:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c3e1f0a9b7d2'
down_revision = 'a8ef132272d7'
branch_labels = None
depends_on = None

COLUMNS = ('non_facility_pe_rvu', 'facility_pe_rvu', 'mp_rvu', 'conversion_factor')


def upgrade():
    with op.batch_alter_table('fee_schedule_indicator', schema=None) as batch_op:
        for name in COLUMNS:
            batch_op.add_column(sa.Column(name, sa.Double(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('fee_schedule_indicator', schema=None) as batch_op:
        for name in reversed(COLUMNS):
            batch_op.drop_column(name)
