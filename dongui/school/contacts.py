"""The school's own help lines (counsellor, Wee room), shown before the national ones."""

import re

from ..extensions import db
from ..models import School


def school_contacts(school: School | None, locale: str = "ko") -> list[dict]:
    """The school's own lines in `locale` (English words when the school wrote some), keeping
    only entries that have a name."""
    return contacts_in(school.help_contacts if school is not None else None, locale)


def contacts_in(help_contacts: list | None, locale: str) -> list[dict]:
    return [
        localized_contact(c, locale) for c in (help_contacts or []) if isinstance(c, dict) and c.get("name")
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


def only_school_contacts() -> list | None:
    """The only school's help lines as stored (None when the instance has not exactly one
    school): what every signed-out page's help panel needs, without loading the whole school."""
    rows = db.session.execute(db.select(School.help_contacts).limit(2)).all()
    return rows[0][0] if len(rows) == 1 else None


# The privacy officer's contact: a phone number (digits with spaces, dashes, dots or brackets,
# 7 to 15 digits, + for abroad) or an e-mail address.
PHONE_CHARACTERS = re.compile(r"^\+?[0-9][0-9 ().-]*[0-9]$")
EMAIL_ADDRESS = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"'.]+$")


def contact_kind(value: str) -> str | None:
    """ "phone" or "email" for a privacy officer's contact, None for anything else."""
    value = value.strip()
    if EMAIL_ADDRESS.match(value):
        return "email"
    if PHONE_CHARACTERS.match(value) and 7 <= sum(c.isdigit() for c in value) <= 15:
        return "phone"
    return None


def privacy_officer(school: School | None) -> dict | None:
    """The school's 개인정보 보호책임자 for the privacy page: name, contact and a link (tel: or
    mailto:); None when the school has not named one (or the visitor's school is unknown)."""
    if school is None or not school.privacy_officer_name or not school.privacy_officer_contact:
        return None
    contact = school.privacy_officer_contact
    kind = contact_kind(contact)
    if kind == "email":
        href = f"mailto:{contact}"
    elif kind == "phone":
        href = "tel:" + "".join(c for c in contact if c.isdigit() or c == "+")
    else:
        href = None
    return {"name": school.privacy_officer_name, "contact": contact, "href": href, "school": school.name}
