"""The anonymous question box: rules for asking, the daily release, answering, hiding, listing.

A question keeps its class, a date and a random id, nothing else (DESIGN.md). No function here
takes the asker, so nothing can store them by mistake.

Asking does not write to class_questions. The question waits in pending_questions, written in a
transaction of its own (never the asker's request's), until its class's daily release: at the
release hour the admin chose (midnight unless changed) in QUESTION_TIMEZONE, every question that
waited is written into class_questions in one transaction, in random order, with the release
day's date, and deleted from pending_questions. So staff see a day's questions all at once, in an
order that says nothing about who came first, and the database's own order (SQLite's rowid,
PostgreSQL's ctid and xmin, a backup's row order) says no more. No cron is needed: the first
signed-in request of the school after the release time runs it (`release_if_due`), and
`flask questions release` does the same from a cron job.

Two releases are never less than RELEASE_MIN_GAP apart, and the day's zone is the install's, not
the school's editable time zone: an admin who changes the release hour or the time zone cannot
cut a day into shorter windows.
"""

import secrets
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import nh3
import sqlalchemy as sa
from flask import current_app
from markupsafe import Markup

from ..clock import utcnow
from ..extensions import db
from ..models import ClassQuestion, Classroom, PendingQuestion, QuestionStatus, School
from .checks.release import release_checks

MAX_QUESTION_LENGTH = 1000
MAX_ANSWER_LENGTH = 5000
# Answers are plain formatting only: no links or images, so no page points anywhere else.
ANSWER_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "blockquote", "code", "pre"}
# A release is at least this long after the one before (a day, less an hour for clock changes).
RELEASE_MIN_GAP = timedelta(hours=23)


def question_zone() -> ZoneInfo:
    """The zone the box's days and release hour are counted in: fixed at install
    (QUESTION_TIMEZONE), never the school's editable setting."""
    return ZoneInfo(current_app.config["QUESTION_TIMEZONE"])


def next_release(after: datetime, hour: int, zone: ZoneInfo, previous: datetime | None = None) -> datetime:
    """The first `hour`:00 in `zone` later than `after`, and at least RELEASE_MIN_GAP after
    `previous` (the release before it), as an aware UTC datetime."""
    earliest = max(after, previous + RELEASE_MIN_GAP) if previous else after
    day = earliest.astimezone(zone).date()
    while True:
        moment = datetime.combine(day, time(hour), tzinfo=zone).astimezone(UTC)
        if moment > after and (previous is None or moment >= previous + RELEASE_MIN_GAP):
            return moment
        day += timedelta(days=1)


def release_day(release_at: datetime, zone: ZoneInfo) -> date:
    """The date a release gives its questions: the day that ends with it (midnight's release
    gives the day before; a 16:00 release, that same day)."""
    return (release_at - timedelta(microseconds=1)).astimezone(zone).date()


def scheduled_release(school_id: int, connection) -> datetime:
    """When a question asked now will be released: the school's next release, or, when that
    time has passed and its release has not run yet, the one after it."""
    at, hour = connection.execute(
        sa.select(School.question_release_at, School.question_release_hour).where(School.id == school_id)
    ).one()
    now = utcnow()
    if at is not None and at > now:
        return at
    return next_release(now, hour, question_zone(), previous=at)


def ask(classroom: Classroom, body: str) -> None:
    """Put a question in the box: it waits for the class's next release.

    Written and committed on a connection of its own, so it shares no transaction with anything
    the asker's request does; the row holds the class, the body and the release time, nothing
    else."""
    with db.engine.begin() as connection:
        connection.execute(
            sa.insert(PendingQuestion).values(
                classroom_id=classroom.id,
                body=body.strip(),
                release_at=scheduled_release(classroom.school_id, connection),
            )
        )


def is_release_due(school: School, now: datetime | None = None) -> bool:
    at = school.question_release_at
    return at is None or at <= (now or utcnow())


def release_if_due(school: School) -> int | None:
    """Run the school's daily release if its time has come (cheap when it has not: the school
    is already loaded). Returns the number of questions released, None when nothing was due."""
    if not is_release_due(school):
        return None
    released = release(school.id)
    db.session.expire(school, ["question_release_at"])
    return released


