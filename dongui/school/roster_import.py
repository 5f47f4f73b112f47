"""Roster import, confirming: the rows the teacher saw in the preview, written all or nothing,
once.

The confirm form carries the rows as read (only the columns used; the view signs it), the
lines the teacher agreed to leave out and a random token. The first confirm with a token
imports and records the token's hash (RosterImport, unique); a resent or double-clicked
confirm finds it and shows the same result and cards. The cards' one-time passwords are
derived from the token and the secret key (accounts.derive_one_time_password), so the same
cards can be shown again without any password being stored.
"""

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from ..clock import utcnow
from ..extensions import db
from ..models import AuditEvent, Classroom, Enrollment, Role, RosterImport, User
from .accounts import derive_one_time_password, hash_password
from .audit import Action, record_audit
from .roster import Preview, RosterRow, check_rows, make_row, unreadable_row

# How long a resent confirm shows the cards again: long enough for a double click, a reload or
# a flaky connection; afterwards the cards page (new passwords) is the way to print them.
CARDS_SHOWN_AGAIN = timedelta(minutes=30)


@dataclass(frozen=True)
class Card:
    """What a sign-in card shows of a student, read before the commit."""

    id: int
    username: str
    display_name: str


@dataclass
class ImportResult:
    cards: list[tuple[Card, str]]  # (student, one-time password): shown on this page only
    created: int
    enrolled: int
    unchanged: int
    left_out: list[int] = field(default_factory=list)
    again: bool = False  # a resent confirm: the first confirm's result
    no_card: int = 0  # new students whose card is not shown again (signed in since, or too late)


@dataclass
class Confirmation:
    """Either the import's result, or the preview again when the class changed since."""

    result: ImportResult | None = None
    preview: Preview | None = None


def new_import_token() -> str:
    return secrets.token_urlsafe(24)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def preview_payload(preview: Preview, token: str) -> dict:
    """What the confirm form carries: the rows as read, and what the teacher saw."""
    return {
        "t": token,
        "rows": [row_payload(row) for row in preview.rows],
        "skipped": preview.skipped,
        "titles": preview.titles,
        "headings": preview.headings,
        "header_line": preview.header_line,
        "left_out": preview.left_out,
    }


def row_payload(row: RosterRow) -> list:
    if row.text:
        problem = row.problems[0]
        return [row.line, None, problem.code, problem.params]
    return [row.line, list(row.raw), row.extra, row.width]


def preview_from_payload(payload: dict) -> Preview:
    """The rows as the preview read them (make_row again gives the same problems)."""
    rows = []
    for line, raw, *rest in payload["rows"]:
        if raw is None:
            code, params = rest
            rows.append(unreadable_row(line, code, params, params.get("text", "")))
        else:
            extra, width = rest
            rows.append(make_row(line, tuple(raw), extra, width))
    return Preview(
        rows=rows,
        skipped=list(payload["skipped"]),
        titles=[tuple(t) for t in payload["titles"]],
        headings=[tuple(h) for h in payload["headings"]],
        header_line=payload["header_line"],
    )


def confirm_import(payload: dict, classroom: Classroom, actor: User | None) -> Confirmation:
    """Import what the preview showed, or show the first result again for a token already used.

    Flushes only; the caller commits (transactions.commit_with_retry: a double click that loses
    the race on the unique token is run again and finds the first import).
    """
    done = db.session.execute(
        db.select(RosterImport).filter_by(token_hash=hash_token(payload["t"]), classroom_id=classroom.id)
    ).scalar_one_or_none()
    if done is not None:
        return Confirmation(result=show_again(done, payload, classroom))
    preview = check_rows(preview_from_payload(payload), classroom, actor)
    if not preview.importable or preview.left_out != payload["left_out"]:
        return Confirmation(preview=preview)  # the class changed since the preview
    return Confirmation(result=apply_import(preview, classroom, actor, payload["t"]))


