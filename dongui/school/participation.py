"""Who took part in a module taught in class (수업 참여), and who passed its quiz on paper, as
the teacher records it after the period. Functions flush; the view commits.

What it means for a student's state is `status.class_status`; whether taking part completes a
module is the school's setting (School.participation_completes).
"""

from collections.abc import Collection
from datetime import date

import sqlalchemy as sa

from ..clock import utcnow
from ..extensions import db
from ..models import (
    COMPLETED_PROGRESS,
    ClassParticipation,
    Classroom,
    Enrollment,
    Excusal,
    ModuleProgress,
    User,
)
from .audit import Action, record_audit
from .status import ClassPart


def class_parts(classroom_id: int) -> dict[tuple[int, str], ClassPart]:
    """{(student, module): (present, passed on paper)} for a class, in one query."""
    rows = db.session.execute(
        db.select(
            ClassParticipation.student_id,
            ClassParticipation.module_slug,
            ClassParticipation.attended_on.is_not(None),
            ClassParticipation.paper_passed_on.is_not(None),
        ).where(ClassParticipation.classroom_id == classroom_id)
    ).all()
    return {(student_id, slug): (bool(present), bool(paper)) for student_id, slug, present, paper in rows}


def module_records(classroom_id: int, slug: str) -> dict[int, ClassParticipation]:
    """One module's records in a class, by student."""
    rows = db.session.execute(
        db.select(ClassParticipation).filter_by(classroom_id=classroom_id, module_slug=slug)
    ).scalars()
    return {row.student_id: row for row in rows}


def record_attendance(
    classroom: Classroom,
    slug: str,
    taught_on: date,
    roster: Collection[int],
    present: Collection[int],
    paper: Collection[int],
    actor: User,
) -> None:
    """Record one module's lesson for the students in `roster`: those in `present` took part on
    `taught_on`, those in `paper` passed its quiz on paper; everyone else in `roster` did not.

    :raises ValueError: when `present` or `paper` names someone outside `roster`.
    """
    roster, present, paper = set(roster), set(present), set(paper)
    if not present | paper <= roster:
        raise ValueError("a student outside the roster")
    records = module_records(classroom.id, slug)
    today = utcnow()
    for student_id in roster:
        row = records.get(student_id)
        if student_id not in present | paper:
            if row is not None:
                db.session.delete(row)
            continue
        if row is None:
            row = ClassParticipation(classroom_id=classroom.id, student_id=student_id, module_slug=slug)
            db.session.add(row)
        row.attended_on = taught_on if student_id in present else None
        if student_id not in paper:
            row.paper_passed_on = None
        elif row.paper_passed_on is None:
            row.paper_passed_on = taught_on
        row.recorded_by = actor.id
        row.recorded_at = today
    record_audit(
        classroom.school_id,
        actor.id,
        Action.CLASS_ATTENDANCE,
        "classroom",
        classroom.id,
        module=slug,
        on=taught_on.isoformat(),
        present=len(present),
        paper=len(paper),
        absent=len(roster - present),
    )
    db.session.flush()


def participation_counts(class_ids: list[int], credit: bool) -> dict[tuple[int, str], tuple[int, int]]:
    """{(class, module): (students who took part, students it completes)} over active, enrolled,
    not excused students, in one query. "Completes" counts those whose own progress is not
    completed but whose class record completes the module (`status.class_status`): present or
    lesson read, with the quiz passed on paper or online; or present, when the school credits
    taking part (`credit`)."""
    present = ClassParticipation.attended_on.is_not(None)
    read = sa.or_(present, ModuleProgress.lesson_done_at.is_not(None))
    passed = sa.or_(
        ClassParticipation.paper_passed_on.is_not(None), ModuleProgress.quiz_passed_at.is_not(None)
    )
    credited = present if credit else sa.false()
    completes = sa.and_(sa.not_(COMPLETED_PROGRESS), sa.or_(sa.and_(read, passed), credited))
    rows = db.session.execute(
        db.select(
            ClassParticipation.classroom_id,
            ClassParticipation.module_slug,
            sa.func.count().filter(present),
            sa.func.count().filter(completes),
        )
        .join(
            Enrollment,
            sa.and_(
                Enrollment.classroom_id == ClassParticipation.classroom_id,
                Enrollment.student_id == ClassParticipation.student_id,
            ),
        )
        .join(User, User.id == ClassParticipation.student_id)
        .outerjoin(
            ModuleProgress,
            sa.and_(
                ModuleProgress.user_id == ClassParticipation.student_id,
                ModuleProgress.module_slug == ClassParticipation.module_slug,
            ),
        )
        .outerjoin(
            Excusal,
            sa.and_(
                Excusal.classroom_id == ClassParticipation.classroom_id,
                Excusal.student_id == ClassParticipation.student_id,
                Excusal.module_slug == ClassParticipation.module_slug,
            ),
        )
        .where(
            ClassParticipation.classroom_id.in_(class_ids),
            User.deactivated_at.is_(None),
            Excusal.id.is_(None),
        )
        .group_by(ClassParticipation.classroom_id, ClassParticipation.module_slug)
    ).all()
    return {(class_id, slug): (took_part, completes) for class_id, slug, took_part, completes in rows}
