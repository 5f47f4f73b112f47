"""`flask backup`: an online SQLite copy that opens and holds the data; pg_dump advice for PostgreSQL."""

import sqlite3
import stat
from datetime import UTC, datetime

import pytest

from dongui.backup import BackupError, backup_sqlite, pg_dump_command
from dongui.models import Role


def test_sqlite_backup_holds_the_data_and_is_private(app, runner, make_user, tmp_path, database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("the SQLite backup is for SQLite databases")
    make_user(Role.STUDENT, username="kept-student")
    result = runner.invoke(args=["backup", "--to", str(tmp_path / "backups")])
    assert result.exit_code == 0, result.output
    files = list((tmp_path / "backups").glob("dongui-*.db"))
    assert len(files) == 1 and str(files[0]) in result.output
    assert stat.S_IMODE(files[0].stat().st_mode) == 0o600
    with sqlite3.connect(files[0]) as copy:
        assert copy.execute("select username from users").fetchall() == [("kept-student",)]


def test_the_backup_name_is_timestamped_and_never_overwrites(tmp_path):
    source = tmp_path / "live.db"
    sqlite3.connect(source).close()
    moment = datetime(2026, 11, 25, 3, 4, 5, tzinfo=UTC)
    first = backup_sqlite(f"sqlite:///{source}", tmp_path / "b", now=moment)
    assert first.name == "dongui-20261125-030405.db"
    with pytest.raises(BackupError, match="already exists"):
        backup_sqlite(f"sqlite:///{source}", tmp_path / "b", now=moment)


def test_missing_or_in_memory_databases_are_refused_clearly(tmp_path):
    with pytest.raises(BackupError, match="no database"):
        backup_sqlite(f"sqlite:///{tmp_path / 'missing.db'}", tmp_path)
    with pytest.raises(BackupError, match="in-memory"):
        backup_sqlite("sqlite://", tmp_path)


def test_postgresql_gets_the_pg_dump_command_without_the_password(tmp_path):
    command = pg_dump_command(
        "postgresql+psycopg://dongui:s3cret@db.school.lan:5433/dongui",
        tmp_path,
        now=datetime(2026, 11, 25, tzinfo=UTC),
    )
    assert command.startswith("pg_dump --format=custom --no-owner --host=db.school.lan --port=5433")
    assert "--username=dongui" in command and command.endswith(" dongui")
    assert "s3cret" not in command and "dongui-20261125-000000.dump" in command


def test_the_command_prints_pg_dump_for_postgresql(app, runner, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only")
    result = runner.invoke(args=["backup"])
    assert result.exit_code == 0 and "pg_dump --format=custom" in result.output
