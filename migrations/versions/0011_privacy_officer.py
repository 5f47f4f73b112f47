"""the school's privacy officer (개인정보 보호책임자): a name and a contact (phone or e-mail), shown on
the privacy page; both empty until the admin fills them in

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('schools', schema=None) as batch_op:
        batch_op.add_column(sa.Column('privacy_officer_name', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('privacy_officer_contact', sa.String(length=120), nullable=True))


def downgrade():
    with op.batch_alter_table('schools', schema=None) as batch_op:
        batch_op.drop_column('privacy_officer_contact')
        batch_op.drop_column('privacy_officer_name')
