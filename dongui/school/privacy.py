"""A student's data on request: export it, erase it, purge the long inactive.

DESIGN.md, "Security and privacy". Plain functions with no request in sight, shared by the
admin pages and `flask users export | delete | purge`: they flush, the caller commits.
"""

from collections.abc import Iterable
from datetime import UTC, date, datetime

import sqlalchemy as sa

from ..clock import utcnow
from ..extensions import db
from ..models import (
    AuditEvent,
    CheckMark,
    ClassParticipation,
    Classroom,
    Enrollment,
    Excusal,
    LetterSlip,
    ModuleProgress,
    QuizAttempt,
    Role,
    School,
    User,
)
from .audit import USER_ID_KEYS, Action, record_audit
from .calendar import local_today, start_of_day

# Keeps each `IN (...)` list well under every database's parameter limit.
CHUNK = 500


class NotAStudentError(ValueError):
    """Only student accounts are exported or erased here; staff are deactivated instead."""


def require_student(user: User) -> None:
    """:raises NotAStudentError: when `user` is a teacher or an admin."""
    if user.role != Role.STUDENT:
        raise NotAStudentError(f"{user.username} is a {user.role.value}, not a student")


def iso(value: datetime | None) -> str | None:
    """ISO 8601 in UTC, or None."""
    return value.astimezone(UTC).isoformat() if value is not None else None


def export_student(student: User) -> dict:
    """Everything Dongui holds about one student, ready for json.dumps; nothing about anyone else.

    :raises NotAStudentError: for staff accounts.
    """
    require_student(student)
    return {
        "exported_at": iso(utcnow()),
        "account": export_account(student),
        "classes": export_classes(student.id),
        "excusals": export_excusals(student.id),
        "progress": export_progress(student.id),
        "quiz_attempts": export_attempts(student.id),
        "class_participation": export_participation(student.id),
        "letter_slips": export_slips(student.id),
        "checks_done": export_check_marks(student.id),
        "audit_events": export_audit_events(student),
    }


def export_check_marks(student_id: int) -> list[dict]:
    """The halves of before-and-after checks the student is done with. Their answers, if any,
    were never linked to them (school/checks/): there is nothing more to export or erase."""
    rows = db.session.execute(
        db.select(Classroom.name, CheckMark.phase)
        .join(Classroom, Classroom.id == CheckMark.classroom_id)
        .where(CheckMark.user_id == student_id)
        .order_by(Classroom.name, CheckMark.phase)
    ).all()
    return [{"class": name, "half": phase.value} for name, phase in rows]


def export_account(student: User) -> dict:
    # Never the password hash or the session version: they are secrets, not personal data.
    return {
        "id": student.id,
        "username": student.username,
        "display_name": student.display_name,
        "role": student.role.value,
        "school": student.school.name,
        "locale": student.locale,
        "created_at": iso(student.created_at),
        # A date only, as on every staff page: a time of day could be set beside other records.
        "last_active_on": (
            local_today(student.school.timezone, student.last_seen_at).isoformat()
            if student.last_seen_at
            else None
        ),
        "must_change_password": student.must_change_password,
        "deactivated_at": iso(student.deactivated_at),
    }


def export_classes(student_id: int) -> list[dict]:
    rows = db.session.execute(
        db.select(Classroom.name, Classroom.year, Enrollment.number)
        .join(Enrollment, Enrollment.classroom_id == Classroom.id)
        .where(Enrollment.student_id == student_id)
        .order_by(Classroom.year, Classroom.name, Classroom.id)
    ).all()
    return [{"name": name, "year": year, "number": number} for name, year, number in rows]


def export_excusals(student_id: int) -> list[dict]:
    # Who excused them is a staff member's id, not the student's data: left out.
    rows = db.session.execute(
        db.select(Classroom.name, Excusal.module_slug, Excusal.at, Excusal.reason)
        .join(Classroom, Classroom.id == Excusal.classroom_id)
        .where(Excusal.student_id == student_id)
        .order_by(Excusal.at, Excusal.id)
    ).all()
    return [
        {"class": name, "module": slug, "at": iso(at), "reason": reason} for name, slug, at, reason in rows
    ]


