"""Roster import: parse a class list, preview every row, then apply it all or nothing.

Matching an existing student: by username, else by class number in this class, else by a
name that is unique in this class. An ambiguous match is a problem, never a guess.
"""

import re
from dataclasses import dataclass, field

import sqlalchemy as sa

from ..extensions import db
from ..models import (
    Classroom,
    Enrollment,
    Role,
    School,
    User,
    is_valid_username,
    normalize_username,
)
from .accounts import generate_one_time_password, hash_password
from .audit import record_audit
from .passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, password_problem_code
from .roster_files import RosterFileError, Table, read_table

MAX_ROWS = 500
MAX_NAME = 80
MAX_USERNAME = 64
# The student password rule's problems (dongui/auth/passwords.py), as roster problems.
PASSWORD_PROBLEMS = {
    "too_short": ("short_password", {"limit": MIN_PASSWORD_LENGTH}),
    "too_long": ("too_long", {"field": "password", "limit": MAX_PASSWORD_LENGTH}),
    "username": ("password_is_username", {}),
    "common": ("common_password", {}),
}
COLUMNS = {
    "name": ("이름", "성명", "학생명", "학생이름", "name", "studentname", "fullname"),
    "number": ("번호", "출석번호", "number", "no", "no.", "classnumber"),
    "username": ("아이디", "사용자이름", "username", "userid", "id", "login"),
    "password": ("비밀번호", "password", "initialpassword"),
}
ONEROSTER = {"givenname": "given", "familyname": "family", "username": "username", "role": "role"}
HANGUL = re.compile(r"^[\uac00-\ud7a3]+$")


@dataclass
class RowProblem:
    line: int
    code: str
    params: dict = field(default_factory=dict)


@dataclass
class RosterRow:
    line: int
    name: str
    number: int | None = None
    username: str | None = None  # from the file, normalised
    password: str | None = None
    action: str = "create"       # create | enroll | already
    student_id: int | None = None
    problems: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class Preview:
    rows: list[RosterRow]
    file_problems: list[RowProblem]
    skipped: list[int]  # lines skipped on purpose (OneRoster rows that are not students)

    @property
    def problems(self) -> list[RowProblem]:
        return self.file_problems + [p for row in self.rows for p in row.problems]

    @property
    def can_import(self) -> bool:
        return bool(self.rows) and not self.problems

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)


@dataclass
class ImportResult:
    created: list[tuple[User, str]]  # (user, one-time password shown once on the cards)
    enrolled: int
    unchanged: int


def header_key(text: str) -> str:
    return re.sub(r"\s+", "", text).lower()


def parse_rows(table: Table) -> tuple[list[RosterRow], list[RowProblem], list[int]]:
    """Turn the table into rows with their own problems (no database needed)."""
    keys = [header_key(h) for h in table.header]
    if {"givenname", "familyname"} <= set(keys):
        return parse_oneroster(table, keys)
    columns = {}
    for field_name, names in COLUMNS.items():
        for index, key in enumerate(keys):
            if key in names and field_name not in columns:
                columns[field_name] = index
    if "name" not in columns:
        return [], [RowProblem(table.header_line, "no_name_column")], []
    rows = [make_row(line, *(cells[columns[f]] if f in columns else "" for f in COLUMNS))
            for line, cells in table.rows]
    return rows, [], []


def parse_oneroster(table: Table, keys) -> tuple[list[RosterRow], list[RowProblem], list[int]]:
    """OneRoster 1.1 users.csv: only rows whose role is `student` are imported."""
    index = {ONEROSTER[k]: i for i, k in enumerate(keys) if k in ONEROSTER}
    rows, skipped = [], []
    for line, cells in table.rows:
        role = cells[index["role"]].strip().lower() if "role" in index else "student"
        if role != "student":
            skipped.append(line)
            continue
        given, family = cells[index["given"]].strip(), cells[index["family"]].strip()
        name = f"{family}{given}" if HANGUL.match(family + given) else f"{given} {family}".strip()
        username = cells[index["username"]] if "username" in index else ""
        rows.append(make_row(line, name, "", username, ""))
    return rows, [], skipped


