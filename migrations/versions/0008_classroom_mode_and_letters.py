"""classroom mode and the letter home: the class's screen on the projector, who took part in a
module taught in class (and passed its quiz on paper), the letter's return slips; an excusal's
reason (가정 요청); the school's "why we teach this" text and whether taking part completes a module

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('class_presentations',
    sa.Column('classroom_id', sa.Integer(), nullable=False),
    sa.Column('module_slug', sa.String(length=64), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('shown', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['classroom_id'], ['classrooms.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by'], ['users.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('classroom_id')
    )
    op.create_table('class_participations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('classroom_id', sa.Integer(), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('module_slug', sa.String(length=64), nullable=False),
    sa.Column('attended_on', sa.Date(), nullable=True),
    sa.Column('paper_passed_on', sa.Date(), nullable=True),
    sa.Column('recorded_by', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['classroom_id'], ['classrooms.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by'], ['users.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['student_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('classroom_id', 'student_id', 'module_slug')
    )
    with op.batch_alter_table('class_participations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_class_participations_student_id'), ['student_id'], unique=False)

    op.create_table('letter_slips',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('classroom_id', sa.Integer(), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('has_questions', sa.Boolean(), nullable=False),
    sa.Column('returned_on', sa.Date(), nullable=False),
    sa.Column('recorded_by', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['classroom_id'], ['classrooms.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by'], ['users.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['student_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('classroom_id', 'student_id')
    )
    with op.batch_alter_table('letter_slips', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_letter_slips_student_id'), ['student_id'], unique=False)

    with op.batch_alter_table('excusals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reason', sa.String(length=16), nullable=True))

    with op.batch_alter_table('schools', schema=None) as batch_op:
        batch_op.add_column(sa.Column('letter_why', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('participation_completes', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('schools', schema=None) as batch_op:
        batch_op.drop_column('participation_completes')
        batch_op.drop_column('letter_why')

    with op.batch_alter_table('excusals', schema=None) as batch_op:
        batch_op.drop_column('reason')

    with op.batch_alter_table('letter_slips', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_letter_slips_student_id'))
    op.drop_table('letter_slips')

    with op.batch_alter_table('class_participations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_class_participations_student_id'))
    op.drop_table('class_participations')

    op.drop_table('class_presentations')
