"""Read-only queries behind the teacher's pages."""

from dataclasses import dataclass

import sqlalchemy as sa

from ..extensions import db
from ..models import Classroom, ClassTeacher, Enrollment, User


@dataclass(frozen=True)
class TeacherClass:
    id: int
    name: str
    year: int
    join_code: str
    student_count: int


def list_teacher_classes(teacher_id: int, archived: bool = False) -> list[TeacherClass]:
    """The classes a teacher teaches (active, or archived), with their number of students."""
    counts = (
        db.select(Enrollment.classroom_id, sa.func.count().label("n"))
        .group_by(Enrollment.classroom_id)
        .subquery()
    )
    rows = db.session.execute(
        db.select(
            Classroom.id,
            Classroom.name,
            Classroom.year,
            Classroom.join_code,
            sa.func.coalesce(counts.c.n, 0),
        )
        .join(ClassTeacher, ClassTeacher.classroom_id == Classroom.id)
        .outerjoin(counts, counts.c.classroom_id == Classroom.id)
        .where(
            ClassTeacher.teacher_id == teacher_id,
            Classroom.archived_at.is_not(None) if archived else Classroom.archived_at.is_(None),
        )
        .order_by(Classroom.year.desc(), Classroom.name)
    ).all()
    return [TeacherClass(*row) for row in rows]


@dataclass(frozen=True)
class RosterEntry:
    student_id: int
    number: int | None
    display_name: str
    username: str
    must_change_password: bool
    last_seen_at: object


def list_roster(classroom_id: int) -> list[RosterEntry]:
    """The class's students by number, then name (one query)."""
    rows = db.session.execute(
        db.select(
            User.id,
            Enrollment.number,
            User.display_name,
            User.username,
            User.must_change_password,
            User.last_seen_at,
        )
        .join(Enrollment, Enrollment.student_id == User.id)
        .where(Enrollment.classroom_id == classroom_id, User.deactivated_at.is_(None))
        .order_by(Enrollment.number.is_(None), Enrollment.number, User.display_name)
    ).all()
    return [RosterEntry(*row) for row in rows]


def list_class_teachers(classroom_id: int) -> list[str]:
    return list(
        db.session.execute(
            db.select(User.display_name)
            .join(ClassTeacher, ClassTeacher.teacher_id == User.id)
            .where(ClassTeacher.classroom_id == classroom_id)
            .order_by(User.display_name)
        ).scalars()
    )


def list_other_classes(teacher_id: int, classroom_id: int) -> list[tuple[int, str]]:
    """The teacher's other active classes, for moving a student."""
    return [(c.id, c.name) for c in list_teacher_classes(teacher_id) if c.id != classroom_id]
