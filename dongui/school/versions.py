"""Data versions for exact page caches: a class's `data_version` moves on with every write that
changes its dashboard, a school's with every write that changes its report, in the same
transaction as the write.

Nobody has to remember to bump: the session's own events do it.
- Before each flush, the objects being written are read for the classes and people they touch
  (an assignment, excusal, enrolment, slip or taught-in-class record: its class; progress, a
  quiz attempt or a person: that person's classes, and their school unless the school report
  cannot show the write (`school_report_unchanged`); a class: itself; a school: itself and all
  its classes).
- An ORM-enabled bulk UPDATE or DELETE (`db.session.execute(sa.delete(Enrollment)...)`) first
  reads the same rows' classes and people with the statement's own WHERE clause.
- Just before the transaction commits, one UPDATE per table moves the versions on (none for
  the schools when no school is touched). A version can only grow, so a page cached under
an older one is never served again (`PageCache`): never stale by construction. Writes made on a
raw connection (the question box's and the check's daily release) touch no page cached here.

The anonymous features' tables are left out on purpose: a version that moved when a student
answered the check or asked a question would mark the moment.
"""

from collections import OrderedDict
from threading import Lock

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from ..models import (
    Assignment,
    ClassParticipation,
    Classroom,
    ClassTeacher,
    Enrollment,
    Excusal,
    LetterSlip,
    ModuleProgress,
    QuizAttempt,
    School,
    User,
)

# Rows whose class is in a column of their own.
BY_CLASS = {
    Assignment: "classroom_id",
    Excusal: "classroom_id",
    Enrollment: "classroom_id",
    ClassTeacher: "classroom_id",
    ClassParticipation: "classroom_id",
    LetterSlip: "classroom_id",
    Classroom: "id",
}
# Rows about one person: their classes and their school change.
BY_PERSON = {ModuleProgress: "user_id", QuizAttempt: "user_id", User: "id"}
# A school's own row: its settings show on its report and on every class page.
BY_SCHOOL = {School: "id"}

_TOUCHED = "dongui_touched"
_BUMPING = "dongui_bumping"


class Touched:
    """What a transaction's writes touched, gathered flush by flush until it commits."""

    def __init__(self):
        self.classes: set[int] = set()
        self.people: set[int] = set()  # their classes and their school
        self.pupils: set[int] = set()  # their classes only: the school report cannot show it
        self.schools: set[int] = set()  # the school's row only (e.g. a new member of staff)
        self.whole_schools: set[int] = set()  # the school and every class in it

    def __bool__(self):
        return bool(self.classes or self.people or self.pupils or self.schools or self.whole_schools)

    def add_school(self, school_id: int | None) -> None:
        if school_id is not None:
            self.schools.add(school_id)

    def add(self, model, value) -> None:
        if value is None:
            return
        if model in BY_CLASS:
            self.classes.add(value)
        elif model in BY_PERSON:
            self.people.add(value)
        elif model in BY_SCHOOL:
            self.whole_schools.add(value)


def school_report_unchanged(session: Session, instance) -> bool:
    """True for a person's write that their class pages show but the school report cannot: the
    report and its summary (admin/presenters.py, admin/queries.py, school/completion.py) read
    progress only as completed or not, no quiz attempt, and of "last active" only whether a
    student ever signed in. So a step read, an attempt that changes no completion, and "last
    active" moving on to another day leave the school's version alone; at the bell these are
    nearly every write, and every one of them would otherwise update the school's one row.
    When in doubt (an old value not loaded), False: the school's version moves on."""
    model = type(instance)
    if model is QuizAttempt:
        return True
    if model is ModuleProgress:
        if instance in session.new:
            return not (instance.lesson_done_at and instance.quiz_passed_at)
        if instance in session.deleted:
            return False
        state = sa.inspect(instance)
        pairs = [_before_and_after(state, name) for name in ("lesson_done_at", "quiz_passed_at")]
        if None in pairs:
            return False
        return all(before is not None for before, _ in pairs) == all(after is not None for _, after in pairs)
    if model is User and instance in session.dirty:
        state = sa.inspect(instance)
        changed = {attr.key for attr in state.attrs if attr.history.has_changes()}
        before = state.attrs.last_seen_at.history.deleted
        return changed == {"last_seen_at"} and bool(before) and before[0] is not None
    return False


def _before_and_after(state, name: str) -> tuple | None:
    """An attribute's value before and after this flush; None when the old one was not loaded."""
    history = state.attrs[name].history
    if history.added or history.deleted:
        if not history.deleted:
            return None
        return history.deleted[0], history.added[0] if history.added else None
    if history.unchanged:
        return history.unchanged[0], history.unchanged[0]
    return None


def _school_of(instance) -> int | None:
    """The school's id, also on a new row that was given its school object (not yet an id)."""
    if instance.school_id is not None:
        return instance.school_id
    school = instance.__dict__.get("school")
    return school.id if school is not None else None


def _column(model) -> str | None:
    return BY_CLASS.get(model) or BY_PERSON.get(model) or BY_SCHOOL.get(model)


def _touched(session: Session) -> Touched:
    return session.info.setdefault(_TOUCHED, Touched())


