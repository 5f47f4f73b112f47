"""The activity log: one place that writes AuditEvent rows (ids and counts only)."""

import enum

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..models import AuditEvent


class Action(enum.StrEnum):
    """What an audit event records; the log stores the value, people read ACTION_LABELS."""

    TEACHER_CREATE = "teacher.create"
    PASSWORD_RESET = "password.reset"
    STAFF_ACTIVATE = "staff.activate"
    STAFF_DEACTIVATE = "staff.deactivate"
    CLASSES_REASSIGN = "classes.reassign"
    SCHOOL_EXPORT = "school.export"
    CLASS_EXPORT = "class.export"
    ROSTER_IMPORT = "roster.import"
    STUDENT_REMOVE = "student.remove"
    STUDENT_MOVE = "student.move"
    STUDENT_EXCUSE = "student.excuse"
    STUDENT_UNEXCUSE = "student.unexcuse"
    STUDENT_EXCUSE_FAMILY = "student.excuse_family"  # a letter slip: taught at home (가정 요청)
    CLASS_ATTENDANCE = "class.attendance"  # who took part in a module taught in class
    CLASS_SLIPS = "class.slips"  # the letter home's return slips, marked
    STUDENT_EXPORT = "student.export"
    STUDENT_DELETE = "student.delete"
    QUESTION_DELETE = "question.delete"
    SETTINGS_CHANGE = "school.settings"


# An unknown code (from an older version) is shown as it is.
ACTION_LABELS = {
    Action.TEACHER_CREATE: _l("Teacher account created"),
    Action.PASSWORD_RESET: _l("Password reset"),
    Action.STAFF_ACTIVATE: _l("Staff account reactivated"),
    Action.STAFF_DEACTIVATE: _l("Staff account deactivated"),
    Action.CLASSES_REASSIGN: _l("Classes handed over"),
    Action.SCHOOL_EXPORT: _l("School report exported"),
    Action.CLASS_EXPORT: _l("Class progress exported"),
    Action.ROSTER_IMPORT: _l("Roster imported"),
    Action.STUDENT_REMOVE: _l("Student removed from a class"),
    Action.STUDENT_MOVE: _l("Student moved to another class"),
    Action.STUDENT_EXCUSE: _l("Student excused from a module"),
    Action.STUDENT_UNEXCUSE: _l("Excusal cancelled"),
    Action.STUDENT_EXCUSE_FAMILY: _l("Student excused at the family's request"),
    Action.CLASS_ATTENDANCE: _l("In-class participation recorded"),
    Action.CLASS_SLIPS: _l("Letter home slips recorded"),
    Action.STUDENT_EXPORT: _l("Student data exported"),
    Action.STUDENT_DELETE: _l("Student deleted"),
    Action.QUESTION_DELETE: _l("Anonymous question deleted"),
    Action.SETTINGS_CHANGE: _l("School settings changed"),
}


TARGET_LABELS = {"user": _l("Account"), "classroom": _l("Class"), "school": _l("School")}

# Detail keys whose values are user ids (one id or a list of ids). Name users in detail only
# under these keys, so that erasing a student can find and remove their id (admin/privacy.py).
USER_ID_KEYS = frozenset(
    {"user", "users", "student", "students", "to", "by", "created", "enrolled"}
)  # roster.import: the students it made and added


def record_audit(
    school_id: int, actor_id: int | None, action: Action, target_type: str, target_id: int | None, **detail
) -> AuditEvent:
    event = AuditEvent(
        school_id=school_id,
        actor_id=actor_id,
        action=action,
        target_type=target_type,
        target_id=target_id,
        detail=detail,
    )
    db.session.add(event)
    return event


def record_settings_change(school, actor_id: int | None) -> AuditEvent | None:
    """Log a change of the school's settings, naming the settings that changed (not their values),
    before the change is committed. Nothing changed: nothing logged."""
    state = sa.inspect(school)
    changed = sorted(
        attr.key for attr in state.attrs if attr.history.added and attr.history.added != attr.history.deleted
    )
    if not changed:
        return None
    return record_audit(school.id, actor_id, Action.SETTINGS_CHANGE, "school", school.id, settings=changed)
