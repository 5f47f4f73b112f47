"""The rule for a password someone chooses: long enough for their role, not common, not their
username. Generated one-time passwords are random and do not go through it."""

import gzip
from functools import cache
from importlib.resources import files

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from ..models import Role, normalize_username

MIN_PASSWORD_LENGTH = 8
# Staff accounts see every student in their classes (or the school), so they need more; so does
# a district admin, who sees many schools' figures.
MIN_STAFF_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 128
STAFF_ROLES = frozenset({Role.TEACHER, Role.ADMIN, Role.DISTRICT_ADMIN})
# Django's list (see dongui/data/README.md): 20,000 passwords, lower-case, one a line.
COMMON_PASSWORDS = files("dongui") / "data" / "common-passwords.txt.gz"


def min_password_length(role: Role) -> int:
    return MIN_STAFF_PASSWORD_LENGTH if role in STAFF_ROLES else MIN_PASSWORD_LENGTH


def password_hint(role: Role) -> LazyString:
    return _l(
        "At least %(min)d characters. A short sentence is easy to remember.", min=min_password_length(role)
    )


@cache
def load_common_passwords() -> frozenset[str]:
    """The common-passwords list, read once per process, on first use."""
    lines = gzip.decompress(COMMON_PASSWORDS.read_bytes()).decode("utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip())


def is_common_password(password: str) -> bool:
    return password.strip().lower() in load_common_passwords()


def password_problem_code(password: str, role: Role, username: str = "") -> str | None:
    """The first rule a chosen password breaks: too_short, too_long, username or common; else None.

    Surrounding spaces do not count towards the length: in a masked field nobody sees them.
    """
    length = len(password.strip())
    if length < min_password_length(role):
        return "too_short"
    if length > MAX_PASSWORD_LENGTH:
        return "too_long"
    if username and normalize_username(password) == normalize_username(username):
        return "username"
    if is_common_password(password):
        return "common"
    return None


def password_problem(password: str, role: Role, username: str = "") -> LazyString | None:
    """What is wrong with a chosen password, in words for the person choosing it, or None."""
    code = password_problem_code(password, role, username)
    if code in ("too_short", "too_long"):
        return _l(
            "Use between %(min)d and %(max)d characters.",
            min=min_password_length(role),
            max=MAX_PASSWORD_LENGTH,
        )
    if code == "username":
        return _l("Your password cannot be your username.")
    if code == "common":
        return _l("This password is too common. Choose one that is harder to guess.")
    return None
