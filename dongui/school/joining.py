"""Joining a class with its code, and self sign-up where the school allows it."""

import re
import secrets

from ..extensions import db
from ..models import Classroom, Enrollment, Role, User
from .accounts import create_user

CODE_NOISE = re.compile(r"[\s-]+")


class JoinError(ValueError):
    """`code` is one of: unknown, archived, closed (no self sign-up), already."""

    def __init__(self, code: str):
        self.code = code
        super().__init__(code)


def find_class_by_code(raw_code: str, school_id: int | None = None) -> Classroom:
    """The class with this join code.

    :raises JoinError: unknown (or another school's: the same answer, so codes can't be probed)
        or archived.
    """
    code = CODE_NOISE.sub("", raw_code or "").upper()
    classroom = (
        db.session.execute(db.select(Classroom).filter_by(join_code=code)).scalar_one_or_none()
        if code
        else None
    )
    if classroom is None or (school_id is not None and classroom.school_id != school_id):
        raise JoinError("unknown")
    if classroom.archived_at is not None:
        raise JoinError("archived")
    return classroom


def join_class(student: User, raw_code: str) -> Classroom:
    classroom = find_class_by_code(raw_code, student.school_id)
    enrolled = db.session.execute(
        db.select(Enrollment.id).filter_by(classroom_id=classroom.id, student_id=student.id)
    ).first()
    if enrolled is not None:
        raise JoinError("already")
    db.session.add(Enrollment(classroom_id=classroom.id, student_id=student.id))
    return classroom


def sign_up(raw_code: str, display_name: str, username: str, password: str) -> User:
    """Create a student account in the code's class (only where the school allows it).

    :raises JoinError: as find_class_by_code, or "closed".
    :raises ValueError: from create_user (username invalid or taken).
    """
    classroom = find_class_by_code(raw_code)
    if not classroom.school.allow_self_signup:
        raise JoinError("closed")
    user, _ = create_user(classroom.school, username, display_name, Role.STUDENT, password)
    db.session.add(Enrollment(classroom_id=classroom.id, student_id=user.id))
    return user


def suggest_username() -> str:
    return "s-" + "".join(secrets.choice("abcdefghjkmnpqrstuvwxyz23456789") for _ in range(6))
