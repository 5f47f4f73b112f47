"""the question box's daily release: questions wait in pending_questions; schools keep a release
hour and the time of their next release

A question is no longer written into class_questions by the asker's request: it waits, linked to
nothing but its class, until the daily release writes the day's questions in random order
(dongui/school/questions.py). On SQLite the waiting table has no rowid, so its stored order is
its random ids', not the order of arrival.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('pending_questions',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('classroom_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('release_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['classroom_id'], ['classrooms.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sqlite_with_rowid=False,
    )
    with op.batch_alter_table('pending_questions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pending_questions_classroom_id'), ['classroom_id'], unique=False)

    with op.batch_alter_table('schools', schema=None) as batch_op:
        batch_op.add_column(sa.Column('question_release_hour', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('question_release_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('schools', schema=None) as batch_op:
        batch_op.drop_column('question_release_at')
        batch_op.drop_column('question_release_hour')

    with op.batch_alter_table('pending_questions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pending_questions_classroom_id'))

    op.drop_table('pending_questions')
