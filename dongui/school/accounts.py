"""Accounts: creating users, checking and changing passwords. No HTTP here."""

import secrets

from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

from ..clock import utcnow
from ..extensions import db
from ..models import Role, School, User, is_valid_username, normalize_username

# Letters and digits that cannot be mistaken for one another on a printed card.
ONE_TIME_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
ONE_TIME_LENGTH = 10

_dummy_hash = None


def hash_password(password: str, *, one_time: bool = False) -> str:
    setting = "ONE_TIME_PASSWORD_HASH_METHOD" if one_time else "PASSWORD_HASH_METHOD"
    return generate_password_hash(password, method=current_app.config[setting])


def generate_one_time_password(length: int = ONE_TIME_LENGTH) -> str:
    """A random password for a sign-in card: shown once, never stored in plain text."""
    return "".join(secrets.choice(ONE_TIME_ALPHABET) for _ in range(length))


def find_user(username: str) -> User | None:
    normalized = normalize_username(username)
    return db.session.execute(db.select(User).filter_by(username=normalized)).scalar_one_or_none()


def authenticate(username: str, password: str) -> User | None:
    """Return the active user with this username and password, else None.

    An unknown username costs the same hashing work as a wrong password, so timing does
    not tell whether an account exists.
    """
    user = find_user(username)
    if user is None or not user.is_active:
        check_password_hash(_get_dummy_hash(), password)
        return None
    return user if check_password_hash(user.password_hash, password) else None


def _get_dummy_hash() -> str:
    global _dummy_hash
    if _dummy_hash is None or not _dummy_hash.startswith(
        current_app.config["PASSWORD_HASH_METHOD"].split(":")[0]
    ):
        _dummy_hash = hash_password(secrets.token_urlsafe(16))
    return _dummy_hash


def set_password(user: User, password: str, *, one_time: bool = False) -> None:
    """Set a new password and end the user's other sessions (session_version bump)."""
    user.password_hash = hash_password(password, one_time=one_time)
    user.must_change_password = one_time
    user.session_version = (user.session_version or 0) + 1


def reset_password(user: User) -> str:
    """Give the user a one-time password they must change at sign-in; return it once."""
    password = generate_one_time_password()
    set_password(user, password, one_time=True)
    return password


def create_user(
    school: School,
    username: str,
    display_name: str,
    role: Role,
    password: str | None = None,
    *,
    password_hash: str | None = None,
) -> tuple[User, str | None]:
    """Create a user. Without a password, one is generated and returned (must change it).

    :raises ValueError: when the username is not valid after normalisation or is taken.
    """
    normalized = normalize_username(username)
    if not is_valid_username(normalized):
        raise ValueError(f"invalid username: {username!r}")
    if find_user(normalized) is not None:
        raise ValueError(f"username already taken: {normalized}")
    one_time = None
    if password is None and password_hash is None:
        password = one_time = generate_one_time_password()
    user = User(
        school=school,
        username=normalized,
        display_name=display_name.strip(),
        role=role,
        password_hash=password_hash or hash_password(password, one_time=one_time is not None),
        must_change_password=one_time is not None,
    )
    db.session.add(user)
    db.session.flush()
    return user, one_time


def record_seen(user: User) -> bool:
    """Update last_seen_at at most every few minutes; return True when it was written."""
    now = utcnow()
    interval = current_app.config["LAST_SEEN_INTERVAL_MINUTES"] * 60
    if user.last_seen_at and (now - user.last_seen_at).total_seconds() < interval:
        return False
    user.last_seen_at = now
    return True
