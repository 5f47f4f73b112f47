"""The activity log: one place that writes AuditEvent rows (ids and counts only)."""

from ..extensions import db
from ..models import AuditEvent

# Detail keys whose values are user ids (one id or a list of ids). Name users in detail only
# under these keys, so that erasing a student can find and remove their id (admin/privacy.py).
USER_ID_KEYS = frozenset({"user", "users", "student", "students", "to", "by"})


def record_audit(school_id: int, actor_id: int | None, action: str, target_type: str,
                 target_id: int | None, **detail) -> AuditEvent:
    event = AuditEvent(school_id=school_id, actor_id=actor_id, action=action,
                       target_type=target_type, target_id=target_id, detail=detail)
    db.session.add(event)
    return event
