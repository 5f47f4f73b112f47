"""What the command groups share: failing with a message, finding schools, the password rule."""

import sys

import click
from flask_babel import force_locale

from ..extensions import db
from ..models import Role, School
from ..school.passwords import password_problem


def fail(message: str):
    click.secho(message, fg="red", err=True)
    sys.exit(1)


def find_school_or_fail(slug: str) -> School:
    school = db.session.execute(db.select(School).filter_by(slug=slug)).scalar_one_or_none()
    if school is None:
        fail(f"No school with slug {slug!r}.")
    return school


def check_chosen_password(password: str, role: Role, username: str = "") -> None:
    """Fail, saying why, when a password typed at the command line breaks the password rule."""

    problem = password_problem(password, role, username)
    if problem is not None:
        with force_locale("en"):
            fail(f"Password not accepted: {problem}")
