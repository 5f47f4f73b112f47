"""The words for every roster problem, in both languages (codes come from roster.py and
roster_files.py); the web preview and `flask roster import` say the same thing."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from ..models import UsernamePattern

MESSAGES = {
    "empty": _l("The file is empty."),
    "too_big": _l("The file is larger than %(limit_kb)s KB."),
    "wrong_type": _l(
        "This is not an .xlsx or CSV file. Save the class list from Excel as .xlsx or CSV and try again."
    ),
    "old_excel": _l(
        "This is an old Excel file (.xls) or a workbook with a password. In Excel, save it as “Excel Workbook (.xlsx)” without a password, or as CSV, and upload that."
    ),
    "unpacked_too_big": _l(
        "This workbook unpacks to more than %(limit_mb)s MB, far more than a class list needs (often formatting left on empty rows). Copy the class list into a new workbook, or save it as CSV, and try again."
    ),
    "part_too_big": _l(
        "A part of this workbook unpacks to more than %(limit_mb)s MB, far more than a class list needs (often formatting left on empty rows). Copy the class list into a new workbook, or save it as CSV, and try again."
    ),
    "encoding": _l(
        "The file's text could not be read. Save it as CSV (UTF-8) or CSV (comma separated) from Excel."
    ),
    "no_name_column": _l(
        "No name column was found in the first %(rows)s rows. The row of headings needs one such as 이름, 성명 or name."
    ),
    "too_many_rows": _l(
        "The file has more than %(limit)s students; at most %(limit)s can be imported at once. Split it into smaller files."
    ),
    "unclosed_quote": _l(
        'A quotation mark (") opens a value on this line and is not closed on it, so the line could not be read: %(text)s'
    ),
    "stray_quote": _l(
        'A quotation mark (") on this line closes a value that goes on after it, so the line could not be read: %(text)s'
    ),
    "quoted_lines": _l(
        "A value in quotation marks runs from this line to line %(end)s, so these lines could not be read: %(text)s"
    ),
    "extra_cells": _l(
        "This row has %(count)s cells but there are %(limit)s headings. Is there a comma inside a name, or a value in a column without a heading?"
    ),
    "missing_name": _l("The name is empty."),
    "too_long": _l("%(field)s is too long (at most %(limit)s characters)."),
    "bad_number": _l('The class number must be a whole number from 1 to 999, not "%(value)s".'),
    "bad_username": _l(
        'The username "%(value)s" may only use a–z, 0–9, dot, dash and underscore (2–64 characters).'
    ),
    "short_password": _l("The password must be at least %(limit)s characters."),
    "password_is_username": _l("The password cannot be the username."),
    "common_password": _l(
        "The password is too common. Choose a harder one, or leave it empty to get a one-time password."
    ),
    "duplicate_row": _l("This row repeats line %(other)s."),
    "duplicate_username": _l('The username "%(value)s" is also on line %(other)s.'),
    "duplicate_number": _l("Class number %(value)s is also on line %(other)s."),
    "username_taken": _l('The username "%(value)s" belongs to someone who is not a student of this school.'),
    "not_in_class": _l(
        'The username "%(value)s" belongs to a student who is not in this class. Only the school admin can add them to it, or the student can join with the class\'s join code.'
    ),
    "number_taken": _l("Class number %(value)s already belongs to %(name)s in this class."),
    "ambiguous_name": _l(
        "%(count)s students in this class are called %(name)s: add their class number or username so the right one is matched."
    ),
    "bad_student_id": _l('The student number (학번) must be 3 to 10 digits, not "%(value)s".'),
    "bad_grade_class": _l('The grade and class must be numbers, not "%(value)s".'),
    "no_grade_class": _l(
        "The grade and class are needed to make a student number (학번) username: fill in 학년 and 반 on this row, or give it a username."
    ),
    "no_grade_class_anywhere": _l(
        'New usernames are made from the student number (학번), which needs the grade and class. Add 학년 and 반 columns, or name the class like 2학년 5반 (it is called "%(name)s").'
    ),
    "needs_number": _l(
        "The class number is needed to make a student number (학번) username: add 번호, or give this row a username."
    ),
    "generated_taken": _l(
        "The username %(value)s is already someone else's (a student from an earlier year?). Give this row a username in an 아이디 column."
    ),
}

FIELDS = {"name": _l("Name"), "username": _l("Username"), "password": _l("Password")}
# What each recognised heading is read as (roster.COLUMNS), shown under the preview's title.
COLUMN_LABELS = {
    "name": _l("the student's name"),
    "number": _l("the class number"),
    "username": _l("the username"),
    "password": _l("the first password"),
    "grade": _l("the grade, for 학번"),
    "class": _l("the class, for 학번"),
    "student_id": _l("the student number (학번)"),
}
# The school's choice of username for new students (School.username_pattern), with an example.
PATTERN_LABELS = {
    UsernamePattern.CLASS_NUMBER: _l("School, class and class number, for example %(school)s-12-01"),
    UsernamePattern.STUDENT_ID: _l("Student number (학번), for example 20501 for grade 2, class 5, number 1"),
    UsernamePattern.SCHOOL_STUDENT_ID: _l(
        "School and student number (학번), for example %(school)s-20501: for a server that several schools share"
    ),
}
MAX_GROUPS = 12  # line ranges named before "and N more"


def describe(code: str, params: dict) -> str:
    """The message for a problem code, in the current language."""
    values = dict(params)
    if "field" in values:
        values["field"] = str(FIELDS.get(values["field"], values["field"]))
    return str(MESSAGES[code]) % values


def column_label(field: str) -> str:
    return str(COLUMN_LABELS[field])


def pattern_label(pattern: str, school_slug: str) -> str:
    """The username pattern in words, with an example using the school's slug."""
    return str(PATTERN_LABELS[UsernamePattern(pattern)]) % {"school": school_slug}


def line_groups(lines: list[int]) -> list[str]:
    """[3, 5, 6, 7, 9] -> ["3", "5–7", "9"]."""
    groups, start, previous = [], None, None
    for line in sorted(set(lines)):
        if previous is not None and line == previous + 1:
            previous = line
            continue
        if start is not None:
            groups.append(f"{start}–{previous}" if previous != start else str(start))
        start = previous = line
    if start is not None:
        groups.append(f"{start}–{previous}" if previous != start else str(start))
    return groups


def describe_lines(lines: list[int]) -> str:
    """ "line 5" / "lines 5, 21–25" / "lines 3, 5, … and 4 more", in the current language."""
    groups = line_groups(lines)
    shown = ", ".join(groups[:MAX_GROUPS])
    if len(groups) > MAX_GROUPS:
        shown = _("%(lines)s and %(count)s more", lines=shown, count=len(groups) - MAX_GROUPS)
    return ngettext("line %(lines)s", "lines %(lines)s", len(set(lines)), lines=shown)