def collect_from_flush(session: Session, _context, _instances) -> None:
    touched = _touched(session)
    for instance in (*session.new, *session.dirty, *session.deleted):
        model = type(instance)
        column = _column(model)
        if column is None:
            continue
        if instance in session.dirty and not session.is_modified(instance, include_collections=False):
            continue
        value = getattr(instance, column)
        if model is User and (value is None or instance in session.deleted):
            # A new person counts in their school's report; a deleted one leaves their classes,
            # which must be read now, while their enrolments still exist.
            touched.add_school(_school_of(instance))
            if value is not None:
                _add_classes_of(session, touched, [value])
        if model is Classroom and value is None:  # a new class counts in its school's report
            touched.add_school(_school_of(instance))
        if model in BY_PERSON and school_report_unchanged(session, instance):
            touched.pupils.add(value)
        else:
            touched.add(model, value)


def _add_classes_of(session: Session, touched: Touched, people: list[int]) -> None:
    session.info[_BUMPING] = True
    try:
        touched.classes.update(
            session.execute(
                sa.select(Enrollment.classroom_id).where(Enrollment.student_id.in_(people))
            ).scalars()
        )
    finally:
        session.info.pop(_BUMPING, None)


def collect_from_bulk(state) -> None:
    """An ORM-enabled UPDATE or DELETE: read its rows' classes or people before it runs."""
    if not (state.is_update or state.is_delete) or state.session.info.get(_BUMPING):
        return
    mapper = state.bind_mapper
    model = mapper.class_ if mapper is not None else None
    column = _column(model)
    if column is None:
        return
    query = sa.select(getattr(model, column)).distinct()
    if state.statement.whereclause is not None:
        query = query.where(state.statement.whereclause)
    touched = _touched(state.session)
    state.session.info[_BUMPING] = True  # this read is not a write to collect
    try:
        values = list(state.session.execute(query).scalars())
    finally:
        state.session.info.pop(_BUMPING, None)
    for value in values:
        touched.add(model, value)
    if model is User and state.is_delete and values:  # their enrolments go with them
        _add_classes_of(state.session, touched, values)
        for school_id in state.session.execute(
            sa.select(User.school_id).where(User.id.in_(values))
        ).scalars():
            touched.add_school(school_id)


def _expanding(name: str):
    return sa.bindparam(name, expanding=True)


# Built once: a statement made afresh for every commit cost about as much as running it.
_BUMP_CLASSES = (
    sa.update(Classroom)
    .where(
        sa.or_(
            Classroom.id.in_(_expanding("classes")),
            Classroom.id.in_(
                sa.select(Enrollment.classroom_id).where(Enrollment.student_id.in_(_expanding("everyone")))
            ),
            Classroom.school_id.in_(_expanding("whole_schools")),
        )
    )
    .values(data_version=Classroom.data_version + 1)
    .execution_options(synchronize_session=False)
)
_BUMP_SCHOOLS = (
    sa.update(School)
    .where(
        sa.or_(
            School.id.in_(_expanding("schools")),
            School.id.in_(sa.select(Classroom.school_id).where(Classroom.id.in_(_expanding("classes")))),
            School.id.in_(sa.select(User.school_id).where(User.id.in_(_expanding("people")))),
        )
    )
    .values(data_version=School.data_version + 1)
    .execution_options(synchronize_session=False)
)


def bump_before_commit(session: Session) -> None:
    """Move on the versions of every class and school the transaction touched, last thing
    before it commits: the rows stay locked for no longer than the commit, and every
    transaction takes them in one order (classes, then schools)."""
    session.flush()
    touched = session.info.pop(_TOUCHED, None)
    if not touched:
        return
    classes = sorted(touched.classes)
    people = sorted(touched.people)
    session.info[_BUMPING] = True
    try:
        session.execute(
            _BUMP_CLASSES,
            {
                "classes": classes,
                "everyone": sorted(touched.people | touched.pupils),
                "whole_schools": sorted(touched.whole_schools),
            },
        )
        if not (touched.schools or touched.whole_schools or classes or people):
            return
        session.execute(
            _BUMP_SCHOOLS,
            {
                "schools": sorted(touched.schools | touched.whole_schools),
                "classes": classes,
                "people": people,
            },
        )
    finally:
        session.info.pop(_BUMPING, None)


def forget(session: Session, *_args) -> None:
    session.info.pop(_TOUCHED, None)


def watch(session) -> None:
    """Listen on every session of `session` (db.session), once per process."""
    for name, listener in (
        ("before_flush", collect_from_flush),
        ("do_orm_execute", collect_from_bulk),
        ("before_commit", bump_before_commit),
        ("after_rollback", forget),
    ):
        if not sa.event.contains(session, name, listener):
            sa.event.listen(session, name, listener)


class PageCache:
    """A small in-process cache of read models, keyed by what they depend on (a data version
    among it). Entries are never invalidated: a new version is a new key, and the oldest keys
    leave when the cache is full."""

    def __init__(self, size: int = 256):
        self.size, self.entries, self.lock = size, OrderedDict(), Lock()

    def get_or_build(self, key, build):
        with self.lock:
            if key in self.entries:
                self.entries.move_to_end(key)
                return self.entries[key]
        value = build()
        with self.lock:
            self.entries[key] = value
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)
        return value

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()


def cached(key: tuple, build):
    """`build()`'s read model, made once per key in this process (the app's PageCache)."""
    cache = current_app.extensions.setdefault("dongui_page_cache", PageCache())
    return cache.get_or_build(key, build)
