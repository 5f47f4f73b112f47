"""Whose school contacts the help panel and page show first."""

from flask import g
from flask_login import current_user

from ..extensions import db
from ..models import School


def school_for_help() -> School | None:
    """The signed-in user's school; signed out, the school when the instance has only one."""
    if "help_school" not in g:
        if current_user and current_user.is_authenticated:
            g.help_school = current_user.school
        else:
            schools = db.session.execute(db.select(School).limit(2)).scalars().all()
            g.help_school = schools[0] if len(schools) == 1 else None
    return g.help_school


def school_contacts(school: School | None) -> list[dict]:
    """The school's own lines, keeping only entries that have a name."""
    if school is None:
        return []
    return [c for c in (school.help_contacts or []) if isinstance(c, dict) and c.get("name")]