def make_row(line: int, name: str, number: str, username: str, password: str) -> RosterRow:
    row = RosterRow(line=line, name=" ".join(name.split()))
    if not row.name:
        row.problems.append(RowProblem(line, "missing_name"))
    elif len(row.name) > MAX_NAME:
        row.problems.append(RowProblem(line, "too_long", {"field": "name", "limit": MAX_NAME}))
    number = number.strip()
    if number:
        if number.isdigit() and 1 <= int(number) <= 999:
            row.number = int(number)
        else:
            row.problems.append(RowProblem(line, "bad_number", {"value": number[:20]}))
    if username.strip():
        row.username = normalize_username(username)
        if len(row.username) > MAX_USERNAME:
            row.problems.append(RowProblem(line, "too_long", {"field": "username", "limit": MAX_USERNAME}))
        elif not is_valid_username(row.username):
            row.problems.append(RowProblem(line, "bad_username", {"value": row.username[:40]}))
    if password:
        # A teacher-chosen first password is one-time, but until the student signs in it guards
        # the account, so the student password rule applies.
        row.password = password
        problem = password_problem_code(password, Role.STUDENT, row.username or "")
        if problem is not None:
            code, params = PASSWORD_PROBLEMS[problem]
            row.problems.append(RowProblem(line, code, dict(params)))
    return row


def check_duplicates(rows: list[RosterRow]) -> None:
    seen_rows, seen_usernames, seen_numbers = {}, {}, {}
    for row in rows:
        key = (row.name, row.number, row.username)
        if key in seen_rows:
            row.problems.append(RowProblem(row.line, "duplicate_row", {"other": seen_rows[key]}))
            continue
        seen_rows[key] = row.line
        if row.username:
            if row.username in seen_usernames:
                row.problems.append(RowProblem(row.line, "duplicate_username",
                                               {"value": row.username, "other": seen_usernames[row.username]}))
            seen_usernames.setdefault(row.username, row.line)
        if row.number is not None:
            if row.number in seen_numbers:
                row.problems.append(RowProblem(row.line, "duplicate_number",
                                               {"value": row.number, "other": seen_numbers[row.number]}))
            seen_numbers.setdefault(row.number, row.line)


def match_existing(rows: list[RosterRow], classroom: Classroom) -> None:
    """Decide create / enroll / already for every row, in a fixed number of queries."""
    usernames = {r.username for r in rows if r.username}
    by_username = {u.username: u for u in db.session.execute(
        db.select(User).where(User.username.in_(usernames))).scalars()} if usernames else {}
    enrolled = db.session.execute(
        db.select(Enrollment.student_id, Enrollment.number, User.display_name)
        .join(User, User.id == Enrollment.student_id)
        .where(Enrollment.classroom_id == classroom.id)
    ).all()
    enrolled_ids = {student_id for student_id, _n, _name in enrolled}
    by_number = {number: (student_id, name) for student_id, number, name in enrolled if number}
    by_name: dict[str, list[int]] = {}
    for student_id, _number, name in enrolled:
        by_name.setdefault(name, []).append(student_id)
    for row in rows:
        if row.problems:
            continue
        if row.username:
            user = by_username.get(row.username)
            if user is None:
                row.action = "create"
            elif user.school_id != classroom.school_id or user.role != Role.STUDENT:
                row.problems.append(RowProblem(row.line, "username_taken", {"value": row.username}))
            else:
                row.student_id = user.id
                row.action = "already" if user.id in enrolled_ids else "enroll"
            if row.number in by_number and by_number[row.number][0] != row.student_id:
                row.problems.append(RowProblem(row.line, "number_taken",
                                               {"value": row.number, "name": by_number[row.number][1]}))
        elif row.number is not None and row.number in by_number:
            student_id, name = by_number[row.number]
            if name != row.name:
                row.problems.append(RowProblem(row.line, "number_taken", {"value": row.number, "name": name}))
            else:
                row.student_id, row.action = student_id, "already"
        elif len(by_name.get(row.name, [])) > 1:
            row.problems.append(RowProblem(row.line, "ambiguous_name",
                                           {"name": row.name, "count": len(by_name[row.name])}))
        elif len(by_name.get(row.name, [])) == 1 and row.number is None:
            row.student_id, row.action = by_name[row.name][0], "already"
        else:
            row.action = "create"


