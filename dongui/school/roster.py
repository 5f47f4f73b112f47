"""Roster import, reading and checking: a class list file becomes rows, each with what would
happen to it or what is wrong with it. Nothing here writes (roster_import.py confirms).

The headings are the first row, within the first HEADER_SEARCH filled rows, that names a name
column (이름, 성명, name…); title rows above them are skipped and listed. Matching an existing
student: by username, else by class number in this class, else by a name that is unique in
this class; an ambiguous match is a problem, never a guess. A teacher's import only creates
students or finds its own class's students again: adding a student of the school who is not
in the class takes the admin (or the student's own join code).
"""

import re
from dataclasses import dataclass, field

from ..extensions import db
from ..models import (
    Classroom,
    Enrollment,
    Role,
    School,
    User,
    UsernamePattern,
    is_valid_username,
    normalize_username,
)
from .passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, password_problem_code
from .roster_files import Line, RosterFileError, Sheet, read_sheet

MAX_ROWS = 1000  # students in one file: a whole grade
HEADER_SEARCH = 10  # filled rows looked through for the headings
MAX_NAME = 80
MAX_USERNAME = 64
# The student password rule's problems (school/passwords.py), as roster problems.
PASSWORD_PROBLEMS = {
    "too_short": ("short_password", {"limit": MIN_PASSWORD_LENGTH}),
    "too_long": ("too_long", {"field": "password", "limit": MAX_PASSWORD_LENGTH}),
    "username": ("password_is_username", {}),
    "common": ("common_password", {}),
}
# Headings as written (spaces removed, lower-case), NEIS's own among them.
COLUMNS = {
    "name": ("이름", "성명", "학생명", "학생이름", "학생성명", "name", "studentname", "fullname"),
    "number": ("번호", "출석번호", "number", "no", "no.", "classnumber"),
    "username": ("아이디", "사용자이름", "username", "userid", "id", "login"),
    "password": ("비밀번호", "password", "initialpassword"),
    "grade": ("학년", "grade"),
    "class": ("반", "학급", "class"),
    "student_id": ("학번", "studentid", "studentnumber"),
}
FIELDS = tuple(COLUMNS)
ONEROSTER = {"givenname": "given", "familyname": "family", "username": "username", "role": "role"}
HANGUL = re.compile(r"^[\uac00-\ud7a3]+$")
GRADE_CLASS_IN_NAME = (
    re.compile(r"(\d{1,2})\s*학년\s*(\d{1,2})\s*반"),
    re.compile(r"^\s*(\d{1,2})\s*-\s*(\d{1,2})\s*$"),
)
SMALL_NUMBER = re.compile(r"^(\d{1,2})\s*(학년|반)?$")
STUDENT_ID = re.compile(r"^\d{3,10}$")


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
    username: str | None = None  # from the file, normalised; or made by the school's pattern
    password: str | None = None
    grade: str | None = None  # 학년, 반 and 학번 as written: only the 학번 patterns use them
    class_no: str | None = None
    student_no: str | None = None
    raw: tuple = ()  # the cells this row was made from (what a confirm carries)
    extra: int = 0  # cells on the line when more than the headings (else 0)
    width: int = 0  # the number of headings
    text: str = ""  # a line that could not be read, as written
    end: int | None = None  # the last line of a value in quotes that ran past its line
    action: str = "create"  # create | enroll | already
    student_id: int | None = None
    problems: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def lines(self) -> list[int]:
        return list(range(self.line, (self.end or self.line) + 1))


