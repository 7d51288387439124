"""school-owned exercises (owner, author, draft) and the re-grade log

Revision ID: 5c1e7a9d2b34
Revises: 3a5b953cde97
Create Date: 2026-11-24 16:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5c1e7a9d2b34'
down_revision = '3a5b953cde97'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('exercise', schema=None) as batch_op:
        batch_op.add_column(sa.Column('owner_school_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('author_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('draft', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.create_index(batch_op.f('ix_exercise_owner_school_id'), ['owner_school_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_exercise_owner_school_id_school'), 'school',
                                    ['owner_school_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_exercise_author_id_user_account'), 'user_account',
                                    ['author_id'], ['id'])

    op.create_table('regrade_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('exercise_id', sa.String(length=64), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=False),
    sa.Column('old_score', sa.Float(), nullable=True),
    sa.Column('old_max_score', sa.Float(), nullable=True),
    sa.Column('new_score', sa.Float(), nullable=True),
    sa.Column('new_max_score', sa.Float(), nullable=True),
    sa.Column('old_checksum', sa.String(length=64), nullable=False),
    sa.Column('new_checksum', sa.String(length=64), nullable=False),
    sa.Column('trigger', sa.String(length=20), nullable=False),
    sa.Column('triggered_by_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['attempt_id'], ['attempt.id'], name=op.f('fk_regrade_log_attempt_id_attempt')),
    sa.ForeignKeyConstraint(['exercise_id'], ['exercise.id'], name=op.f('fk_regrade_log_exercise_id_exercise')),
    sa.ForeignKeyConstraint(['triggered_by_id'], ['user_account.id'],
                            name=op.f('fk_regrade_log_triggered_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_regrade_log'))
    )
    with op.batch_alter_table('regrade_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_regrade_log_attempt_id'), ['attempt_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_regrade_log_exercise_id'), ['exercise_id'], unique=False)


def downgrade():
    with op.batch_alter_table('regrade_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_regrade_log_exercise_id'))
        batch_op.drop_index(batch_op.f('ix_regrade_log_attempt_id'))

    op.drop_table('regrade_log')
    with op.batch_alter_table('exercise', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_exercise_author_id_user_account'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_exercise_owner_school_id_school'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_exercise_owner_school_id'))
        batch_op.drop_column('draft')
        batch_op.drop_column('author_id')
        batch_op.drop_column('owner_school_id')
