"""Read-only queries behind the school admin's pages."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_sqlalchemy.pagination import Pagination

from ..extensions import db
from ..models import (
    COMPLETED_PROGRESS,
    AuditEvent,
    Classroom,
    ClassTeacher,
    Enrollment,
    ModuleProgress,
    QuizAttempt,
    Role,
    User,
    normalize_username,
)

PER_PAGE = 50


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
        db.select(sa.func.count())
        .select_from(Classroom)
        .where(Classroom.school_id == school_id, Classroom.archived_at.is_(None))
    ).scalar_one()
    return SchoolSummary(people[0], people[1], people[2], classes)


def list_staff(school_id: int) -> list[StaffRow]:
    """Teachers and admins of the school with the number of classes each teaches."""
    rows = db.session.execute(
        db.select(
            User.id,
            User.display_name,
            User.username,
            User.role,
            sa.func.count(ClassTeacher.classroom_id),
            User.last_seen_at,
            User.deactivated_at.is_(None),
        )
        .outerjoin(ClassTeacher, ClassTeacher.teacher_id == User.id)
        .where(User.school_id == school_id, User.role != Role.STUDENT)
        .group_by(User.id)
        .order_by(User.display_name)
    ).all()
    return [StaffRow(*row) for row in rows]


def paginate(select, page: int) -> Pagination:
    """One page of `select` (of model rows) through Flask-SQLAlchemy; past the end, the last page."""
    result = db.paginate(select, page=max(1, page), per_page=PER_PAGE, error_out=False)
    if result.pages and result.page > result.pages:
        result = db.paginate(select, page=result.pages, per_page=PER_PAGE, error_out=False)
    return result


@dataclass(frozen=True)
class StudentRow:
    id: int
    display_name: str
    username: str
    last_seen_at: datetime | None
    is_active: bool
    classes: tuple[str, ...] = ()


def list_students(school_id: int, search: str, page: int, never_signed_in: bool = False) -> Pagination:
    """The school's students, by name, optionally matching a name or username, or only the
    active ones who have never signed in (as the school report counts them); 3 queries a page."""
    select = db.select(User).where(User.school_id == school_id, User.role == Role.STUDENT)
    if never_signed_in:
        select = select.where(User.last_seen_at.is_(None), User.deactivated_at.is_(None))
    search = (search or "").strip()
    if search:
        select = select.where(
            sa.or_(
                User.display_name.icontains(search, autoescape=True),
                User.username.icontains(normalize_username(search), autoescape=True),
            )
        )
    result = paginate(select.order_by(User.display_name, User.username), page)
    classes = class_names_by_student([user.id for user in result.items])
    result.items = [
        StudentRow(
            u.id,
            u.display_name,
            u.username,
            u.last_seen_at,
            u.is_active,
            classes=tuple(classes.get(u.id, ())),
        )
        for u in result.items
    ]
    return result


def class_names_by_student(student_ids: list[int]) -> dict[int, list[str]]:
    """The names of the (not archived) classes each student is in, newest year first."""
    if not student_ids:
        return {}
    rows = db.session.execute(
        db.select(Enrollment.student_id, Classroom.name)
        .join(Classroom, Classroom.id == Enrollment.classroom_id)
        .where(Enrollment.student_id.in_(student_ids), Classroom.archived_at.is_(None))
        .order_by(Classroom.year.desc(), Classroom.name)
    ).all()
    names: dict[int, list[str]] = {}
    for student_id, name in rows:
        names.setdefault(student_id, []).append(name)
    return names


@dataclass(frozen=True)
class StudentClass:
    id: int
    name: str
    year: int
    number: int | None
    is_archived: bool


@dataclass(frozen=True)
class StudentSummary:
    classes: list[StudentClass]
    modules_started: int
    modules_completed: int
    attempts: int


def describe_student(student_id: int) -> StudentSummary:
    """What the admin's student page and the delete confirmation show about one student."""
    classes = [
        StudentClass(*row)
        for row in db.session.execute(
            db.select(
                Classroom.id,
                Classroom.name,
                Classroom.year,
                Enrollment.number,
                Classroom.archived_at.is_not(None),
            )
            .join(Enrollment, Enrollment.classroom_id == Classroom.id)
            .where(Enrollment.student_id == student_id)
            .order_by(Classroom.year.desc(), Classroom.name)
        ).all()
    ]
    started, completed = db.session.execute(
        db.select(sa.func.count(), sa.func.count().filter(COMPLETED_PROGRESS)).where(
            ModuleProgress.user_id == student_id
        )
    ).one()
    attempts = db.session.execute(
        db.select(sa.func.count()).select_from(QuizAttempt).where(QuizAttempt.user_id == student_id)
    ).scalar_one()
    return StudentSummary(classes, started, completed, attempts)