@dataclass
class Preview:
    rows: list[RosterRow]
    file_problems: list[RowProblem] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)  # OneRoster rows that are not students
    titles: list[tuple[int, str]] = field(default_factory=list)  # rows above the headings
    headings: list[tuple[str, str]] = field(default_factory=list)  # (as written, field)
    header_line: int = 0
    pattern: str = UsernamePattern.CLASS_NUMBER

    @property
    def problems(self) -> list[RowProblem]:
        return self.file_problems + [p for row in self.rows for p in row.problems]

    @property
    def good_rows(self) -> list[RosterRow]:
        return [row for row in self.rows if row.ok]

    @property
    def left_out(self) -> list[int]:
        """The lines a confirm would leave out: every line of a row with a problem."""
        return [line for row in self.rows if not row.ok for line in row.lines]

    @property
    def importable(self) -> bool:
        """Something can be imported: the file could be read and some rows are fine."""
        return not self.file_problems and bool(self.good_rows)

    @property
    def can_import(self) -> bool:
        """Every row can be imported as it is."""
        return self.importable and not self.left_out

    def count(self, action: str) -> int:
        return sum(1 for row in self.good_rows if row.action == action)


def header_key(text: str) -> str:
    return re.sub(r"\s+", "", text).lower()


def is_heading_row(cells) -> bool:
    keys = {header_key(c) for c in cells}
    return bool(keys & set(COLUMNS["name"])) or {"givenname", "familyname"} <= keys


def parse_sheet(sheet: Sheet) -> Preview:
    """Find the headings and turn the lines below them into rows (no database needed)."""
    search = sheet.lines[:HEADER_SEARCH]
    found = next(
        (i for i, line in enumerate(search) if line.problem is None and is_heading_row(line.cells)), None
    )
    if found is None:
        return Preview(rows=[], file_problems=[RowProblem(0, "no_name_column", {"rows": HEADER_SEARCH})])
    header, below = sheet.lines[found], sheet.lines[found + 1 :]
    titles = [(line.number, title_text(line)) for line in sheet.lines[:found]]
    if len(below) > MAX_ROWS or sheet.more:
        return Preview(
            rows=[], titles=titles, file_problems=[RowProblem(0, "too_many_rows", {"limit": MAX_ROWS})]
        )
    keys = [header_key(h) for h in header.cells]
    if {"givenname", "familyname"} <= set(keys) and not set(keys) & set(COLUMNS["name"]):
        preview = parse_oneroster(keys, below)
    else:
        preview = parse_columns(keys, below)
    preview.titles, preview.header_line = titles, header.number
    preview.headings = [
        (header.cells[i], name) for i, name in sorted((i, name) for name, i in columns_of(keys).items())
    ]
    return preview


def title_text(line: Line) -> str:
    text = " ".join(c for c in line.cells if c) or line.text
    return text if len(text) <= 60 else text[:59] + "…"


def columns_of(keys: list[str]) -> dict[str, int]:
    """Which column holds each field: the first heading that names it."""
    columns = {}
    for field_name, names in COLUMNS.items():
        for index, key in enumerate(keys):
            if key in names and field_name not in columns:
                columns[field_name] = index
    return columns


def parse_columns(keys: list[str], lines) -> Preview:
    columns = columns_of(keys)
    width = len(keys)
    rows = []
    for line in lines:
        if line.problem:
            rows.append(unreadable_row(line.number, line.problem, line.params, line.text))
            continue
        raw = tuple(
            line.cells[columns[f]] if f in columns and columns[f] < len(line.cells) else "" for f in FIELDS
        )
        extra = len(line.cells) if len(line.cells) > width else 0
        rows.append(make_row(line.number, raw, extra, width))
    return Preview(rows=rows)


def parse_oneroster(keys: list[str], lines) -> Preview:
    """OneRoster 1.1 users.csv: only rows whose role is `student` are imported."""
    index = {ONEROSTER[k]: i for i, k in enumerate(keys) if k in ONEROSTER}
    rows, skipped = [], []

    def cell(cells, name):
        return cells[index[name]].strip() if name in index and index[name] < len(cells) else ""

    for line in lines:
        if line.problem:
            rows.append(unreadable_row(line.number, line.problem, line.params, line.text))
            continue
        if (cell(line.cells, "role") or "student").lower() != "student":
            skipped.append(line.number)
            continue
        given, family = cell(line.cells, "given"), cell(line.cells, "family")
        name = f"{family}{given}" if HANGUL.match(family + given) else f"{given} {family}".strip()
        raw = tuple({"name": name, "username": cell(line.cells, "username")}.get(f, "") for f in FIELDS)
        extra = len(line.cells) if len(line.cells) > len(keys) else 0
        rows.append(make_row(line.number, raw, extra, len(keys)))
    return Preview(rows=rows, skipped=skipped)


