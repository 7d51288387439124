"""school-owned questions (owner, author, draft, source) and the question re-score log

Revision ID: 6e2a9c4f7b13
Revises: 9b4d2e6f1a70
Create Date: 2026-11-24 18:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '6e2a9c4f7b13'
down_revision = '9b4d2e6f1a70'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.add_column(sa.Column('owner_school_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('author_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('draft', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('source', sa.Text(), nullable=True))
        batch_op.create_index(batch_op.f('ix_question_owner_school_id'), ['owner_school_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_question_owner_school_id_school'), 'school',
                                    ['owner_school_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_question_author_id_user_account'), 'user_account',
                                    ['author_id'], ['id'])

    op.create_table('question_rescore_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.String(length=64), nullable=False),
    sa.Column('sitting_id', sa.Integer(), nullable=False),
    sa.Column('old_answer', sa.String(length=1), nullable=False),
    sa.Column('new_answer', sa.String(length=1), nullable=False),
    sa.Column('old_score', sa.Float(), nullable=True),
    sa.Column('new_score', sa.Float(), nullable=True),
    sa.Column('max_score', sa.Float(), nullable=True),
    sa.Column('old_passed', sa.Boolean(), nullable=True),
    sa.Column('new_passed', sa.Boolean(), nullable=True),
    sa.Column('trigger', sa.String(length=20), nullable=False),
    sa.Column('triggered_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['question.id'],
                            name=op.f('fk_question_rescore_log_question_id_question')),
    sa.ForeignKeyConstraint(['sitting_id'], ['exam_sitting.id'],
                            name=op.f('fk_question_rescore_log_sitting_id_exam_sitting')),
    sa.ForeignKeyConstraint(['triggered_by_id'], ['user_account.id'],
                            name=op.f('fk_question_rescore_log_triggered_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_question_rescore_log'))
    )
    with op.batch_alter_table('question_rescore_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_question_rescore_log_question_id'), ['question_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_question_rescore_log_sitting_id'), ['sitting_id'], unique=False)


def downgrade():
    with op.batch_alter_table('question_rescore_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_question_rescore_log_sitting_id'))
        batch_op.drop_index(batch_op.f('ix_question_rescore_log_question_id'))

    op.drop_table('question_rescore_log')
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_question_author_id_user_account'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_question_owner_school_id_school'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_question_owner_school_id'))
        batch_op.drop_column('source')
        batch_op.drop_column('draft')
        batch_op.drop_column('author_id')
        batch_op.drop_column('owner_school_id')