def export_participation(student_id: int) -> list[dict]:
    """Modules taught in class: the day they took part, the day they passed on paper."""
    rows = db.session.execute(
        db.select(
            Classroom.name,
            ClassParticipation.module_slug,
            ClassParticipation.attended_on,
            ClassParticipation.paper_passed_on,
        )
        .join(Classroom, Classroom.id == ClassParticipation.classroom_id)
        .where(ClassParticipation.student_id == student_id)
        .order_by(Classroom.name, ClassParticipation.module_slug)
    ).all()
    return [
        {
            "class": name,
            "module": slug,
            "took_part_on": on.isoformat() if on else None,
            "passed_on_paper_on": paper.isoformat() if paper else None,
        }
        for name, slug, on, paper in rows
    ]


def export_slips(student_id: int) -> list[dict]:
    """The letter home's return slips, as the teacher marked them."""
    rows = db.session.execute(
        db.select(Classroom.name, LetterSlip.returned_on, LetterSlip.has_questions)
        .join(Classroom, Classroom.id == LetterSlip.classroom_id)
        .where(LetterSlip.student_id == student_id)
        .order_by(Classroom.name)
    ).all()
    return [
        {"class": name, "returned_on": on.isoformat(), "has_questions": questions}
        for name, on, questions in rows
    ]


def export_progress(student_id: int) -> list[dict]:
    rows = db.session.execute(
        db.select(ModuleProgress)
        .where(ModuleProgress.user_id == student_id)
        .order_by(ModuleProgress.module_slug)
    ).scalars()
    return [
        {
            "module": p.module_slug,
            "started_at": iso(p.started_at),
            "last_step": p.last_step,
            "lesson_done_at": iso(p.lesson_done_at),
            "quiz_passed_at": iso(p.quiz_passed_at),
            "best_score": p.best_score,
            "attempts": p.attempts,
        }
        for p in rows
    ]


def export_attempts(student_id: int) -> list[dict]:
    rows = db.session.execute(
        db.select(QuizAttempt)
        .where(QuizAttempt.user_id == student_id)
        .order_by(QuizAttempt.submitted_at, QuizAttempt.id)
    ).scalars()
    return [
        {
            "module": a.module_slug,
            "submitted_at": iso(a.submitted_at),
            "score": a.score,
            "max_score": a.max_score,
            "passed": a.passed,
            "answers": a.answers,
        }
        for a in rows
    ]


def export_audit_events(student: User) -> list[dict]:
    """Log entries about the student or by them: what and when, not who else or the detail.

    Only entries since the account was made: SQLite may give a new account the id of one
    deleted before it, and the log still names that id.
    """
    rows = db.session.execute(
        db.select(AuditEvent.action, AuditEvent.target_type, AuditEvent.target_id, AuditEvent.at)
        .where(
            sa.or_(
                sa.and_(AuditEvent.target_type == "user", AuditEvent.target_id == student.id),
                AuditEvent.actor_id == student.id,
            ),
            AuditEvent.at >= student.created_at,
        )
        .order_by(AuditEvent.at, AuditEvent.id)
    ).all()
    return [
        {"action": action, "target_type": target_type, "target_id": target_id, "at": iso(at)}
        for action, target_type, target_id, at in rows
    ]


def record_export(student: User, actor: User | None) -> None:
    """Log that the student's data left Dongui (actor None: the command line)."""
    record_audit(student.school_id, actor.id if actor else None, Action.STUDENT_EXPORT, "user", student.id)


def delete_student(student: User, actor: User | None) -> None:
    """Erase a student: classes, excusals, progress, attempts, class records and the account.

    The activity log keeps that account #id was deleted and by whom; entries about the student
    keep only the target's type and id. Anonymous questions were never linked, so they stay.

    :raises NotAStudentError: for staff accounts (they are deactivated, not erased).
    """
    delete_students([student], actor)