def unreadable_row(line: int, code: str, params: dict, text: str) -> RosterRow:
    row = RosterRow(line=line, name="", text=text, end=params.get("end"))
    row.problems.append(RowProblem(line, code, {**params, "text": text}))
    return row


def make_row(line: int, raw: tuple, extra: int = 0, width: int = 0) -> RosterRow:
    """One row from its cells (`raw`, in FIELDS order), with every problem found without a database."""
    values = dict(zip(FIELDS, raw, strict=True))
    row = RosterRow(
        line=line,
        name=" ".join(values["name"].split()),
        raw=tuple(raw),
        extra=extra,
        width=width,
        grade=values["grade"].strip() or None,
        class_no=values["class"].strip() or None,
        student_no=values["student_id"].strip() or None,
    )
    if extra:
        row.problems.append(RowProblem(line, "extra_cells", {"count": extra, "limit": width}))
    if not row.name:
        row.problems.append(RowProblem(line, "missing_name"))
    elif len(row.name) > MAX_NAME:
        row.problems.append(RowProblem(line, "too_long", {"field": "name", "limit": MAX_NAME}))
    check_number(row, values["number"].strip())
    check_username(row, values["username"])
    check_password(row, values["password"])
    return row


def check_number(row: RosterRow, number: str) -> None:
    if number:
        if number.isdigit() and 1 <= int(number) <= 999:
            row.number = int(number)
        else:
            row.problems.append(RowProblem(row.line, "bad_number", {"value": number[:20]}))


def check_username(row: RosterRow, username: str) -> None:
    if username.strip():
        row.username = normalize_username(username)
        if len(row.username) > MAX_USERNAME:
            row.problems.append(
                RowProblem(row.line, "too_long", {"field": "username", "limit": MAX_USERNAME})
            )
        elif not is_valid_username(row.username):
            row.problems.append(RowProblem(row.line, "bad_username", {"value": row.username[:40]}))


def check_password(row: RosterRow, password: str) -> None:
    if password:
        # A teacher-chosen first password is one-time, but until the student signs in it guards
        # the account, so the student password rule applies.
        row.password = password
        problem = password_problem_code(password, Role.STUDENT, row.username or "")
        if problem is not None:
            code, params = PASSWORD_PROBLEMS[problem]
            row.problems.append(RowProblem(row.line, code, dict(params)))


def number_key(row: RosterRow):
    """Class numbers repeat across classes: a whole grade's file has 번호 1 in every 반."""
    return (small_number(row.grade), small_number(row.class_no), row.number)


def check_duplicates(rows: list[RosterRow]) -> None:
    seen_rows, seen_usernames, seen_numbers = {}, {}, {}
    for row in rows:
        if row.text:  # a line that could not be read has nothing to compare
            continue
        key = (row.name, row.number, row.username, row.grade, row.class_no)
        if key in seen_rows:
            row.problems.append(RowProblem(row.line, "duplicate_row", {"other": seen_rows[key]}))
            continue
        seen_rows[key] = row.line
        if row.username:
            if row.username in seen_usernames:
                row.problems.append(
                    RowProblem(
                        row.line,
                        "duplicate_username",
                        {"value": row.username, "other": seen_usernames[row.username]},
                    )
                )
            seen_usernames.setdefault(row.username, row.line)
        if row.number is not None:
            if number_key(row) in seen_numbers:
                row.problems.append(
                    RowProblem(
                        row.line,
                        "duplicate_number",
                        {"value": row.number, "other": seen_numbers[number_key(row)]},
                    )
                )
            seen_numbers.setdefault(number_key(row), row.line)


def may_add_existing_students(actor: User | None) -> bool:
    """The admin (and the server's command line, `actor` None) may add any student of the school."""
    return actor is None or actor.role == Role.ADMIN


