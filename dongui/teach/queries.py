"""Read-only queries behind the teacher's pages."""

from dataclasses import dataclass

import sqlalchemy as sa

from ..extensions import db
from ..models import ClassTeacher, Classroom, Enrollment


@dataclass(frozen=True)
class TeacherClass:
    id: int
    name: str
    year: int
    join_code: str
    student_count: int


def list_teacher_classes(teacher_id: int) -> list[TeacherClass]:
    """The classes a teacher teaches, not archived, with their number of students."""
    counts = (
        db.select(Enrollment.classroom_id, sa.func.count().label("n"))
        .group_by(Enrollment.classroom_id)
        .subquery()
    )
    rows = db.session.execute(
        db.select(
            Classroom.id, Classroom.name, Classroom.year, Classroom.join_code,
            sa.func.coalesce(counts.c.n, 0),
        )
        .join(ClassTeacher, ClassTeacher.classroom_id == Classroom.id)
        .outerjoin(counts, counts.c.classroom_id == Classroom.id)
        .where(ClassTeacher.teacher_id == teacher_id, Classroom.archived_at.is_(None))
        .order_by(Classroom.year.desc(), Classroom.name)
    ).all()
    return [TeacherClass(*row) for row in rows]