def assign_usernames(rows: list[RosterRow], classroom: Classroom, school: School) -> None:
    """Generate `<school>-<class>-<number>` usernames for new students without one."""
    needed = [r for r in rows if r.action == "create" and not r.username and not r.problems]
    if not needed:
        return
    prefix = f"{school.slug}-{classroom.id}-"
    taken = set(db.session.execute(
        db.select(User.username).where(User.username.like(f"{prefix}%"))).scalars())
    taken |= {r.username for r in rows if r.username}
    next_free = 1
    for row in needed:
        base = f"{prefix}{row.number:02d}" if row.number is not None else None
        candidate, suffix = base, 2
        while candidate is None or candidate in taken:
            if base is not None and candidate in taken:
                candidate = f"{base}-{suffix}"
                suffix += 1
            else:
                candidate = f"{prefix}s{next_free:02d}"
                next_free += 1
        taken.add(candidate)
        row.username = candidate


def parse_upload(filename: str, data: bytes) -> tuple[list[RosterRow], list[RowProblem], list[int]]:
    """Read the file into rows, with every problem that needs no database."""
    try:
        table = read_table(filename, data)
    except RosterFileError as error:
        return [], [RowProblem(0, error.code, error.params)], []
    return parse_rows(table)


def build_preview(filename: str, data: bytes, classroom: Classroom) -> Preview:
    """Read and check the whole file against the class; writes nothing."""
    return preview_rows(*parse_upload(filename, data), classroom)


def rows_to_payload(rows: list[RosterRow], skipped: list[int]) -> dict:
    """What the confirm form carries (signed): the file's rows as read, before matching."""
    return {"rows": [[r.line, r.name, r.number, r.username, r.password] for r in rows],
            "skipped": skipped}


def rows_from_payload(payload: dict) -> tuple[list[RosterRow], list[int]]:
    rows = [RosterRow(line=line, name=name, number=number, username=username, password=password)
            for line, name, number, username, password in payload["rows"]]
    return rows, list(payload["skipped"])


def preview_rows(rows, file_problems, skipped, classroom: Classroom) -> Preview:
    if len(rows) > MAX_ROWS:
        return Preview(rows=[], skipped=skipped, file_problems=file_problems + [
            RowProblem(0, "too_many_rows", {"count": len(rows), "limit": MAX_ROWS})])
    check_duplicates(rows)
    match_existing(rows, classroom)
    assign_usernames(rows, classroom, classroom.school)
    return Preview(rows=rows, file_problems=file_problems, skipped=skipped)


def apply_import(preview: Preview, classroom: Classroom, actor: User | None) -> ImportResult:
    """Create and enroll every row of a problem-free preview; flush only (the view commits).

    One-time passwords are random, so they are hashed with the cheaper ONE_TIME method:
    a 500-row class confirms in seconds, and each is replaced at first sign-in.
    """
    if not preview.can_import:
        raise ValueError("the preview has problems")
    created, enrolled, unchanged = [], 0, 0
    for row in preview.rows:
        if row.action == "create":
            password = row.password or generate_one_time_password()
            user = User(school_id=classroom.school_id, username=row.username, display_name=row.name,
                        role=Role.STUDENT, must_change_password=True,
                        password_hash=hash_password(password, one_time=True))
            db.session.add(user)
            created.append((user, row, password))
        elif row.action == "enroll":
            db.session.add(Enrollment(classroom_id=classroom.id, student_id=row.student_id,
                                      number=row.number))
            enrolled += 1
        else:
            if row.number is not None:
                db.session.execute(sa.update(Enrollment).where(
                    Enrollment.classroom_id == classroom.id, Enrollment.student_id == row.student_id,
                ).values(number=row.number))
            unchanged += 1
    db.session.flush()
    db.session.add_all(Enrollment(classroom_id=classroom.id, student_id=user.id, number=row.number)
                       for user, row, _password in created)
    record_audit(classroom.school_id, actor.id if actor else None, "roster.import", "classroom", classroom.id,
                 created=len(created), enrolled=enrolled, unchanged=unchanged)
    db.session.flush()
    return ImportResult(created=[(u, p) for u, _r, p in created], enrolled=enrolled,
                        unchanged=unchanged)