def match_existing(rows: list[RosterRow], classroom: Classroom, actor: User | None) -> None:
    """Decide create / enroll / already for every row, in a fixed number of queries."""
    usernames = {r.username for r in rows if r.username}
    by_username = (
        {
            u.username: u
            for u in db.session.execute(db.select(User).where(User.username.in_(usernames))).scalars()
        }
        if usernames
        else {}
    )
    enrolled = db.session.execute(
        db.select(Enrollment.student_id, Enrollment.number, User.display_name)
        .join(User, User.id == Enrollment.student_id)
        .where(Enrollment.classroom_id == classroom.id)
    ).all()
    enrolled_ids = {student_id for student_id, _n, _name in enrolled}
    by_number: dict[int, list[tuple[int, str]]] = {}
    by_name: dict[str, list[int]] = {}
    for student_id, number, name in enrolled:
        if number:
            by_number.setdefault(number, []).append((student_id, name))
        by_name.setdefault(name, []).append(student_id)
    may_add = may_add_existing_students(actor)
    for row in rows:
        if row.problems:
            continue
        if row.username:
            match_by_username(row, by_username.get(row.username), classroom, enrolled_ids, may_add)
            holders = by_number.get(row.number, [])
            if not row.problems and len(holders) == 1 and holders[0][0] != row.student_id:
                row.problems.append(
                    RowProblem(row.line, "number_taken", {"value": row.number, "name": holders[0][1]})
                )
        elif row.number in by_number:
            match_by_number(row, by_number[row.number])
        elif len(by_name.get(row.name, [])) > 1:
            row.problems.append(
                RowProblem(row.line, "ambiguous_name", {"name": row.name, "count": len(by_name[row.name])})
            )
        elif len(by_name.get(row.name, [])) == 1 and row.number is None:
            row.student_id, row.action = by_name[row.name][0], "already"
        else:
            row.action = "create"


def match_by_username(row, user, classroom, enrolled_ids, may_add) -> None:
    if user is None:
        row.action = "create"
    elif user.school_id != classroom.school_id or user.role != Role.STUDENT:
        row.problems.append(RowProblem(row.line, "username_taken", {"value": row.username}))
    elif user.id in enrolled_ids:
        row.student_id, row.action = user.id, "already"
    elif may_add:
        row.student_id, row.action = user.id, "enroll"
    else:
        # Another class's student: enrolling them would let this teacher reset their password.
        row.problems.append(RowProblem(row.line, "not_in_class", {"value": row.username}))


def match_by_number(row, holders: list[tuple[int, str]]) -> None:
    same_name = [student_id for student_id, name in holders if name == row.name]
    if len(same_name) == 1:
        row.student_id, row.action = same_name[0], "already"
    elif len(same_name) > 1:
        row.problems.append(
            RowProblem(row.line, "ambiguous_name", {"name": row.name, "count": len(same_name)})
        )
    elif len(holders) == 1:
        row.problems.append(
            RowProblem(row.line, "number_taken", {"value": row.number, "name": holders[0][1]})
        )
    else:
        row.action = "create"  # a class for a whole grade: this 번호 is shared across 반


def small_number(text: str | None) -> int | None:
    match = SMALL_NUMBER.match(text or "")
    return int(match.group(1)) if match and int(match.group(1)) > 0 else None


def grade_and_class(classroom_name: str) -> tuple[int, int] | None:
    """The grade and class a class's name states: "2학년 5반" or "2-5"."""
    for pattern in GRADE_CLASS_IN_NAME:
        match = pattern.search(classroom_name or "")
        if match and int(match.group(1)) > 0 and int(match.group(2)) > 0:
            return int(match.group(1)), int(match.group(2))
    return None


def assign_usernames(preview: Preview, classroom: Classroom, school: School) -> None:
    """Give new students without a username one in the school's pattern; problems when it cannot."""
    needed = [r for r in preview.rows if r.action == "create" and not r.username and not r.problems]
    if not needed:
        return
    if school.username_pattern == UsernamePattern.CLASS_NUMBER:
        assign_class_number_usernames(needed, preview.rows, classroom, school)
    else:
        assign_student_id_usernames(preview, needed, classroom, school)


