"""The one commit point for views that race with themselves (double clicks, two tabs)."""

from sqlalchemy.exc import IntegrityError

from .extensions import db


def commit_with_retry(work, retries: int = 2):
    """Run `work()` and commit; on a unique-key race, roll back and run it again.

    The second run sees the row the other request inserted, so the outcome is the same as
    if the requests had come one after the other.
    """
    for attempt in range(retries + 1):
        try:
            result = work()
            db.session.commit()
            return result
        except IntegrityError:
            db.session.rollback()
            if attempt == retries:
                raise
    return None
