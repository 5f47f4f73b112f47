"""`flask backup` and `flask questions release`: what a cron job runs."""

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from ..backup import BackupError, backup_sqlite, pg_dump_command
from ..school.questions import release_all_due
from .common import fail

questions_cli = AppGroup("questions", help="The anonymous question box.")


@click.command("backup")
@with_appcontext
@click.option("--to", "folder", default=None, help="Folder for the backup (default: instance/backups).")
def backup_command(folder):
    """Back up the database: SQLite online to a timestamped file; for PostgreSQL, print the pg_dump command."""

    url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    target = Path(folder) if folder else Path(current_app.instance_path) / "backups"
    if url.startswith("postgresql"):
        click.echo("PostgreSQL: run pg_dump (it takes a consistent snapshot while Dongui keeps serving):")
        click.echo(f"  {pg_dump_command(url, target)}")
        click.echo("Restore into an empty database with: pg_restore --no-owner --dbname=<database> <file>")
        return
    try:
        path = backup_sqlite(url, target)
    except BackupError as error:
        fail(f"Backup failed: {error}")
    click.echo(f"Backed up to {path} ({path.stat().st_size:,} bytes).")
    click.echo("To restore: stop Dongui, copy this file over the database file, start Dongui.")


@questions_cli.command("release")
def release_questions():
    """Run every school's due daily release of anonymous questions (for a cron job; without one,
    the school's first request after the release time runs it)."""

    released = release_all_due()
    click.secho(f"Released {released} question(s).", fg="green")