def delete_students(students: Iterable[User], actor: User | None) -> None:
    """`delete_student` for many at once, scanning the activity log once."""
    students = list(students)
    for student in students:
        require_student(student)
    if not students:
        return
    ids = {student.id for student in students}
    schools = {student.id: student.school_id for student in students}
    forget_in_audit_log(ids, set(schools.values()))
    remove_references(ids)
    for chunk in chunks(sorted(ids)):
        db.session.execute(
            sa.delete(User).where(User.id.in_(chunk)), execution_options={"synchronize_session": "fetch"}
        )
    db.session.flush()
    for student_id, school_id in sorted(schools.items()):
        record_audit(school_id, actor.id if actor else None, Action.STUDENT_DELETE, "user", student_id)
    db.session.flush()


def scrub_erased_pages() -> None:
    """Call after committing an erasure: no byte of the erased rows stays in the database files.

    On SQLite, `secure_delete` (set on every connection) has overwritten the erased rows with
    zeros in the pages it rewrote; a TRUNCATE checkpoint then copies the write-ahead log into the
    database and empties it, so no older copy of those pages stays in the -wal file either.
    PostgreSQL keeps erased rows as dead tuples until VACUUM; the self-hosting guide says how.
    """
    if db.engine.dialect.name != "sqlite":
        return
    with db.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def forget_in_audit_log(ids: set[int], school_ids: set[int]) -> None:
    """Entries about them keep type and id only; their ids leave other entries' detail."""
    for chunk in chunks(sorted(ids)):
        db.session.execute(
            sa.update(AuditEvent)
            .where(AuditEvent.target_type == "user", AuditEvent.target_id.in_(chunk))
            .values(detail={}),
            execution_options={"synchronize_session": False},
        )
    rows = db.session.execute(
        db.select(AuditEvent.id, AuditEvent.detail).where(AuditEvent.school_id.in_(school_ids))
    ).all()
    for event_id, detail in rows:
        cleaned = scrub_detail(detail, ids)
        if cleaned != (detail or {}):
            db.session.execute(
                sa.update(AuditEvent).where(AuditEvent.id == event_id).values(detail=cleaned),
                execution_options={"synchronize_session": False},
            )
    for item in list(db.session.identity_map.values()):
        if isinstance(item, AuditEvent):  # loaded entries would show the old detail
            db.session.expire(item)


def scrub_detail(detail: dict | None, ids: set[int]) -> dict:
    """`detail` without the given user ids under the keys that hold user ids (audit.USER_ID_KEYS)."""
    cleaned = {}
    for key, value in (detail or {}).items():
        if key in USER_ID_KEYS:
            if isinstance(value, list):
                value = [item for item in value if not (isinstance(item, int) and item in ids)]
            elif isinstance(value, int) and value in ids:
                continue
        cleaned[key] = value
    return cleaned


def user_references():
    """Every column in the schema that points at users.id, found afresh so a new table is not
    forgotten: yields (table, column, set_null) where set_null says the row is someone else's
    and only the link goes (assigned_by, excused_by, an audit entry's actor)."""
    users = db.metadata.tables[User.__tablename__]
    for table in db.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table is users:
                yield table, fk.parent, (fk.ondelete or "").upper() == "SET NULL"


def remove_references(ids: set[int]) -> None:
    """Delete the students' own rows and unlink them from everyone else's."""
    for table, column, set_null in user_references():
        for chunk in chunks(sorted(ids)):
            if set_null:
                db.session.execute(sa.update(table).where(column.in_(chunk)).values({column.name: None}))
            else:
                db.session.execute(sa.delete(table).where(column.in_(chunk)))


def chunks(items: list, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def find_inactive_students(school: School, since: date) -> list[User]:
    """Students not seen since `since` began (school time), or never seen and created before it."""
    cutoff = start_of_day(since, school.timezone)
    return list(
        db.session.execute(
            db.select(User)
            .where(
                User.school_id == school.id,
                User.role == Role.STUDENT,
                sa.or_(
                    User.last_seen_at < cutoff, sa.and_(User.last_seen_at.is_(None), User.created_at < cutoff)
                ),
            )
            .order_by(User.username)
        ).scalars()
    )


def purge_inactive(school: School, since: date, dry_run: bool, actor: User | None = None) -> list[User]:
    """The school's students inactive since `since`, erased unless `dry_run`; returns them.

    After a real run the returned objects are deleted: read what you need before committing.
    """
    students = find_inactive_students(school, since)
    if not dry_run:
        delete_students(students, actor)
    return students
