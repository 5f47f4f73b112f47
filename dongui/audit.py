"""The activity log: one place that writes AuditEvent rows (ids and counts only)."""

from .extensions import db
from .models import AuditEvent


def record_audit(school_id: int, actor_id: int | None, action: str, target_type: str,
                 target_id: int | None, **detail) -> AuditEvent:
    event = AuditEvent(school_id=school_id, actor_id=actor_id, action=action,
                       target_type=target_type, target_id=target_id, detail=detail)
    db.session.add(event)
    return event
