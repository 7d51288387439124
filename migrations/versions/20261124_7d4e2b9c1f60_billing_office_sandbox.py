"""the billing-office sandbox: patient accounts, submitted claims, ledger, postings, denial work (money in cents)

Revision ID: 7d4e2b9c1f60
Revises: 7d2e4b6a9c01
Create Date: 2026-11-24 15:34:31.499158

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7d4e2b9c1f60'
down_revision = '7d2e4b6a9c01'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('office_account',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('payer_key', sa.String(length=20), nullable=False),
    sa.Column('member_id', sa.String(length=40), nullable=False),
    sa.Column('patient_name', sa.String(length=120), nullable=False),
    sa.Column('account_no', sa.String(length=40), nullable=False),
    sa.Column('deductible_met', sa.Integer(), nullable=False),
    sa.Column('out_of_pocket_met', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_office_account_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_office_account')),
    sa.UniqueConstraint('user_id', 'payer_key', 'member_id', name=op.f('uq_office_account_user_id_payer_key_member_id'))
    )
    with op.batch_alter_table('office_account', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_office_account_user_id'), ['user_id'], unique=False)

    op.create_table('office_claim',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('claim_attempt_id', sa.Integer(), nullable=True),
    sa.Column('exercise_id', sa.String(length=64), nullable=False),
    sa.Column('claim', sa.JSON(), nullable=False),
    sa.Column('frequency', sa.String(length=1), nullable=False),
    sa.Column('payer_key', sa.String(length=20), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('received', sa.Date(), nullable=False),
    sa.Column('accepted', sa.Boolean(), nullable=False),
    sa.Column('ack_errors', sa.JSON(), nullable=False),
    sa.Column('payer_claim_number', sa.String(length=20), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('remittance_835', sa.Text(), nullable=True),
    sa.Column('remittance', sa.JSON(none_as_null=True), nullable=True),
    sa.Column('why', sa.JSON(), nullable=False),
    sa.Column('deductible_applied', sa.Integer(), nullable=False),
    sa.Column('out_of_pocket_applied', sa.Integer(), nullable=False),
    sa.Column('replaces_id', sa.Integer(), nullable=True),
    sa.Column('replaced_by_id', sa.Integer(), nullable=True),
    sa.Column('posted', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['office_account.id'], name=op.f('fk_office_claim_account_id_office_account')),
    sa.ForeignKeyConstraint(['claim_attempt_id'], ['claim_attempt.id'], name=op.f('fk_office_claim_claim_attempt_id_claim_attempt')),
    sa.ForeignKeyConstraint(['exercise_id'], ['exercise.id'], name=op.f('fk_office_claim_exercise_id_exercise')),
    sa.ForeignKeyConstraint(['replaced_by_id'], ['office_claim.id'], name=op.f('fk_office_claim_replaced_by_id_office_claim')),
    sa.ForeignKeyConstraint(['replaces_id'], ['office_claim.id'], name=op.f('fk_office_claim_replaces_id_office_claim')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_office_claim_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_office_claim')),
    sa.UniqueConstraint('claim_attempt_id', name=op.f('uq_office_claim_claim_attempt_id'))
    )
    with op.batch_alter_table('office_claim', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_office_claim_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_office_claim_payer_claim_number'), ['payer_claim_number'], unique=False)
        batch_op.create_index('ix_office_claim_user_exercise', ['user_id', 'exercise_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_office_claim_user_id'), ['user_id'], unique=False)

    op.create_table('office_denial_work',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('line', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('right', sa.Boolean(), nullable=False),
    sa.Column('expected', sa.JSON(), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('appeal_decision', sa.String(length=20), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['claim_id'], ['office_claim.id'], name=op.f('fk_office_denial_work_claim_id_office_claim')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_office_denial_work_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_office_denial_work'))
    )
    with op.batch_alter_table('office_denial_work', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_office_denial_work_claim_id'), ['claim_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_office_denial_work_user_id'), ['user_id'], unique=False)

    op.create_table('office_ledger',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('line', sa.Integer(), nullable=False),
    sa.Column('service_date', sa.Date(), nullable=False),
    sa.Column('code', sa.String(length=10), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('posted_on', sa.Date(), nullable=False),
    sa.Column('source_claim_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['office_account.id'], name=op.f('fk_office_ledger_account_id_office_account')),
    sa.ForeignKeyConstraint(['claim_id'], ['office_claim.id'], name=op.f('fk_office_ledger_claim_id_office_claim')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_office_ledger_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['source_claim_id'], ['office_claim.id'], name=op.f('fk_office_ledger_source_claim_id_office_claim')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_office_ledger'))
    )
    with op.batch_alter_table('office_ledger', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_office_ledger_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_office_ledger_claim_id'), ['claim_id'], unique=False)

    op.create_table('office_posting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('answer', sa.JSON(), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('max_score', sa.Float(), nullable=False),
    sa.Column('findings', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['claim_id'], ['office_claim.id'], name=op.f('fk_office_posting_claim_id_office_claim')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_office_posting_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_office_posting')),
    sa.UniqueConstraint('claim_id', name=op.f('uq_office_posting_claim_id'))
    )
    with op.batch_alter_table('office_posting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_office_posting_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('office_posting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_office_posting_user_id'))

    op.drop_table('office_posting')
    with op.batch_alter_table('office_ledger', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_office_ledger_claim_id'))
        batch_op.drop_index(batch_op.f('ix_office_ledger_account_id'))

    op.drop_table('office_ledger')
    with op.batch_alter_table('office_denial_work', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_office_denial_work_user_id'))
        batch_op.drop_index(batch_op.f('ix_office_denial_work_claim_id'))

    op.drop_table('office_denial_work')
    with op.batch_alter_table('office_claim', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_office_claim_user_id'))
        batch_op.drop_index('ix_office_claim_user_exercise')
        batch_op.drop_index(batch_op.f('ix_office_claim_payer_claim_number'))
        batch_op.drop_index(batch_op.f('ix_office_claim_account_id'))

    op.drop_table('office_claim')
    with op.batch_alter_table('office_account', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_office_account_user_id'))

    op.drop_table('office_account')
