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
