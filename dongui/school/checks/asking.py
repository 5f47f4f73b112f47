"""Who is asked: the half of a class's check a student may do now."""

from collections.abc import Mapping

from ...extensions import db
from ...models import (
    COMPLETED_PROGRESS,
    Assignment,
    CheckMark,
    CheckPhase,
    Classroom,
    Enrollment,
    Excusal,
    ModuleProgress,
)


def open_phase(
    assigned: set[str], excused: set[str], started: set[str], completed: set[str], done: set[CheckPhase]
) -> CheckPhase | None:
    """The half of a class's check a student may do now, from the class's assigned modules and
    the student's own excusals, started and completed modules, and the halves they are done with."""
    if not assigned:
        return None
    if not done and not assigned & started:
        return CheckPhase.BEFORE
    required = assigned - excused
    if CheckPhase.AFTER not in done and required and required <= completed:
        return CheckPhase.AFTER
    return None


def open_checks(
    student_id: int,
    student_modules: set[str],
    class_ids: list[int] | None = None,
    progress: Mapping[str, ModuleProgress] | None = None,
) -> dict[int, CheckPhase]:
    """{class id: the half the student may do now} over the student's classes (not archived):
    five queries, three when the caller has read the student's classes and progress already
    (the student's start page has)."""
    if class_ids is None:
        class_ids = list(
            db.session.execute(
                db.select(Enrollment.classroom_id)
                .join(Classroom, Classroom.id == Enrollment.classroom_id)
                .where(Enrollment.student_id == student_id, Classroom.archived_at.is_(None))
            ).scalars()
        )
    if not class_ids:
        return {}
    assigned: dict[int, set[str]] = {}
    for class_id, slug in db.session.execute(
        db.select(Assignment.classroom_id, Assignment.module_slug).where(
            Assignment.classroom_id.in_(class_ids)
        )
    ):
        if slug in student_modules:
            assigned.setdefault(class_id, set()).add(slug)
    excused: dict[int, set[str]] = {}
    for class_id, slug in db.session.execute(
        db.select(Excusal.classroom_id, Excusal.module_slug).where(Excusal.student_id == student_id)
    ):
        excused.setdefault(class_id, set()).add(slug)
    if progress is None:
        rows = db.session.execute(
            db.select(ModuleProgress.module_slug, COMPLETED_PROGRESS).where(
                ModuleProgress.user_id == student_id
            )
        ).all()
    else:
        rows = [(slug, row.is_completed) for slug, row in progress.items()]
    started = {slug for slug, _ in rows}
    completed = {slug for slug, is_completed in rows if is_completed}
    done: dict[int, set[CheckPhase]] = {}
    for class_id, phase in db.session.execute(
        db.select(CheckMark.classroom_id, CheckMark.phase).where(CheckMark.user_id == student_id)
    ):
        done.setdefault(class_id, set()).add(phase)
    phases = {
        class_id: open_phase(
            assigned.get(class_id, set()),
            excused.get(class_id, set()),
            started,
            completed,
            done.get(class_id, set()),
        )
        for class_id in class_ids
    }
    return {class_id: phase for class_id, phase in phases.items() if phase is not None}