def release(school_id: int) -> int | None:
    """The school's daily release, in one transaction of its own: every waiting question whose
    time has come goes into class_questions in random order, with its release day's date, and
    leaves pending_questions; the next release is scheduled.

    Safe to run from several workers, servers or a cron job at once (SQLite and PostgreSQL): the
    one whose update moves the school's release time runs it; the others find it moved and stop.
    Returns the number released, or None when the release was not due or another ran it.
    """
    zone = question_zone()
    with db.engine.begin() as connection:
        at, hour = connection.execute(
            sa.select(School.question_release_at, School.question_release_hour).where(School.id == school_id)
        ).one()
        now = utcnow()
        if at is not None and at > now:
            return None
        claimed = connection.execute(
            sa.update(School)
            .where(
                School.id == school_id,
                School.question_release_at.is_(None) if at is None else School.question_release_at == at,
            )
            .values(question_release_at=next_release(now, hour, zone, previous=at))
        ).rowcount
        if claimed != 1:
            return None
        release_checks(connection, school_id)  # the before-and-after check's answers, same day, same way
        classes = sa.select(Classroom.id).where(Classroom.school_id == school_id)
        waiting = connection.execute(
            sa.delete(PendingQuestion)
            .where(PendingQuestion.classroom_id.in_(classes), PendingQuestion.release_at <= now)
            .returning(PendingQuestion.classroom_id, PendingQuestion.body, PendingQuestion.release_at)
        ).all()
        if not waiting:
            return 0
        rows = [
            {
                "classroom_id": classroom_id,
                "body": body,
                "status": QuestionStatus.NEW,
                "created_on": release_day(release_at, zone),
            }
            for classroom_id, body, release_at in waiting
        ]
        shuffle(rows)
        connection.execute(sa.insert(ClassQuestion), rows)
        return len(rows)


def shuffle(rows: list) -> None:
    """Random order from the system's randomness (a test may replace this to fix the order)."""
    secrets.SystemRandom().shuffle(rows)


def release_all_due() -> int:
    """Every school's due release (the `flask questions release` command); returns how many
    questions were released."""
    now = utcnow()
    due = (
        db.session.execute(
            db.select(School.id).where(
                sa.or_(School.question_release_at.is_(None), School.question_release_at <= now)
            )
        )
        .scalars()
        .all()
    )
    db.session.rollback()  # end the read before the releases write, each on its own connection
    return sum(release(school_id) or 0 for school_id in due)


def answer(question: ClassQuestion, text: str) -> None:
    question.answer = text.strip()
    question.answered_at = utcnow()
    question.status = QuestionStatus.ANSWERED


def hide(question: ClassQuestion) -> None:
    question.status = QuestionStatus.HIDDEN


def show(question: ClassQuestion) -> None:
    """Back to the class if answered, else back among the new ones."""
    question.status = QuestionStatus.ANSWERED if question.answer else QuestionStatus.NEW


def delete(question: ClassQuestion) -> None:
    db.session.delete(question)


def _listed(classroom_id: int, *statuses: QuestionStatus) -> list[ClassQuestion]:
    # By date, then by the random id: within a day the order says nothing about who came first.
    return list(
        db.session.execute(
            db.select(ClassQuestion)
            .where(ClassQuestion.classroom_id == classroom_id, ClassQuestion.status.in_(statuses))
            .order_by(ClassQuestion.created_on.desc(), ClassQuestion.id)
        ).scalars()
    )


def answered_questions(classroom_id: int) -> list[ClassQuestion]:
    """What every student of the class sees."""
    return _listed(classroom_id, QuestionStatus.ANSWERED)


def questions_for_teacher(classroom_id: int) -> dict[QuestionStatus, list[ClassQuestion]]:
    grouped = {status: [] for status in QuestionStatus}
    for question in _listed(classroom_id, *QuestionStatus):
        grouped[question.status].append(question)
    return grouped


def count_new(classroom_id: int) -> int:
    return db.session.execute(
        db.select(db.func.count())
        .select_from(ClassQuestion)
        .where(ClassQuestion.classroom_id == classroom_id, ClassQuestion.status == QuestionStatus.NEW)
    ).scalar_one()


def render_answer(text: str | None) -> Markup:
    """A teacher's Markdown answer as sanitised HTML with plain formatting only."""
    import markdown as md  # on first use: most requests render no answer

    html = md.markdown(text or "", extensions=["sane_lists"])
    return Markup(nh3.clean(html, tags=ANSWER_TAGS, attributes={}))
