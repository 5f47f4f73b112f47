"""Assignments (modules a class must do, in order, with an optional due date) and excusals."""

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from ..content.schema import Module
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


class AssignProblem(enum.StrEnum):
    """Why a request to assign several modules at once was refused (nothing is assigned)."""

    NONE_CHOSEN = "none_chosen"  # no module ticked
    UNKNOWN = "unknown"  # not a module students can be given
    ALREADY = "already"  # the class has it already (its due date changes in its own card)
    BAD_DATE = "bad_date"  # not a date
    PAST_DATE = "past_date"  # before today at the school
    NOT_CHOSEN = "not_chosen"  # a due date for a module that is not ticked


@dataclass(frozen=True)
class NewAssignments:
    """What assigning several modules would do: (slug, due date) in the modules' order, or the
    problems, each with the module it concerns (None: the whole request)."""

    plan: tuple[tuple[str, date | None], ...]
    problems: tuple[tuple[str | None, AssignProblem], ...]


def plan_new_assignments(
    classroom_id: int,
    chosen: Iterable[str],
    due_texts: Mapping[str, str],
    modules: Sequence[Module],
    today: date,
) -> NewAssignments:
    """Check a request to assign several modules at once, writing nothing.

    :param chosen: the slugs ticked; `due_texts`: slug -> the due date as typed (YYYY-MM-DD, or
        empty for none); `modules`: the modules students can be given, in the catalog's order;
        `today`: the date at the school (a due date may be today, not earlier).
    """
    chosen = set(chosen)
    assignable = {module.slug for module in modules}
    assigned = set(
        db.session.execute(
            db.select(Assignment.module_slug).where(Assignment.classroom_id == classroom_id)
        ).scalars()
    )
    problems: list[tuple[str | None, AssignProblem]] = []
    if not chosen:
        problems.append((None, AssignProblem.NONE_CHOSEN))
    for slug in sorted(chosen - assignable):
        problems.append((slug, AssignProblem.UNKNOWN))
    for slug in sorted((chosen & assignable) & assigned):
        problems.append((slug, AssignProblem.ALREADY))
    due_dates: dict[str, date | None] = {}
    for module in modules:
        text = (due_texts.get(module.slug) or "").strip()
        due_dates[module.slug], problem = read_due_date(text, today)
        if problem is None and text and module.slug not in chosen and module.slug not in assigned:
            problem = AssignProblem.NOT_CHOSEN
        if problem is not None:
            problems.append((module.slug, problem))
    if problems:
        return NewAssignments((), tuple(problems))
    return NewAssignments(
        tuple((module.slug, due_dates[module.slug]) for module in modules if module.slug in chosen), ()
    )


def read_due_date(text: str, today: date) -> tuple[date | None, AssignProblem | None]:
    """A typed due date (YYYY-MM-DD, as a date field sends it): empty is none; it may not be
    before today."""
    if not text:
        return None, None
    try:
        due_on = date.fromisoformat(text)
    except ValueError:
        return None, AssignProblem.BAD_DATE
    if due_on < today:
        return None, AssignProblem.PAST_DATE
    return due_on, None


def assign_modules(
    classroom: Classroom, plan: Sequence[tuple[str, date | None]], actor: User
) -> list[Assignment]:
    """Add the planned modules (from `plan_new_assignments`) after the class's others, in the
    plan's order. The caller commits once, so either all of them are assigned or none."""
    last = db.session.execute(
        db.select(sa.func.max(Assignment.position)).where(Assignment.classroom_id == classroom.id)
    ).scalar_one()
    added = [
        Assignment(
            classroom_id=classroom.id,
            module_slug=slug,
            position=position,
            due_on=due_on,
            assigned_by=actor.id,
        )
        for position, (slug, due_on) in enumerate(plan, start=(last or 0) + 1)
    ]
    db.session.add_all(added)
    db.session.flush()
    return added


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
