"""districts (교육청) and the before-and-after check: an education office with its member schools,
its admins (who belong to a district instead of a school, so users.school_id may be empty) and
its report's kept figures;
the check's marks (who is done with which half), its pending answers, its tallies, and the
school's k (the fewest answers a half needs before anyone sees results)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

PHASE = sa.Enum('before', 'after', name='checkphase', native_enum=False, length=8)


def check_foreign_keys():
    """SQLite rebuilds users to let school_id be empty (migrations/env.py turns foreign keys off
    for it): make sure every row that points at users still finds it."""
    bind = op.get_bind()
    if bind.dialect.name == 'sqlite':
        broken = bind.exec_driver_sql('PRAGMA foreign_key_check').fetchall()
        if broken:
            raise RuntimeError(f'foreign keys broken by the rebuild: {broken[:5]}')


def upgrade():
    op.create_table('districts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('slug', sa.String(length=40), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('slug')
    )
    op.create_table('district_schools',
    sa.Column('district_id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['district_id'], ['districts.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('district_id', 'school_id')
    )
    with op.batch_alter_table('district_schools', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_district_schools_school_id'), ['school_id'], unique=False)

    op.create_table('district_figures',
    sa.Column('district_id', sa.Integer(), nullable=False),
    sa.Column('counted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['district_id'], ['districts.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('district_id')
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('district_id', sa.Integer(), nullable=True))
        batch_op.alter_column('school_id', existing_type=sa.INTEGER(), nullable=True)
        batch_op.create_index(batch_op.f('ix_users_district_id'), ['district_id'], unique=False)
        batch_op.create_foreign_key('fk_users_district_id_districts', 'districts', ['district_id'], ['id'],
                                    ondelete='CASCADE')
        batch_op.create_check_constraint('ck_users_school_or_district',
                                         '(school_id IS NULL) <> (district_id IS NULL)')

    with op.batch_alter_table('schools', schema=None) as batch_op:
        batch_op.add_column(sa.Column('check_min_answers', sa.Integer(), server_default='10', nullable=False))

    op.create_table('check_marks',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('classroom_id', sa.Integer(), nullable=False),
    sa.Column('phase', PHASE, nullable=False),
    sa.ForeignKeyConstraint(['classroom_id'], ['classrooms.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'classroom_id', 'phase')
    )
    with op.batch_alter_table('check_marks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_check_marks_classroom_id'), ['classroom_id'], unique=False)

    op.create_table('pending_check_answers',
    sa.Column('classroom_id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.String(length=64), nullable=False),
    sa.Column('phase', PHASE, nullable=False),
    sa.Column('entries', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['classroom_id'], ['classrooms.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('classroom_id', 'survey_id', 'phase')
    )
    op.create_table('check_tallies',
    sa.Column('classroom_id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.String(length=64), nullable=False),
    sa.Column('phase', PHASE, nullable=False),
    sa.Column('item_id', sa.String(length=64), nullable=False),
    sa.Column('point', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['classroom_id'], ['classrooms.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('classroom_id', 'survey_id', 'phase', 'item_id', 'point')
    )
    check_foreign_keys()


def downgrade():
    """District admins have no school, so they cannot stay: they are deleted first."""
    op.drop_table('check_tallies')
    op.drop_table('pending_check_answers')
    with op.batch_alter_table('check_marks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_check_marks_classroom_id'))
    op.drop_table('check_marks')

    with op.batch_alter_table('schools', schema=None) as batch_op:
        batch_op.drop_column('check_min_answers')

    op.execute("DELETE FROM users WHERE school_id IS NULL")
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint('ck_users_school_or_district', type_='check')
        batch_op.drop_constraint('fk_users_district_id_districts', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_users_district_id'))
        batch_op.alter_column('school_id', existing_type=sa.INTEGER(), nullable=False)
        batch_op.drop_column('district_id')

    with op.batch_alter_table('district_schools', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_district_schools_school_id'))
    op.drop_table('district_schools')
    op.drop_table('district_figures')
    op.drop_table('districts')
    check_foreign_keys()
