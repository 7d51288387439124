"""billing attempts

Revision ID: 9b4d2e6f1a70
Revises: 7d2e4b6a9c15
Create Date: 2026-11-24 18:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9b4d2e6f1a70'
down_revision = '7d2e4b6a9c15'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('billing_attempt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('exercise_id', sa.String(length=64), nullable=False),
    sa.Column('task', sa.String(length=20), nullable=False),
    sa.Column('checksum', sa.String(length=64), nullable=False),
    sa.Column('answer', sa.JSON(), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('max_score', sa.Float(), nullable=False),
    sa.Column('findings', sa.JSON(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_billing_attempt_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_billing_attempt'))
    )
    with op.batch_alter_table('billing_attempt', schema=None) as batch_op:
        batch_op.create_index('ix_billing_attempt_user_exercise', ['user_id', 'exercise_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_billing_attempt_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('billing_attempt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_billing_attempt_user_id'))
        batch_op.drop_index('ix_billing_attempt_user_exercise')

    op.drop_table('billing_attempt')
