"""`flask db upgrade` builds the schema on SQLite and PostgreSQL, and matches the models."""

import pytest
import sqlalchemy as sa

from dongui import create_app
from dongui.extensions import db
from tests.conftest import base_config


def drop_everything(app):
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as connection:
            connection.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))


@pytest.fixture
def empty_app(database_url):
    app = create_app(base_config(database_url))
    drop_everything(app)
    yield app
    drop_everything(app)
    with app.app_context():
        db.engine.dispose()


def test_upgrade_builds_the_schema_and_matches_the_models(empty_app):
    runner = empty_app.test_cli_runner()
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    with empty_app.app_context():
        tables = set(sa.inspect(db.engine).get_table_names())
    assert {"schools", "users", "classrooms", "class_teachers", "enrollments"} <= tables
    check = runner.invoke(args=["db", "check"])
    assert check.exit_code == 0, check.output
    seeded = runner.invoke(args=["demo", "seed"])
    assert seeded.exit_code == 0, seeded.output


def test_upgrade_twice_changes_nothing(empty_app):
    runner = empty_app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0


def test_the_completed_index_is_built_and_undone(empty_app):
    """Migration 0005: the partial index of completed progress, and the way back to 0004."""
    runner = empty_app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0

    def indexes():
        with empty_app.app_context():
            return {i["name"] for i in sa.inspect(db.engine).get_indexes("module_progress")}

    assert "ix_module_progress_completed" in indexes() and "ix_module_progress_user_id" not in indexes()
    down = runner.invoke(args=["db", "downgrade", "0004"])
    assert down.exit_code == 0, down.output
    assert "ix_module_progress_completed" not in indexes() and "ix_module_progress_user_id" in indexes()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    assert runner.invoke(args=["db", "check"]).exit_code == 0


def test_0009_keeps_every_row_while_users_is_rebuilt_and_goes_back(empty_app):
    """Migration 0009 lets users.school_id be empty (a district admin's): SQLite rebuilds the
    table, which with foreign keys on would delete every enrollment, progress row and attempt
    first. The rows stay; foreign keys are on again afterwards; 0008 and back again works."""
    runner = empty_app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade", "0008"]).exit_code == 0
    now = "2026-11-25 03:00:00"
    statements = [
        "INSERT INTO schools (id, name, slug, timezone, default_locale, allow_self_signup, help_contacts,"
        " is_demo, created_at) VALUES (1, 'S', 's', 'Asia/Seoul', 'ko', false, '[]', false, :now)",
        "INSERT INTO users (id, school_id, username, display_name, role, password_hash,"
        " must_change_password, session_version, created_at) VALUES"
        " (1, 1, 't', 'T', 'teacher', 'x', false, 1, :now), (2, 1, 'p', 'P', 'student', 'x', false, 1, :now)",
        "INSERT INTO classrooms (id, school_id, name, year, join_code, created_at) VALUES (1, 1, 'C', 2026, 'J1', :now)",
        "INSERT INTO class_teachers (classroom_id, teacher_id) VALUES (1, 1)",
        "INSERT INTO enrollments (id, classroom_id, student_id, created_at) VALUES (1, 1, 2, :now)",
        "INSERT INTO module_progress (id, user_id, module_slug, started_at, last_step, attempts, content_hash)"
        " VALUES (1, 2, 'sample', :now, 1, 0, '')",
    ]
    tables = ("users", "classrooms", "class_teachers", "enrollments", "module_progress")

    def counts():
        with empty_app.app_context():
            with db.engine.connect() as connection:
                return {
                    t: connection.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar_one() for t in tables
                }

    with empty_app.app_context():
        with db.engine.begin() as connection:
            for statement in statements:
                connection.execute(sa.text(statement), {"now": now})
    before = counts()
    assert before == {
        "users": 2,
        "classrooms": 1,
        "class_teachers": 1,
        "enrollments": 1,
        "module_progress": 1,
    }
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    assert counts() == before
    with empty_app.app_context():
        with db.engine.connect() as connection:
            if connection.dialect.name == "sqlite":
                assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1
            nullable = {c["name"]: c["nullable"] for c in sa.inspect(connection).get_columns("users")}
            assert nullable["school_id"] and nullable["district_id"]
    assert runner.invoke(args=["db", "check"]).exit_code == 0
    down = runner.invoke(args=["db", "downgrade", "0008"])
    assert down.exit_code == 0, down.output
    assert counts() == before
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    assert counts() == before


def test_the_roster_import_tokens_and_username_pattern_are_added_and_undone(empty_app):
    """Migration 0006: schools keep the pattern they had; the token table comes and goes."""
    runner = empty_app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade", "0005"]).exit_code == 0
    with empty_app.app_context(), db.engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO schools (name, slug, timezone, default_locale, allow_self_signup, help_contacts, "
                "is_demo, created_at) VALUES ('한빛', 'hanbit', 'Asia/Seoul', 'ko', false, '[]', false, "
                "CURRENT_TIMESTAMP)"
            )
        )
    assert runner.invoke(args=["db", "upgrade", "0006"]).exit_code == 0

    def schema():
        with empty_app.app_context():
            inspector = sa.inspect(db.engine)
            return (set(inspector.get_table_names()), {c["name"] for c in inspector.get_columns("schools")})

    tables, columns = schema()
    assert "roster_imports" in tables and "username_pattern" in columns
    with empty_app.app_context():
        pattern = db.session.execute(sa.text("SELECT username_pattern FROM schools")).scalar_one()
    assert pattern == "class_number"
    down = runner.invoke(args=["db", "downgrade", "0005"])
    assert down.exit_code == 0, down.output
    tables, columns = schema()
    assert "roster_imports" not in tables and "username_pattern" not in columns
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0


def test_0008_adds_classroom_mode_and_the_letter_home_and_goes_back(empty_app):
    """Migration 0008: a school from before keeps running (taking part does not complete a module,
    no "why" text of its own); an excusal from before has no reason; the three tables come and go."""
    runner = empty_app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade", "0007"]).exit_code == 0
    with empty_app.app_context(), db.engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO schools (id, name, slug, timezone, default_locale, allow_self_signup, help_contacts, "
                "is_demo, created_at) VALUES (1, '한빛', 'hanbit', 'Asia/Seoul', 'ko', false, '[]', false, "
                "CURRENT_TIMESTAMP)"
            )
        )
    assert runner.invoke(args=["db", "upgrade", "0008"]).exit_code == 0
    new_tables = {"class_presentations", "class_participations", "letter_slips"}

    def schema():
        with empty_app.app_context():
            inspector = sa.inspect(db.engine)
            return (
                set(inspector.get_table_names()),
                {c["name"] for c in inspector.get_columns("schools")},
                {c["name"] for c in inspector.get_columns("excusals")},
            )

    tables, schools, excusals = schema()
    assert (
        new_tables <= tables and {"letter_why", "participation_completes"} <= schools and "reason" in excusals
    )
    with empty_app.app_context():
        row = db.session.execute(sa.text("SELECT participation_completes, letter_why FROM schools")).one()
    assert not row[0] and row[1] is None
    down = runner.invoke(args=["db", "downgrade", "0007"])
    assert down.exit_code == 0, down.output
    tables, schools, excusals = schema()
    assert not new_tables & tables and "letter_why" not in schools and "reason" not in excusals
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