@dataclass(frozen=True)
class AuditFilters:
    """What the activity log page narrows to; None means any. `actor` 0 means no actor left
    (the command line, or an account since deleted). Dates are the school's local days."""

    action: str | None = None
    actor: int | None = None
    target_type: str | None = None
    date_from: date | None = None
    date_to: date | None = None


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    action: str
    actor_name: str | None  # None: the command line or a deleted account
    target_type: str
    target_id: int | None
    target_name: str | None = None  # a user target that still exists
    target_is_student: bool = False


@dataclass(frozen=True)
class AuditChoices:
    actions: list[str]
    actors: list[tuple[int, str]]
    has_no_actor: bool
    target_types: list[str]


def audit_filter_choices(school_id: int) -> AuditChoices:
    """The actions, actors and target types present in the school's log, for the filter menus."""
    in_school = AuditEvent.school_id == school_id
    actions = (
        db.session.execute(
            db.select(AuditEvent.action).where(in_school).distinct().order_by(AuditEvent.action)
        )
        .scalars()
        .all()
    )
    target_types = (
        db.session.execute(
            db.select(AuditEvent.target_type).where(in_school).distinct().order_by(AuditEvent.target_type)
        )
        .scalars()
        .all()
    )
    actors = db.session.execute(
        db.select(User.id, User.display_name)
        .where(User.id.in_(db.select(AuditEvent.actor_id).where(in_school)))
        .order_by(User.display_name, User.id)
    ).all()
    has_no_actor = (
        db.session.execute(
            db.select(AuditEvent.id).where(in_school, AuditEvent.actor_id.is_(None)).limit(1)
        ).first()
        is not None
    )
    return AuditChoices(list(actions), [tuple(a) for a in actors], has_no_actor, list(target_types))


def list_audit_events(school_id: int, filters: AuditFilters, page: int, start_of_day) -> Pagination:
    """The school's activity log, newest first, narrowed by `filters`; 5 queries a page.

    :param start_of_day: turns a school-local date into the aware UTC time its day begins.
    """
    select = db.select(AuditEvent).where(
        AuditEvent.school_id == school_id, *audit_conditions(filters, start_of_day)
    )
    result = paginate(select.order_by(AuditEvent.at.desc(), AuditEvent.id.desc()), page)
    events = result.items
    actors = user_names({e.actor_id for e in events if e.actor_id})
    rows = [(e.id, e.at, e.action, actors.get(e.actor_id), e.target_type, e.target_id) for e in events]
    targets = user_targets(school_id, {row[5] for row in rows if row[4] == "user" and row[5]})
    classes = class_names(school_id, {row[5] for row in rows if row[4] == "classroom" and row[5]})
    items = []
    for row in rows:
        name, is_student, created_at = (
            targets.get(row[5], (None, False, None))
            if row[4] == "user"
            else (classes.get(row[5]), False, None)
        )
        if created_at is not None and row[1] < created_at:
            # An entry older than the account: SQLite can hand a deleted account's id to a new
            # one, so this entry is about someone else.
            name, is_student = None, False
        items.append(AuditRow(*row, target_name=name, target_is_student=is_student))
    result.items = items
    return result


def class_names(school_id: int, class_ids: set[int]) -> dict[int, str]:
    if not class_ids:
        return {}
    return dict(
        db.session.execute(
            db.select(Classroom.id, Classroom.name).where(
                Classroom.id.in_(class_ids), Classroom.school_id == school_id
            )
        ).all()
    )


def user_names(user_ids: set[int]) -> dict[int, str]:
    if not user_ids:
        return {}
    return dict(db.session.execute(db.select(User.id, User.display_name).where(User.id.in_(user_ids))).all())


def audit_conditions(filters: AuditFilters, start_of_day) -> list:
    conditions = []
    if filters.action:
        conditions.append(AuditEvent.action == filters.action)
    if filters.target_type:
        conditions.append(AuditEvent.target_type == filters.target_type)
    if filters.actor == 0:
        conditions.append(AuditEvent.actor_id.is_(None))
    elif filters.actor is not None:
        conditions.append(AuditEvent.actor_id == filters.actor)
    if filters.date_from:
        conditions.append(AuditEvent.at >= start_of_day(filters.date_from))
    if filters.date_to:
        conditions.append(AuditEvent.at < start_of_day(filters.date_to + timedelta(days=1)))
    return conditions


def user_targets(school_id: int, user_ids: set[int]) -> dict[int, tuple[str, bool, datetime]]:
    """The log's target users that still exist in the school: name, is a student, created at."""
    if not user_ids:
        return {}
    rows = db.session.execute(
        db.select(User.id, User.display_name, User.role, User.created_at).where(
            User.id.in_(user_ids), User.school_id == school_id
        )
    ).all()
    return {user_id: (name, role == Role.STUDENT, created) for user_id, name, role, created in rows}
