"""an index of completed module progress; the user_id index goes

The school report counts completed modules class by class over the partial index; the unique
(user_id, module_slug) index already serves lookups by user.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

COMPLETED = sa.text("lesson_done_at IS NOT NULL AND quiz_passed_at IS NOT NULL")


def upgrade():
    op.drop_index('ix_module_progress_user_id', table_name='module_progress')
    op.create_index('ix_module_progress_completed', 'module_progress', ['user_id', 'module_slug'],
                    unique=False, sqlite_where=COMPLETED, postgresql_where=COMPLETED)


def downgrade():
    op.drop_index('ix_module_progress_completed', table_name='module_progress')
    op.create_index('ix_module_progress_user_id', 'module_progress', ['user_id'], unique=False)
