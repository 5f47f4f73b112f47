"""roster imports found again by their confirm token; the school's username pattern

A resent or double-clicked roster confirm finds its first import (token hash, unique) and
shows the same result. Schools choose how imported students without a username are named:
school-class-number (as before, the default), 학번, or school + 학번.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('schools', schema=None) as batch_op:
        batch_op.add_column(sa.Column(
            'username_pattern',
            sa.Enum('class_number', 'student_id', 'school_student_id', name='usernamepattern',
                    native_enum=False, length=24),
            server_default='class_number', nullable=False))

    op.create_table('roster_imports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('classroom_id', sa.Integer(), nullable=False),
    sa.Column('audit_event_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['audit_event_id'], ['audit_events.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['classroom_id'], ['classrooms.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    with op.batch_alter_table('roster_imports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_roster_imports_audit_event_id'), ['audit_event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_roster_imports_classroom_id'), ['classroom_id'], unique=False)


def downgrade():
    with op.batch_alter_table('roster_imports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_roster_imports_classroom_id'))
        batch_op.drop_index(batch_op.f('ix_roster_imports_audit_event_id'))

    op.drop_table('roster_imports')
    with op.batch_alter_table('schools', schema=None) as batch_op:
        batch_op.drop_column('username_pattern')
