"""disputes of answer keys, the learner deletion log; grade overrides outlive a deleted learner

Revision ID: 7d2e4b6a9c15
Revises: 478756142bdd
Create Date: 2026-11-24 18:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7d2e4b6a9c15'
down_revision = '478756142bdd'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('dispute',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('learner_id', sa.Integer(), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=True),
    sa.Column('exam_item_id', sa.Integer(), nullable=True),
    sa.Column('exercise_id', sa.String(length=64), nullable=True),
    sa.Column('question_id', sa.String(length=64), nullable=True),
    sa.Column('target', sa.String(length=200), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('reply', sa.Text(), nullable=True),
    sa.Column('resolved_by_id', sa.Integer(), nullable=True),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('learner_seen_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['attempt_id'], ['attempt.id'], name=op.f('fk_dispute_attempt_id_attempt')),
    sa.ForeignKeyConstraint(['exam_item_id'], ['exam_item.id'], name=op.f('fk_dispute_exam_item_id_exam_item')),
    sa.ForeignKeyConstraint(['exercise_id'], ['exercise.id'], name=op.f('fk_dispute_exercise_id_exercise')),
    sa.ForeignKeyConstraint(['learner_id'], ['user_account.id'], name=op.f('fk_dispute_learner_id_user_account')),
    sa.ForeignKeyConstraint(['question_id'], ['question.id'], name=op.f('fk_dispute_question_id_question')),
    sa.ForeignKeyConstraint(['resolved_by_id'], ['user_account.id'],
                            name=op.f('fk_dispute_resolved_by_id_user_account')),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_dispute_school_id_school')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dispute'))
    )
    with op.batch_alter_table('dispute', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dispute_attempt_id'), ['attempt_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_dispute_exam_item_id'), ['exam_item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_dispute_learner_id'), ['learner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_dispute_school_id'), ['school_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_dispute_status'), ['status'], unique=False)

    op.create_table('deletion_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('by_id', sa.Integer(), nullable=True),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('counts', sa.JSON(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['by_id'], ['user_account.id'], name=op.f('fk_deletion_log_by_id_user_account')),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_deletion_log_school_id_school')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deletion_log'))
    )
    with op.batch_alter_table('deletion_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deletion_log_school_id'), ['school_id'], unique=False)

    with op.batch_alter_table('grade_override', schema=None) as batch_op:
        batch_op.alter_column('learner_id', existing_type=sa.Integer(), nullable=True)


def downgrade():
    with op.batch_alter_table('grade_override', schema=None) as batch_op:
        batch_op.alter_column('learner_id', existing_type=sa.Integer(), nullable=False)

    with op.batch_alter_table('deletion_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deletion_log_school_id'))
    op.drop_table('deletion_log')
    with op.batch_alter_table('dispute', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dispute_status'))
        batch_op.drop_index(batch_op.f('ix_dispute_school_id'))
        batch_op.drop_index(batch_op.f('ix_dispute_learner_id'))
        batch_op.drop_index(batch_op.f('ix_dispute_exam_item_id'))
        batch_op.drop_index(batch_op.f('ix_dispute_attempt_id'))
    op.drop_table('dispute')
