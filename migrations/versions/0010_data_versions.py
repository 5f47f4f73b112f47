"""data versions for exact page caches: a class's moves on with every write that changes its
dashboard, a school's with every write that changes its report (dongui/school/versions.py)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('classrooms', schema=None) as batch_op:
        batch_op.add_column(sa.Column('data_version', sa.Integer(), server_default='0', nullable=False))

    with op.batch_alter_table('schools', schema=None) as batch_op:
        batch_op.add_column(sa.Column('data_version', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('schools', schema=None) as batch_op:
        batch_op.drop_column('data_version')

    with op.batch_alter_table('classrooms', schema=None) as batch_op:
        batch_op.drop_column('data_version')
