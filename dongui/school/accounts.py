"""Accounts: creating users, checking and changing passwords. No HTTP here."""

import hashlib
import hmac
import secrets

from flask import current_app

from ..clock import utcnow
from ..extensions import db
from ..models import District, Role, School, User, is_valid_username, normalize_username
from .hashing import hashing_turn, make_hash, method_family, needs_rehash, verify

# Letters and digits that cannot be mistaken for one another on a printed card.
ONE_TIME_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
ONE_TIME_LENGTH = 10

_dummy_hashes: dict[str, str] = {}


def hash_password(password: str, *, one_time: bool = False) -> str:
    setting = "ONE_TIME_PASSWORD_HASH_METHOD" if one_time else "PASSWORD_HASH_METHOD"
    return make_hash(password, current_app.config[setting])


def check_password(user: User, password: str) -> bool:
    return verify(user.password_hash, password)


def generate_one_time_password(length: int = ONE_TIME_LENGTH) -> str:
    """A random password for a sign-in card: shown once, never stored in plain text."""
    return "".join(secrets.choice(ONE_TIME_ALPHABET) for _ in range(length))


def derive_one_time_password(secret: str, token: str, username: str, length: int = ONE_TIME_LENGTH) -> str:
    """A one-time password for a card that a resent form can show again without it being stored:
    HMAC(secret key, the form's random token, the username), in the card alphabet.

    Only the server (the secret key) and the confirm form (the token) together can make it.
    """
    message = f"dongui-sign-in-card\0{token}\0{username}".encode()
    number = int.from_bytes(hmac.new(secret.encode(), message, hashlib.sha256).digest(), "big")
    letters = []
    for _ in range(length):  # 31**10 is far below 2**256: every letter is as likely as the next
        number, index = divmod(number, len(ONE_TIME_ALPHABET))
        letters.append(ONE_TIME_ALPHABET[index])
    return "".join(letters)


def find_user(username: str) -> User | None:
    normalized = normalize_username(username)
    return db.session.execute(db.select(User).filter_by(username=normalized)).scalar_one_or_none()


def authenticate(username: str, password: str) -> User | None:
    """Return the active user with this username and password, else None.

    Every sign-in costs the same hashing work, whether the username is unknown, the account has
    a chosen password or a one-time password (hashed more cheaply, ONE_TIME_PASSWORD_HASH_METHOD):
    each checks one hash of each kind, so timing tells neither whether an account exists nor
    whether it still has its card's password.

    A chosen password stored by an older method (Werkzeug's scrypt before argon2id) is hashed
    again with PASSWORD_HASH_METHOD while the password is in hand; the caller commits it.
    """
    user = find_user(username)
    config = current_app.config
    chosen, one_time = _dummy_hash("PASSWORD_HASH_METHOD"), _dummy_hash("ONE_TIME_PASSWORD_HASH_METHOD")
    if user is None or not user.is_active:
        with hashing_turn():
            verify(chosen, password)
            verify(one_time, password)
        return None
    is_one_time = user.must_change_password and method_family(user.password_hash) == method_family(one_time)
    with hashing_turn():
        verify(chosen if is_one_time else one_time, password)
        matches = verify(user.password_hash, password)
    if not matches:
        return None
    if not user.must_change_password and needs_rehash(user.password_hash, config["PASSWORD_HASH_METHOD"]):
        user.password_hash = hash_password(password)
    return user


def _dummy_hash(setting: str) -> str:
    """A hash of a random password made with the method `setting` names (kept per method)."""
    method = current_app.config[setting]
    if method not in _dummy_hashes:
        _dummy_hashes[method] = make_hash(secrets.token_urlsafe(16), method)
    return _dummy_hashes[method]


def end_all_sessions(user: User) -> None:
    """Every session of the user ends, on every device, and any copy of a session cookie is
    refused from now on (the session version is part of what each cookie holds)."""
    user.session_version = (user.session_version or 0) + 1


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
    school: School | None,
    username: str,
    display_name: str,
    role: Role,
    password: str | None = None,
    *,
    password_hash: str | None = None,
    district: District | None = None,
) -> tuple[User, str | None]:
    """Create a user. Without a password, one is generated and returned (must change it).

    A district admin has a `district` and no school; everyone else a school.

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
        district_id=district.id if district is not None else None,
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
