"""Read-only queries behind the student's pages."""

from dataclasses import dataclass

from ..extensions import db
from ..models import Classroom, Enrollment


@dataclass(frozen=True)
class StudentClass:
    id: int
    name: str
    year: int
    number: int | None


def list_student_classes(student_id: int) -> list[StudentClass]:
    """The classes a student is enrolled in, not archived, by year then name."""
    rows = db.session.execute(
        db.select(Classroom.id, Classroom.name, Classroom.year, Enrollment.number)
        .join(Enrollment, Enrollment.classroom_id == Classroom.id)
        .where(Enrollment.student_id == student_id, Classroom.archived_at.is_(None))
        .order_by(Classroom.year.desc(), Classroom.name)
    ).all()
    return [StudentClass(*row) for row in rows]
