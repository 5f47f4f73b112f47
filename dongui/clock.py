"""The current time, injectable through the CLOCK setting so tests can move time."""

from datetime import UTC, datetime

from flask import current_app, has_app_context


def system_now() -> datetime:
    return datetime.now(UTC)


def utcnow() -> datetime:
    """Return the current UTC time, from the app's CLOCK when there is an app."""
    if has_app_context():
        return current_app.config["CLOCK"]()
    return system_now()