def assign_class_number_usernames(needed, rows, classroom: Classroom, school: School) -> None:
    """`<school>-<class id>-<number>`; a taken one gets a suffix."""
    prefix = f"{school.slug}-{classroom.id}-"
    taken = set(
        db.session.execute(db.select(User.username).where(User.username.like(f"{prefix}%"))).scalars()
    )
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


def student_id(row: RosterRow, from_class: tuple[int, int] | None) -> str | RowProblem:
    """The row's 학번: as written, or 학년 + 반 (2 digits) + 번호 (2 digits)."""
    if row.student_no:
        if STUDENT_ID.match(row.student_no):
            return row.student_no
        return RowProblem(row.line, "bad_student_id", {"value": row.student_no[:20]})
    grade, class_no = small_number(row.grade), small_number(row.class_no)
    for written, value in ((row.grade, grade), (row.class_no, class_no)):
        if written and value is None:
            return RowProblem(row.line, "bad_grade_class", {"value": written[:20]})
    if (grade is None or class_no is None) and from_class:
        grade, class_no = grade or from_class[0], class_no or from_class[1]
    if grade is None or class_no is None:
        return RowProblem(row.line, "no_grade_class")
    if row.number is None:
        return RowProblem(row.line, "needs_number")
    return f"{grade}{class_no:02d}{row.number:02d}"


def assign_student_id_usernames(preview: Preview, needed, classroom: Classroom, school: School) -> None:
    """학번 usernames, with the school's slug in front when the school chose so. A 학번 that is
    taken is a problem on its line: a suffix would make a username nobody can guess."""
    from_class = grade_and_class(classroom.name)
    has_columns = any(f in ("student_id", "grade", "class") for _heading, f in preview.headings)
    if from_class is None and not has_columns:
        preview.file_problems.append(RowProblem(0, "no_grade_class_anywhere", {"name": classroom.name}))
        return
    prefix = f"{school.slug}-" if school.username_pattern == UsernamePattern.SCHOOL_STUDENT_ID else ""
    candidates = {}
    for row in needed:
        made = student_id(row, from_class)
        if isinstance(made, RowProblem):
            row.problems.append(made)
        else:
            candidates[row.line] = normalize_username(prefix + made)
    existing = (
        set(
            db.session.execute(
                db.select(User.username).where(User.username.in_(set(candidates.values())))
            ).scalars()
        )
        if candidates
        else set()
    )
    in_file = {r.username: r.line for r in preview.rows if r.username}
    for row in needed:
        candidate = candidates.get(row.line)
        if candidate is None:
            continue
        if candidate in in_file:
            row.problems.append(
                RowProblem(row.line, "duplicate_username", {"value": candidate, "other": in_file[candidate]})
            )
        elif candidate in existing:
            row.problems.append(RowProblem(row.line, "generated_taken", {"value": candidate}))
        else:
            row.username = candidate
            in_file[candidate] = row.line


def parse_upload(filename: str, data: bytes) -> Preview:
    """Read the file into rows, with every problem that needs no database."""
    try:
        sheet = read_sheet(filename, data, max_lines=HEADER_SEARCH + MAX_ROWS)
    except RosterFileError as error:
        return Preview(rows=[], file_problems=[RowProblem(0, error.code, error.params)])
    return parse_sheet(sheet)


def check_rows(preview: Preview, classroom: Classroom, actor: User | None) -> Preview:
    """Add what needs the database: duplicates, who is already there, usernames."""
    preview.pattern = classroom.school.username_pattern
    if preview.file_problems:
        return preview
    check_duplicates(preview.rows)
    match_existing(preview.rows, classroom, actor)
    assign_usernames(preview, classroom, classroom.school)
    return preview


def build_preview(filename: str, data: bytes, classroom: Classroom, actor: User | None) -> Preview:
    """Read and check the whole file against the class; writes nothing."""
    return check_rows(parse_upload(filename, data), classroom, actor)
