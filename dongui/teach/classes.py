"""Classes: creating them and their join codes."""

import secrets

from ..extensions import db
from ..models import ClassTeacher, Classroom, School, User

# Upper-case letters and digits without look-alikes (no I, L, O, 0, 1).
JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH = 6


def generate_join_code() -> str:
    """A join code not used by any class of the instance."""
    while True:
        code = "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))
        taken = db.session.execute(db.select(Classroom.id).filter_by(join_code=code)).first()
        if taken is None:
            return code


def create_classroom(school: School, teacher: User, name: str, year: int) -> Classroom:
    classroom = Classroom(school=school, name=name.strip(), year=year, join_code=generate_join_code())
    db.session.add(classroom)
    db.session.flush()
    db.session.add(ClassTeacher(classroom_id=classroom.id, teacher_id=teacher.id))
    db.session.flush()
    return classroom
