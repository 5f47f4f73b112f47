"""Assignments (modules a class must do, in order, with an optional due date) and excusals."""

from datetime import date

import sqlalchemy as sa

from ..extensions import db
from ..models import Assignment, Classroom, Enrollment, Excusal, ExcusalReason, User
from .audit import Action, record_audit

# Modules about harm, the law and what to do: a class with a live incident needs the
# counsellor first (DESIGN.md, "Safety features").
SENSITIVE_MODULE_ORDERS = range(3, 8)


def list_assignments(classroom_id: int) -> list[Assignment]:
    return list(
        db.session.execute(
            db.select(Assignment)
            .filter_by(classroom_id=classroom_id)
            .order_by(Assignment.position, Assignment.id)
        ).scalars()
    )


def assign_module(classroom: Classroom, slug: str, due_on: date | None, actor: User) -> Assignment:
    """Add a module at the end of the class's list, or update its due date if it is there."""
    assignment = db.session.execute(
        db.select(Assignment).filter_by(classroom_id=classroom.id, module_slug=slug)
    ).scalar_one_or_none()
    if assignment is None:
        last = db.session.execute(
            db.select(sa.func.max(Assignment.position)).where(Assignment.classroom_id == classroom.id)
        ).scalar_one()
        assignment = Assignment(
            classroom_id=classroom.id, module_slug=slug, position=(last or 0) + 1, assigned_by=actor.id
        )
        db.session.add(assignment)
    assignment.due_on = due_on
    db.session.flush()
    return assignment


def move_assignment(classroom: Classroom, assignment: Assignment, direction: int) -> None:
    """Swap with the neighbour above (-1) or below (+1)."""
    items = list_assignments(classroom.id)
    index = items.index(assignment)
    other = index + direction
    if 0 <= other < len(items):
        items[index], items[other] = items[other], items[index]
        for position, item in enumerate(items, start=1):
            item.position = position


def remove_assignment(assignment: Assignment) -> None:
    db.session.delete(assignment)


def excuse_student(
    classroom: Classroom, student: User, slug: str, actor: User, reason: ExcusalReason | None = None
) -> None:
    """Excuse a student from a module (once); `reason` FAMILY is a letter slip's 가정 요청."""
    exists = db.session.execute(
        db.select(Excusal).filter_by(classroom_id=classroom.id, student_id=student.id, module_slug=slug)
    ).scalar_one_or_none()
    if exists is None:
        db.session.add(
            Excusal(
                classroom_id=classroom.id,
                student_id=student.id,
                module_slug=slug,
                excused_by=actor.id,
                reason=reason,
            )
        )
        action = Action.STUDENT_EXCUSE_FAMILY if reason == ExcusalReason.FAMILY else Action.STUDENT_EXCUSE
        record_audit(
            classroom.school_id, actor.id, action, "user", student.id, classroom=classroom.id, module=slug
        )


def unexcuse_student(classroom: Classroom, student: User, slug: str, actor: User) -> None:
    deleted = db.session.execute(
        sa.delete(Excusal).where(
            Excusal.classroom_id == classroom.id,
            Excusal.student_id == student.id,
            Excusal.module_slug == slug,
        )
    ).rowcount
    if deleted:
        record_audit(
            classroom.school_id,
            actor.id,
            Action.STUDENT_UNEXCUSE,
            "user",
            student.id,
            classroom=classroom.id,
            module=slug,
        )


def excused_pairs(classroom_id: int) -> set[tuple[int, str]]:
    rows = db.session.execute(
        db.select(Excusal.student_id, Excusal.module_slug).where(Excusal.classroom_id == classroom_id)
    ).all()
    return {(student_id, slug) for student_id, slug in rows}


def student_assignments(student_id: int) -> dict[str, tuple[date | None, list[str]]]:
    """For a student: each assigned module (not excused) -> (earliest due date, class names)."""
    rows = db.session.execute(
        db.select(Assignment.module_slug, Assignment.due_on, Classroom.name)
        .join(Classroom, Classroom.id == Assignment.classroom_id)
        .join(Enrollment, Enrollment.classroom_id == Classroom.id)
        .outerjoin(
            Excusal,
            sa.and_(
                Excusal.classroom_id == Classroom.id,
                Excusal.student_id == Enrollment.student_id,
                Excusal.module_slug == Assignment.module_slug,
            ),
        )
        .where(Enrollment.student_id == student_id, Classroom.archived_at.is_(None), Excusal.id.is_(None))
        .order_by(Assignment.position)
    ).all()
    result: dict[str, tuple[date | None, list[str]]] = {}
    for slug, due_on, class_name in rows:
        due, names = result.get(slug, (None, []))
        if due_on is not None and (due is None or due_on < due):
            due = due_on
        result[slug] = (due, names + [class_name])
    return result
