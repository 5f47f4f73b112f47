"""The data model (DESIGN.md, "Data model"): schools, people and classes."""

import enum
import re
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


USERNAME_PATTERN = re.compile(r"^[a-z0-9._-]{2,64}$")


def normalize_username(raw: str) -> str:
    """Trim, fold width and case: the one form a username is stored and compared in."""
    return unicodedata.normalize("NFKC", raw or "").strip().lower()


def is_valid_username(username: str) -> bool:
    return bool(USERNAME_PATTERN.match(username))


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


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(sa.ForeignKey("schools.id"), index=True)
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

    school: Mapped[School] = relationship(lazy="joined", innerjoin=True)

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
    classroom_id: Mapped[int] = mapped_column(
        sa.ForeignKey("classrooms.id", ondelete="CASCADE"), index=True
    )
    student_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
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
COMPLETED_PROGRESS = sa.and_(ModuleProgress.lesson_done_at.is_not(None),
                             ModuleProgress.quiz_passed_at.is_not(None))
sa.Index("ix_module_progress_completed", ModuleProgress.user_id, ModuleProgress.module_slug,
         sqlite_where=COMPLETED_PROGRESS, postgresql_where=COMPLETED_PROGRESS)


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
    classroom_id: Mapped[int] = mapped_column(
        sa.ForeignKey("classrooms.id", ondelete="CASCADE"), index=True
    )
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
    classroom_id: Mapped[int] = mapped_column(
        sa.ForeignKey("classrooms.id", ondelete="CASCADE"), index=True
    )
    student_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    module_slug: Mapped[str] = mapped_column(sa.String(64))
    excused_by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


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


class QuestionStatus(enum.StrEnum):
    NEW = "new"
    ANSWERED = "answered"  # shown to the whole class
    HIDDEN = "hidden"      # kept for the teacher, shown to no student


def new_question_id() -> str:
    import secrets

    return secrets.token_urlsafe(16)


class ClassQuestion(db.Model):
    """A question put anonymously to a class's teachers.

    Holds no user, no time of day, no address and no sequential id: the random id, the class and
    the school-local date are all that say where it came from (DESIGN.md, "Data model").
    """

    __tablename__ = "class_questions"

    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True, default=new_question_id)
    classroom_id: Mapped[int] = mapped_column(
        sa.ForeignKey("classrooms.id", ondelete="CASCADE"), index=True
    )
    body: Mapped[str] = mapped_column(sa.Text)
    created_on: Mapped[date] = mapped_column(sa.Date)
    answer: Mapped[str | None] = mapped_column(sa.Text)  # Markdown, sanitised when shown
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[QuestionStatus] = mapped_column(
        sa.Enum(QuestionStatus, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e]),
        default=QuestionStatus.NEW,
    )
