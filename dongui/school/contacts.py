"""The school's own help lines (counsellor, Wee room), shown before the national ones."""

from ..extensions import db
from ..models import School


def school_contacts(school: School | None) -> list[dict]:
    """The school's own lines, keeping only entries that have a name."""
    if school is None:
        return []
    return [c for c in (school.help_contacts or []) if isinstance(c, dict) and c.get("name")]


def only_school() -> School | None:
    """The school, when the instance has exactly one (so a signed-out visitor's is known)."""
    schools = db.session.execute(db.select(School).limit(2)).scalars().all()
    return schools[0] if len(schools) == 1 else None
