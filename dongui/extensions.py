"""Extensions, created unbound and bound to the app in create_app.

Flask-Migrate is not here: it loads Alembic, which a serving worker never needs
(dongui/dbcli.py loads it for `flask db`).
"""

import sys

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)
login_manager = LoginManager()
babel = Babel()
csrf = CSRFProtect()
# Limits are declared per route (sign-in, join, sign-up); nothing is limited by default.
limiter = Limiter(key_func=get_remote_address)


def init_migrations(app, db, directory: str) -> None:
    """Bind Flask-Migrate when something has loaded it already (the migration tests do);
    `flask db` binds it itself (dongui/dbcli.py)."""
    if "flask_migrate" in sys.modules:
        from flask_migrate import Migrate

        Migrate(app, db, directory=directory)
