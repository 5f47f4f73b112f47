"""`flask backup`: a consistent copy of the database while the app keeps serving.

SQLite: the online backup API writes a timestamped file (readers and writers go on meanwhile).
PostgreSQL: pg_dump is the tool; the command prints the exact invocation instead of running it,
so the dump runs where the operator chooses and with their credentials.
"""

import sqlite3
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa

from .clock import utcnow


class BackupError(Exception):
    pass


def backup_name(now: datetime) -> str:
    return f"dongui-{now.strftime('%Y%m%d-%H%M%S')}"


def backup_sqlite(database_url: str, folder: Path, now: datetime | None = None) -> Path:
    """Copy the SQLite database to `folder/dongui-YYYYmmdd-HHMMSS.db`; return the path."""
    url = sa.engine.make_url(database_url)
    source_path = url.database
    if not source_path or source_path == ":memory:":
        raise BackupError("an in-memory database cannot be backed up")
    if not Path(source_path).exists():
        raise BackupError(f"no database at {source_path}")
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{backup_name(now or utcnow())}.db"
    if target.exists():
        raise BackupError(f"{target} already exists")
    source = sqlite3.connect(source_path)
    try:
        destination = sqlite3.connect(target)
        try:
            with destination:
                source.backup(destination)
            if destination.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError(f"{target} failed its integrity check")
        finally:
            destination.close()
    finally:
        source.close()
    target.chmod(0o600)  # it holds every account and learning record
    return target


def pg_dump_command(database_url: str, folder: Path, now: datetime | None = None) -> str:
    """The pg_dump invocation for this database, without the password (use ~/.pgpass or PGPASSWORD)."""
    url = sa.engine.make_url(database_url)
    parts = ["pg_dump", "--format=custom", "--no-owner"]
    if url.host:
        parts.append(f"--host={url.host}")
    if url.port:
        parts.append(f"--port={url.port}")
    if url.username:
        parts.append(f"--username={url.username}")
    parts.append(f"--file={folder / (backup_name(now or utcnow()) + '.dump')}")
    parts.append(url.database or "")
    return " ".join(parts)
