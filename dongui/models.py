"""The data model (DESIGN.md, "Data model"): schools, people and classes."""

import enum
import re
import secrets
import unicodedata
from datetime import UTC, date, datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from .clock import utcnow
from .extensions import db


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime that reads back the same on SQLite and PostgreSQL.

    SQLite has no time zones, so values are stored as naive UTC there and made aware on
    the way out; naive values are refused on the way in so local times never sneak in.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("UTCDateTime needs a timezone-aware datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Role(enum.StrEnum):
    STUDENT = "student"
    TEACHER = "teacher"
    ADMIN = "admin"
    # An education office (교육청): aggregates of its district's schools, never a student.
    DISTRICT_ADMIN = "district_admin"


USERNAME_PATTERN = re.compile(r"^[a-z0-9._-]{2,64}$")


class UsernamePattern(enum.StrEnum):
    """How a roster import names new students who come without a username (School setting)."""

    CLASS_NUMBER = "class_number"  # hanbit-3-01: school, class id, class number
    STUDENT_ID = "student_id"  # 20501: 학번 (grade, class, number)
    SCHOOL_STUDENT_ID = "school_student_id"  # hanbit-20501: 학번, unique across schools


def normalize_username(raw: str) -> str:
    """Trim, fold width and case: the one form a username is stored and compared in."""
    return unicodedata.normalize("NFKC", raw or "").strip().lower()


def is_valid_username(username: str) -> bool:
    return bool(USERNAME_PATTERN.match(username))


def new_data_version() -> int:
    """A random start, so a class made with a deleted one's id never meets its cached pages."""
    return secrets.randbelow(2**30)


class School(db.Model):
    __tablename__ = "schools"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    slug: Mapped[str] = mapped_column(sa.String(40), unique=True)
    timezone: Mapped[str] = mapped_column(sa.String(64), default="Asia/Seoul")
    default_locale: Mapped[str] = mapped_column(sa.String(8), default="ko")
    allow_self_signup: Mapped[bool] = mapped_column(default=False)
    # The school's own lines, shown first on the help page: [{"name", "phone", "note"}].
    help_contacts: Mapped[list] = mapped_column(sa.JSON, default=list)
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The question box's daily release: the hour (0-23, in QUESTION_TIMEZONE) the admin chose,
    # and when the next release is due (school/questions.py keeps it; no form writes it).
    question_release_hour: Mapped[int] = mapped_column(default=0, server_default="0")
    question_release_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    username_pattern: Mapped[UsernamePattern] = mapped_column(
        sa.Enum(
            UsernamePattern, native_enum=False, length=24, values_callable=lambda e: [m.value for m in e]
        ),
        default=UsernamePattern.CLASS_NUMBER,
        server_default=UsernamePattern.CLASS_NUMBER.value,
    )
    # The letter home (가정통신문): the school's own "why we teach this", {locale: Markdown}; empty
    # languages use the standard text in letters/.
    letter_why: Mapped[dict | None] = mapped_column(sa.JSON)
    # Whether taking part in a module taught in class (수업 참여) completes it, or the student
    # must still pass its quiz (online, or on paper as the teacher records).
    participation_completes: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # The before-and-after check: the fewest answers a class's before and after must each have
    # for anyone to see results (k; never below MIN_ANSWERS in school/checks/).
    check_min_answers: Mapped[int] = mapped_column(default=10, server_default="10")
    # Moves on with every write that changes the school report (school/versions.py): the
    # report's cache and ETag are keyed by it.
    data_version: Mapped[int] = mapped_column(default=new_data_version, server_default="0")
    # The school's 개인정보 보호책임자 (privacy officer), shown on the privacy page; empty: the page
    # tells people to ask the school.
    privacy_officer_name: Mapped[str | None] = mapped_column(sa.String(80))
    privacy_officer_contact: Mapped[str | None] = mapped_column(sa.String(120))


class District(db.Model):
    """An education office (교육청) with its member schools (DistrictSchool)."""

    __tablename__ = "districts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    slug: Mapped[str] = mapped_column(sa.String(40), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DistrictSchool(db.Model):
    """A school's membership of a district (a school may belong to a local and a regional office)."""

    __tablename__ = "district_schools"

    district_id: Mapped[int] = mapped_column(
        sa.ForeignKey("districts.id", ondelete="CASCADE"), primary_key=True
    )
    school_id: Mapped[int] = mapped_column(
        sa.ForeignKey("schools.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class DistrictFigures(db.Model):
    """The district report's figures as last counted (district/presenters.py): counts only, no
    name but the schools'. An office reads figures up to DISTRICT_REPORT_MAX_AGE_MINUTES old
    instead of recounting a million rows at every view."""

    __tablename__ = "district_figures"

    district_id: Mapped[int] = mapped_column(
        sa.ForeignKey("districts.id", ondelete="CASCADE"), primary_key=True
    )
    counted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    data: Mapped[dict] = mapped_column(sa.JSON)


class User(UserMixin, db.Model):
    __tablename__ = "users"
    # Everyone belongs to a school, but a district admin, who belongs to a district instead.
    __table_args__ = (
        sa.CheckConstraint(
            "(school_id IS NULL) <> (district_id IS NULL)", name="ck_users_school_or_district"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int | None] = mapped_column(sa.ForeignKey("schools.id"), index=True)
    district_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("districts.id", ondelete="CASCADE"), index=True
    )
    username: Mapped[str] = mapped_column(sa.String(64), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(80))
    role: Mapped[Role] = mapped_column(
        sa.Enum(Role, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e])
    )
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    locale: Mapped[str | None] = mapped_column(sa.String(8))
    must_change_password: Mapped[bool] = mapped_column(default=False)
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    school: Mapped[School | None] = relationship(lazy="joined")

    def get_id(self) -> str:
        # The session holds id and session_version, so bumping the version ends
        # every other session of this user (DESIGN.md, "Security").
        return f"{self.id}:{self.session_version}"

    @property
    def is_active(self) -> bool:
        return self.deactivated_at is None

    @property
    def is_staff(self) -> bool:
        return self.role in (Role.TEACHER, Role.ADMIN)


class Classroom(db.Model):
    __tablename__ = "classrooms"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(sa.ForeignKey("schools.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    year: Mapped[int]
    join_code: Mapped[str] = mapped_column(sa.String(16), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Moves on with every write that changes the class dashboard (school/versions.py).
    data_version: Mapped[int] = mapped_column(default=new_data_version, server_default="0")

    school: Mapped[School] = relationship()
    # Not stored: set by `permissions.get_classroom_or_404` for the signed-in user's request.
    can_edit = False


class ClassTeacher(db.Model):
    __tablename__ = "class_teachers"

    classroom_id: Mapped[int] = mapped_column(
        sa.ForeignKey("classrooms.id", ondelete="CASCADE"), primary_key=True
    )
    teacher_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Enrollment(db.Model):
    __tablename__ = "enrollments"
    __table_args__ = (sa.UniqueConstraint("classroom_id", "student_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    classroom_id: Mapped[int] = mapped_column(sa.ForeignKey("classrooms.id", ondelete="CASCADE"), index=True)
    student_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    number: Mapped[int | None]  # 번호: the student's number in the class
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ModuleProgress(db.Model):
    """One row per user and module: what the dashboards read."""

    __tablename__ = "module_progress"
    __table_args__ = (sa.UniqueConstraint("user_id", "module_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # No index of its own: the unique (user_id, module_slug) index serves lookups by user.
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    module_slug: Mapped[str] = mapped_column(sa.String(64), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_step: Mapped[int] = mapped_column(default=1)  # the furthest step reached (1-based)
    lesson_done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    quiz_passed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    best_score: Mapped[float | None]  # the best attempt's share of points, 0 to 1
    attempts: Mapped[int] = mapped_column(default=0)
    content_hash: Mapped[str] = mapped_column(sa.String(64), default="")

    @property
    def is_completed(self) -> bool:
        return self.lesson_done_at is not None and self.quiz_passed_at is not None


# A completed module, in SQL: the filter every count of completions uses, and the partial index
# that lets the school report count them without reading the other rows.
COMPLETED_PROGRESS = sa.and_(
    ModuleProgress.lesson_done_at.is_not(None), ModuleProgress.quiz_passed_at.is_not(None)
)
sa.Index(
    "ix_module_progress_completed",
    ModuleProgress.user_id,
    ModuleProgress.module_slug,
    sqlite_where=COMPLETED_PROGRESS,
    postgresql_where=COMPLETED_PROGRESS,
)


class QuizAttempt(db.Model):
    __tablename__ = "quiz_attempts"
    __table_args__ = (sa.Index("ix_quiz_attempts_user_module", "user_id", "module_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    module_slug: Mapped[str] = mapped_column(sa.String(64))
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    score: Mapped[int]
    max_score: Mapped[int]
    passed: Mapped[bool]
    answers: Mapped[dict] = mapped_column(sa.JSON)  # {question id: [choice ids]}
    # A resubmitted form carries the same token, so it can never make a second attempt.
    submit_token: Mapped[str] = mapped_column(sa.String(64), unique=True)


class Assignment(db.Model):
    """A module a class must do, in the teacher's order, with an optional due date."""

    __tablename__ = "assignments"
    __table_args__ = (sa.UniqueConstraint("classroom_id", "module_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    classroom_id: Mapped[int] = mapped_column(sa.ForeignKey("classrooms.id", ondelete="CASCADE"), index=True)
    module_slug: Mapped[str] = mapped_column(sa.String(64))
    position: Mapped[int] = mapped_column(default=0)
    due_on: Mapped[date | None] = mapped_column(sa.Date)  # a date in the school's time zone
    assigned_by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Excusal(db.Model):
    """A student excused from one module in one class (e.g. on the counsellor's advice)."""

    __tablename__ = "excusals"
    __table_args__ = (sa.UniqueConstraint("classroom_id", "student_id", "module_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    classroom_id: Mapped[int] = mapped_column(sa.ForeignKey("classrooms.id", ondelete="CASCADE"), index=True)
    student_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    module_slug: Mapped[str] = mapped_column(sa.String(64))
    excused_by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reason: Mapped[str | None] = mapped_column(sa.String(16))  # ExcusalReason; None: the teacher's call


class AuditEvent(db.Model):
    """Who did what to whom: imports, resets, moves, exports, deletions, excusals.

    Holds ids only, never names or passwords, so erasing a person leaves no trace of them.
    """

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(sa.ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(sa.String(40))
    target_type: Mapped[str] = mapped_column(sa.String(40))
    target_id: Mapped[int | None]
    detail: Mapped[dict] = mapped_column(sa.JSON, default=dict)  # counts and ids only
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RosterImport(db.Model):
    """A confirmed roster import, found again by its confirm form's token: a resent or
    double-clicked confirm shows the same result instead of importing twice.

    Holds a hash of the token and no names or passwords; what was done is in the audit event.
    """

    __tablename__ = "roster_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    classroom_id: Mapped[int] = mapped_column(sa.ForeignKey("classrooms.id", ondelete="CASCADE"), index=True)
    audit_event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("audit_events.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class QuestionStatus(enum.StrEnum):
    NEW = "new"
    ANSWERED = "answered"  # shown to the whole class
    HIDDEN = "hidden"  # kept for the teacher, shown to no student


def new_question_id() -> str:
    return secrets.token_urlsafe(16)


class PendingQuestion(db.Model):
    """A question waiting for its class's daily release (school/questions.py).

    Written in a transaction of its own, outside the asker's request, and linked to nothing but
    its class: a random id, the body, and the release it waits for (the same moment for every
    question of the day, so it says nothing about when this one came). On SQLite the table has
    no rowid, so its stored order is the random id's, not the order of arrival. The release
    moves the rows into class_questions, shuffled, and deletes them here.
    """

    __tablename__ = "pending_questions"
    __table_args__ = {"sqlite_with_rowid": False}

    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True, default=new_question_id)
    classroom_id: Mapped[int] = mapped_column(sa.ForeignKey("classrooms.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(sa.Text)
    release_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ClassQuestion(db.Model):
    """A question put anonymously to a class's teachers.

    Holds no user, no time of day, no address and no sequential id: the random id, the class and
    the date of the daily release that wrote it are all that say where it came from (DESIGN.md,
    "Data model"). Rows are written only by that release, all of a day's at once in random order
    (school/questions.py), so even their stored order says nothing about who came first.
    """

    __tablename__ = "class_questions"

    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True, default=new_question_id)
    classroom_id: Mapped[int] = mapped_column(sa.ForeignKey("classrooms.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(sa.Text)
    created_on: Mapped[date] = mapped_column(sa.Date)
    answer: Mapped[str | None] = mapped_column(sa.Text)  # Markdown, sanitised when shown
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[QuestionStatus] = mapped_column(
        sa.Enum(QuestionStatus, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e]),
        default=QuestionStatus.NEW,
    )


class ExcusalReason(enum.StrEnum):
    FAMILY = "family"  # 가정 요청: the family will teach the module at home (the letter's slip)


class ClassPresentation(db.Model):
    """Where a class's lesson on the projector is (classroom mode): one row per class, moved
    from the projector or the teacher's notes alike, and polled by both."""

    __tablename__ = "class_presentations"

    classroom_id: Mapped[int] = mapped_column(
        sa.ForeignKey("classrooms.id", ondelete="CASCADE"), primary_key=True
    )
    module_slug: Mapped[str] = mapped_column(sa.String(64))
    position: Mapped[int] = mapped_column(default=0)  # 0 the opening, 1..n the steps, n + 1 the close
    shown: Mapped[bool] = mapped_column(default=False)  # a 15+ step the teacher chose to show
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))


class ClassParticipation(db.Model):
    """A student's part in a module taught in class: present that day (수업 참여), and/or
    passed its quiz on paper, as the teacher recorded after the period."""

    __tablename__ = "class_participations"
    __table_args__ = (sa.UniqueConstraint("classroom_id", "student_id", "module_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    classroom_id: Mapped[int] = mapped_column(sa.ForeignKey("classrooms.id", ondelete="CASCADE"))
    student_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    module_slug: Mapped[str] = mapped_column(sa.String(64))
    attended_on: Mapped[date | None] = mapped_column(sa.Date)  # a date in the school's time zone
    paper_passed_on: Mapped[date | None] = mapped_column(sa.Date)
    recorded_by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LetterSlip(db.Model):
    """A letter home's return slip, as the teacher marked it: returned, and whether the family
    has questions. Modules kept for home are excusals with ExcusalReason.FAMILY."""

    __tablename__ = "letter_slips"
    __table_args__ = (sa.UniqueConstraint("classroom_id", "student_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    classroom_id: Mapped[int] = mapped_column(sa.ForeignKey("classrooms.id", ondelete="CASCADE"))
    student_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    has_questions: Mapped[bool] = mapped_column(default=False)
    returned_on: Mapped[date] = mapped_column(sa.Date)  # a date in the school's time zone
    recorded_by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CheckPhase(enum.StrEnum):
    """The two halves of a class's before-and-after check (school/checks/)."""

    BEFORE = "before"  # before the class's first assigned module
    AFTER = "after"  # after its last


CHECK_PHASE = sa.Enum(CheckPhase, native_enum=False, length=8, values_callable=lambda e: [m.value for m in e])


class CheckMark(db.Model):
    """That a student is done with one half of a class's check, so they are not asked again.

    Says nothing else: not whether they answered or skipped, not when, not what; nothing links
    it to an answer (school/checks/answering.py)."""

    __tablename__ = "check_marks"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    classroom_id: Mapped[int] = mapped_column(
        sa.ForeignKey("classrooms.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    phase: Mapped[CheckPhase] = mapped_column(CHECK_PHASE, primary_key=True)


class PendingCheckAnswers(db.Model):
    """One half of a class's check, answered but not yet released: one row per class, survey and
    half, holding the waiting answer sets as a list in random order (each new one goes in at a
    random place). There is no row per student, so neither the table's order nor a backup's says
    who came when. The school's daily release adds them to check_tallies once there are at least
    k of them, and deletes them here (school/checks/release.py)."""

    __tablename__ = "pending_check_answers"

    classroom_id: Mapped[int] = mapped_column(
        sa.ForeignKey("classrooms.id", ondelete="CASCADE"), primary_key=True
    )
    survey_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    phase: Mapped[CheckPhase] = mapped_column(CHECK_PHASE, primary_key=True)
    entries: Mapped[list] = mapped_column(sa.JSON, default=list)  # [{item id: point, 0 if left blank}]


class CheckTally(db.Model):
    """How many of a class's released answers to one half of the check gave a statement each
    point (0: left blank); the row with `item_id` "" counts the answer sets themselves.

    The check keeps counts, not answer sets: nothing here is one student's, so there is no row
    to link to anyone, no order and no time. Only the release writes it, k answers at a time."""

    __tablename__ = "check_tallies"

    classroom_id: Mapped[int] = mapped_column(
        sa.ForeignKey("classrooms.id", ondelete="CASCADE"), primary_key=True
    )
    survey_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    phase: Mapped[CheckPhase] = mapped_column(CHECK_PHASE, primary_key=True)
    item_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    point: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    count: Mapped[int] = mapped_column(default=0)
