"""Read-only queries behind the school admin's pages."""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from ..extensions import db
from ..models import ClassTeacher, Classroom, Role, User


@dataclass(frozen=True)
class SchoolSummary:
    students: int
    students_never_signed_in: int
    teachers: int
    classes: int


@dataclass(frozen=True)
class StaffRow:
    id: int
    display_name: str
    username: str
    role: Role
    class_count: int
    last_seen_at: datetime | None
    is_active: bool


def summarize_school(school_id: int) -> SchoolSummary:
    """Head counts for the school report, in two queries whatever the school's size."""
    people = db.session.execute(
        db.select(
            sa.func.count().filter(User.role == Role.STUDENT),
            sa.func.count().filter(User.role == Role.STUDENT, User.last_seen_at.is_(None)),
            sa.func.count().filter(User.role != Role.STUDENT),
        ).where(User.school_id == school_id, User.deactivated_at.is_(None))
    ).one()
    classes = db.session.execute(
        db.select(sa.func.count()).select_from(Classroom).where(
            Classroom.school_id == school_id, Classroom.archived_at.is_(None)
        )
    ).scalar_one()
    return SchoolSummary(people[0], people[1], people[2], classes)


def list_staff(school_id: int) -> list[StaffRow]:
    """Teachers and admins of the school with the number of classes each teaches."""
    rows = db.session.execute(
        db.select(
            User.id, User.display_name, User.username, User.role,
            sa.func.count(ClassTeacher.classroom_id), User.last_seen_at,
            User.deactivated_at.is_(None),
        )
        .outerjoin(ClassTeacher, ClassTeacher.teacher_id == User.id)
        .where(User.school_id == school_id, User.role != Role.STUDENT)
        .group_by(User.id)
        .order_by(User.display_name)
    ).all()
    return [StaffRow(*row) for row in rows]
