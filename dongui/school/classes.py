"""Classes: creating them and their join codes."""

import secrets

import sqlalchemy as sa

from ..clock import utcnow
from ..extensions import db
from ..models import Classroom, ClassTeacher, Enrollment, Role, School, User, normalize_username
from .accounts import reset_password
from .audit import Action, record_audit

# Upper-case letters and digits without look-alikes (no I, L, O, 0, 1).
JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH = 6


def current_school_year() -> int:
    """The Korean school year starts in March: January and February belong to the last one."""
    now = utcnow()
    return now.year if now.month >= 3 else now.year - 1


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


def rename_classroom(classroom: Classroom, name: str, year: int) -> None:
    classroom.name = name.strip()
    classroom.year = year


def set_archived(classroom: Classroom, archived: bool) -> None:
    classroom.archived_at = utcnow() if archived else None


def regenerate_join_code(classroom: Classroom) -> str:
    classroom.join_code = generate_join_code()
    return classroom.join_code


def teaching(teacher_id: int):
    """A column for a query of classrooms: does this person teach the class? (Read with the
    class itself, in the same statement.)"""
    return sa.exists().where(ClassTeacher.classroom_id == Classroom.id, ClassTeacher.teacher_id == teacher_id)


def teaches(teacher_id: int, classroom_id: int) -> bool:
    return (
        db.session.execute(
            db.select(ClassTeacher).filter_by(classroom_id=classroom_id, teacher_id=teacher_id)
        ).first()
        is not None
    )


def add_co_teacher(classroom: Classroom, username: str) -> User | None:
    """Add a teacher or admin of the same school; None when there is no such colleague."""
    colleague = db.session.execute(
        db.select(User).filter_by(username=normalize_username(username), school_id=classroom.school_id)
    ).scalar_one_or_none()
    if colleague is None or colleague.role not in (Role.TEACHER, Role.ADMIN) or not colleague.is_active:
        return None
    if not teaches(colleague.id, classroom.id):
        db.session.add(ClassTeacher(classroom_id=classroom.id, teacher_id=colleague.id))
    return colleague


def remove_student(classroom: Classroom, student: User, actor: User) -> None:
    """Take a student out of the class; their account and progress stay."""
    db.session.execute(
        sa.delete(Enrollment).where(
            Enrollment.classroom_id == classroom.id, Enrollment.student_id == student.id
        )
    )
    record_audit(
        classroom.school_id, actor.id, Action.STUDENT_REMOVE, "user", student.id, classroom=classroom.id
    )


def move_student(source: Classroom, target: Classroom, student: User, actor: User) -> None:
    """Move a student to another of the teacher's classes, keeping their class number if free."""
    enrollment = db.session.execute(
        db.select(Enrollment).filter_by(classroom_id=source.id, student_id=student.id)
    ).scalar_one()
    already = db.session.execute(
        db.select(Enrollment).filter_by(classroom_id=target.id, student_id=student.id)
    ).scalar_one_or_none()
    number_taken = (
        enrollment.number is not None
        and db.session.execute(
            db.select(Enrollment.id).filter_by(classroom_id=target.id, number=enrollment.number)
        ).first()
        is not None
    )
    db.session.delete(enrollment)
    if already is None:
        db.session.add(
            Enrollment(
                classroom_id=target.id,
                student_id=student.id,
                number=None if number_taken else enrollment.number,
            )
        )
    record_audit(
        source.school_id,
        actor.id,
        Action.STUDENT_MOVE,
        "user",
        student.id,
        source=source.id,
        target=target.id,
    )


def reset_student_passwords(
    classroom: Classroom, students: list[User], actor: User
) -> list[tuple[User, str]]:
    """New one-time passwords (shown once on cards); each student's sessions end."""
    cards = [(student, reset_password(student)) for student in students]
    for student, _password in cards:
        record_audit(
            classroom.school_id, actor.id, Action.PASSWORD_RESET, "user", student.id, classroom=classroom.id
        )
    return cards