def apply_import(
    preview: Preview, classroom: Classroom, actor: User | None, token: str | None = None
) -> ImportResult:
    """Create and enroll every row without a problem; flush only (the caller commits).

    One-time passwords are hashed with the cheaper ONE_TIME method (each is replaced at first
    sign-in), and before anything is written, so the write transaction is short.
    """
    if not preview.importable:
        raise ValueError("nothing in the preview can be imported")
    token = token or new_import_token()
    secret = current_app.config["SECRET_KEY"]
    rows = preview.good_rows
    new = []
    for row in (r for r in rows if r.action == "create"):
        password = row.password or derive_one_time_password(secret, token, row.username)
        new.append((row, password, hash_password(password, one_time=True)))
    users = [
        User(
            school_id=classroom.school_id,
            username=row.username,
            display_name=row.name,
            role=Role.STUDENT,
            must_change_password=True,
            password_hash=password_hash,
        )
        for row, _password, password_hash in new
    ]
    db.session.add_all(users)
    db.session.flush()
    db.session.add_all(
        Enrollment(classroom_id=classroom.id, student_id=user.id, number=row.number)
        for user, (row, _p, _h) in zip(users, new, strict=True)
    )
    enrolled = [row for row in rows if row.action == "enroll"]
    db.session.add_all(
        Enrollment(classroom_id=classroom.id, student_id=row.student_id, number=row.number)
        for row in enrolled
    )
    unchanged = [row for row in rows if row.action == "already"]
    for row in unchanged:
        if row.number is not None:
            db.session.execute(
                sa.update(Enrollment)
                .where(
                    Enrollment.classroom_id == classroom.id,
                    Enrollment.student_id == row.student_id,
                )
                .values(number=row.number)
            )
    event = record_audit(
        classroom.school_id,
        actor.id if actor else None,
        Action.ROSTER_IMPORT,
        "classroom",
        classroom.id,
        created=[u.id for u in users],
        enrolled=[row.student_id for row in enrolled],
        unchanged=len(unchanged),
        left_out=preview.left_out,
    )
    db.session.flush()
    db.session.add(
        RosterImport(token_hash=hash_token(token), classroom_id=classroom.id, audit_event_id=event.id)
    )
    db.session.flush()
    cards = [
        (Card(u.id, u.username, u.display_name), password)
        for u, (_row, password, _h) in zip(users, new, strict=True)
    ]
    return ImportResult(
        cards=cards,
        created=len(users),
        enrolled=len(enrolled),
        unchanged=len(unchanged),
        left_out=preview.left_out,
    )


def show_again(done: RosterImport, payload: dict, classroom: Classroom) -> ImportResult:
    """The first confirm's result, with the cards of the new students whose password is still
    the one on their card (they have not signed in or been reset), within CARDS_SHOWN_AGAIN."""
    detail = db.session.get(AuditEvent, done.audit_event_id).detail
    created = detail.get("created", [])  # erasing a student takes their id out
    students = (
        db.session.execute(
            db.select(User, Enrollment.number)
            .outerjoin(
                Enrollment, sa.and_(Enrollment.student_id == User.id, Enrollment.classroom_id == classroom.id)
            )
            .where(User.id.in_(created))
        ).all()
        if created
        else []
    )
    by_id = {user.id: (user, number) for user, number in students}
    chosen = chosen_passwords(preview_from_payload(payload).rows)
    in_time = utcnow() - done.created_at <= CARDS_SHOWN_AGAIN
    secret = current_app.config["SECRET_KEY"]
    cards = []
    for student_id in created:
        user, number = by_id.get(student_id, (None, None))
        if user is None or not in_time or not user.must_change_password or user.session_version != 1:
            continue
        password = (
            chosen.get(user.username)
            or chosen.get((user.display_name, number))
            or derive_one_time_password(secret, payload["t"], user.username)
        )
        cards.append((Card(user.id, user.username, user.display_name), password))
    return ImportResult(
        cards=cards,
        created=len(created),
        enrolled=len(detail.get("enrolled", [])),
        unchanged=detail.get("unchanged", 0),
        left_out=detail.get("left_out", []),
        again=True,
        no_card=len(created) - len(cards),
    )


def chosen_passwords(rows: list[RosterRow]) -> dict:
    """First passwords the file chose, by username, or by name and number when it gave none."""
    chosen = {}
    for row in rows:
        if row.password and row.ok:
            chosen[row.username or (row.name, row.number)] = row.password
    return chosen
