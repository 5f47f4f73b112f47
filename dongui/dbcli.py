"""`flask db …` (Flask-Migrate), loaded only when a `db` command runs.

Flask-Migrate imports Alembic, a quarter of a second that serving and every other command
would pay for nothing; this group stands in for it and binds Flask-Migrate on first use.
"""

import click
from flask import g
from flask.cli import ScriptInfo, with_appcontext

from .config import ROOT
from .extensions import db

MIGRATIONS_DIR = str(ROOT / "migrations")


class MigrationCommands(click.Group):
    def _commands(self, ctx) -> click.Group:
        from flask_migrate import Migrate
        from flask_migrate.cli import db as commands

        app = ctx.ensure_object(ScriptInfo).load_app()
        if "migrate" not in app.extensions:
            Migrate(app, db, directory=MIGRATIONS_DIR)
        return commands

    def list_commands(self, ctx):
        return self._commands(ctx).list_commands(ctx)

    def get_command(self, ctx, name):
        return self._commands(ctx).get_command(ctx, name)


@click.group("db", cls=MigrationCommands)
@click.option("-d", "--directory", default=None, help="Migration script directory (default: migrations)")
@click.option("-x", "--x-arg", multiple=True, help="Additional arguments consumed by env.py")
@with_appcontext
def migration_commands(directory, x_arg):
    """Database migrations (Flask-Migrate): `flask db upgrade`."""
    # What Flask-Migrate's own group does; its commands read these.
    g.directory = directory
    g.x_arg = x_arg
