"""The letter home's return slips (가정통신문 회신서), as the teacher marks them: returned, with
questions, and modules the family will teach at home. Keeping a module for home is an excusal
with the reason "가정 요청" (ExcusalReason.FAMILY), made and logged like any other. The slip's
written reason stays on paper: Dongui keeps no family's words. Functions flush; the view commits.
"""

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from ..clock import utcnow
from ..extensions import db
from ..models import Classroom, Enrollment, Excusal, ExcusalReason, LetterSlip, User
from .assignments import excuse_student, unexcuse_student
from .audit import Action, record_audit


@dataclass(frozen=True)
class SlipMark:
    """What the teacher ticked for one student's slip."""

    returned: bool = False
    has_questions: bool = False
    home_modules: frozenset = frozenset()  # module slugs the family will teach at home

    @property
    def is_returned(self) -> bool:
        return self.returned or self.has_questions or bool(self.home_modules)


def list_slips(classroom_id: int) -> dict[int, LetterSlip]:
    """The class's slips by student (one query)."""
    rows = db.session.execute(db.select(LetterSlip).filter_by(classroom_id=classroom_id)).scalars()
    return {row.student_id: row for row in rows}


def excusal_reasons(classroom_id: int) -> dict[tuple[int, str], str | None]:
    """{(student, module): reason} for every excusal in the class (one query)."""
    rows = db.session.execute(
        db.select(Excusal.student_id, Excusal.module_slug, Excusal.reason).where(
            Excusal.classroom_id == classroom_id
        )
    ).all()
    return {(student_id, slug): reason for student_id, slug, reason in rows}


def record_slips(
    classroom: Classroom, marks: Mapping[int, SlipMark], assigned: Collection[str], actor: User, today: date
) -> None:
    """Record the slips of the students in `marks` (each an active student of the class).

    A module ticked for home becomes a 가정 요청 excusal (unless the student is already excused
    from it for another reason); unticking it takes back only a 가정 요청 excusal.

    :raises ValueError: when a ticked module is not assigned to the class.
    """
    assigned = set(assigned)
    if any(not mark.home_modules <= assigned for mark in marks.values()):
        raise ValueError("a module not assigned to the class")
    slips = list_slips(classroom.id)
    reasons = excusal_reasons(classroom.id)
    students = (
        {
            user.id: user
            for user in db.session.execute(db.select(User).where(User.id.in_(list(marks)))).scalars()
        }
        if marks
        else {}
    )
    for student_id, mark in marks.items():
        record_slip(classroom, student_id, mark, slips.get(student_id), actor, today)
        for slug in sorted(assigned):
            key = (student_id, slug)
            if slug in mark.home_modules and key not in reasons:
                excuse_student(classroom, students[student_id], slug, actor, reason=ExcusalReason.FAMILY)
            elif slug not in mark.home_modules and reasons.get(key) == ExcusalReason.FAMILY:
                unexcuse_student(classroom, students[student_id], slug, actor)
    returned = [m for m in marks.values() if m.is_returned]
    record_audit(
        classroom.school_id,
        actor.id,
        Action.CLASS_SLIPS,
        "classroom",
        classroom.id,
        returned=len(returned),
        questions=sum(m.has_questions for m in returned),
        home=sum(bool(m.home_modules) for m in returned),
    )
    db.session.flush()


def record_slip(
    classroom: Classroom, student_id: int, mark: SlipMark, slip: LetterSlip | None, actor: User, today: date
) -> None:
    if not mark.is_returned:
        if slip is not None:
            db.session.delete(slip)
        return
    if slip is None:
        slip = LetterSlip(classroom_id=classroom.id, student_id=student_id, returned_on=today)
        db.session.add(slip)
    slip.has_questions = mark.has_questions
    slip.recorded_by = actor.id
    slip.recorded_at = utcnow()


def slip_counts(class_ids: list[int]) -> dict[int, tuple[int, int, int]]:
    """{class: (slips returned, with questions, students kept home from a module)} over the
    classes' active students, in two queries."""
    if not class_ids:
        return {}
    active = sa.and_(User.id == Enrollment.student_id, User.deactivated_at.is_(None))
    slips = db.session.execute(
        db.select(LetterSlip.classroom_id, sa.func.count(), sa.func.count().filter(LetterSlip.has_questions))
        .join(
            Enrollment,
            sa.and_(
                Enrollment.classroom_id == LetterSlip.classroom_id,
                Enrollment.student_id == LetterSlip.student_id,
            ),
        )
        .join(User, active)
        .where(LetterSlip.classroom_id.in_(class_ids))
        .group_by(LetterSlip.classroom_id)
    ).all()
    home = dict(
        db.session.execute(
            db.select(Excusal.classroom_id, sa.func.count(sa.distinct(Excusal.student_id)))
            .join(
                Enrollment,
                sa.and_(
                    Enrollment.classroom_id == Excusal.classroom_id,
                    Enrollment.student_id == Excusal.student_id,
                ),
            )
            .join(User, active)
            .where(Excusal.classroom_id.in_(class_ids), Excusal.reason == ExcusalReason.FAMILY)
            .group_by(Excusal.classroom_id)
        ).all()
    )
    counts = {
        class_id: (returned, questions, home.get(class_id, 0)) for class_id, returned, questions in slips
    }
    for class_id, students in home.items():
        counts.setdefault(class_id, (0, 0, students))
    return counts
