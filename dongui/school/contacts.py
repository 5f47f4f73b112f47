"""The school's own help lines (counsellor, Wee room), shown before the national ones."""

from ..extensions import db
from ..models import School


def school_contacts(school: School | None, locale: str = "ko") -> list[dict]:
    """The school's own lines in `locale` (English words when the school wrote some), keeping
    only entries that have a name."""
    if school is None:
        return []
    return [
        localized_contact(c, locale)
        for c in (school.help_contacts or [])
        if isinstance(c, dict) and c.get("name")
    ]


def localized_contact(contact: dict, locale: str) -> dict:
    if locale == "en":
        return {
            "name": contact.get("name_en") or contact["name"],
            "phone": contact.get("phone", ""),
            "note": contact.get("note_en") or contact.get("note", ""),
        }
    return {"name": contact["name"], "phone": contact.get("phone", ""), "note": contact.get("note", "")}


def only_school() -> School | None:
    """The school, when the instance has exactly one (so a signed-out visitor's is known)."""
    schools = db.session.execute(db.select(School).limit(2)).scalars().all()
    return schools[0] if len(schools) == 1 else None
