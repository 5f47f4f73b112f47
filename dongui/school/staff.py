"""The school's staff and settings, as the school admin runs them. Functions flush; views commit."""

import sqlalchemy as sa

from ..clock import utcnow
from ..extensions import db
from ..models import ClassTeacher, Role, School, User
from .accounts import create_user, reset_password
from .audit import Action, record_audit

MAX_CONTACTS = 10


def create_teacher(school: School, username: str, display_name: str, actor: User) -> tuple[User, str]:
    """A teacher with a one-time password (shown once, on a card).

    :raises ValueError: when the username is invalid or taken.
    """
    user, password = create_user(school, username, display_name, Role.TEACHER)
    record_audit(school.id, actor.id, Action.TEACHER_CREATE, "user", user.id)
    return user, password


def reset_staff_password(user: User, actor: User) -> str:
    password = reset_password(user)
    record_audit(user.school_id, actor.id, Action.PASSWORD_RESET, "user", user.id)
    return password


def set_active(user: User, active: bool, actor: User) -> None:
    """Deactivate (sign-in refused, sessions end) or reactivate a staff account."""
    user.deactivated_at = None if active else utcnow()
    user.session_version += 1
    record_audit(
        user.school_id,
        actor.id,
        Action.STAFF_ACTIVATE if active else Action.STAFF_DEACTIVATE,
        "user",
        user.id,
    )


def reassign_classes(departing: User, successor: User, actor: User) -> int:
    """Give all of a departing teacher's classes to a colleague; return how many moved."""
    class_ids = list(
        db.session.execute(db.select(ClassTeacher.classroom_id).filter_by(teacher_id=departing.id)).scalars()
    )
    already = set(
        db.session.execute(db.select(ClassTeacher.classroom_id).filter_by(teacher_id=successor.id)).scalars()
    )
    db.session.execute(sa.delete(ClassTeacher).where(ClassTeacher.teacher_id == departing.id))
    db.session.add_all(
        ClassTeacher(classroom_id=cid, teacher_id=successor.id) for cid in class_ids if cid not in already
    )
    record_audit(
        departing.school_id,
        actor.id,
        Action.CLASSES_REASSIGN,
        "user",
        departing.id,
        to=successor.id,
        classes=len(class_ids),
    )
    return len(class_ids)


def parse_help_contacts(text: str) -> tuple[list[dict], list[tuple[int, str]]]:
    """One contact a line: `name | phone | note | English name | English note` (all but the
    name optional; English pages show the English words when there are some).

    Returns the contacts and (line, problem code) pairs: too_many, no_name, too_long.
    """
    contacts, problems = [], []
    lines = [(n, line) for n, line in enumerate((text or "").splitlines(), start=1) if line.strip()]
    if len(lines) > MAX_CONTACTS:
        problems.append((lines[MAX_CONTACTS][0], "too_many"))
    for number, line in lines[:MAX_CONTACTS]:
        name, phone, note, name_en, note_en = ([part.strip() for part in line.split("|")] + [""] * 4)[:5]
        if not name:
            problems.append((number, "no_name"))
        elif max(len(name), len(name_en)) > 80 or len(phone) > 30 or max(len(note), len(note_en)) > 200:
            problems.append((number, "too_long"))
        else:
            contacts.append(
                {"name": name, "phone": phone, "note": note, "name_en": name_en, "note_en": note_en}
            )
    return contacts, problems


def format_help_contacts(contacts: list[dict]) -> str:
    """The settings textarea's text for the stored contacts (the inverse of parsing)."""
    lines = []
    for contact in contacts or []:
        parts = [contact.get(key, "") for key in ("name", "phone", "note", "name_en", "note_en")]
        while parts and not parts[-1]:
            parts.pop()
        lines.append(" | ".join(parts))
    return "\n".join(lines)
