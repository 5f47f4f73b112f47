"""The words for every roster problem, in both languages (codes come from roster.py)."""

from flask_babel import lazy_gettext as _l

MESSAGES = {
    "empty": _l("The file is empty."),
    "too_big": _l("The file is larger than %(limit_kb)s KB."),
    "wrong_type": _l("This is not an .xlsx or CSV file. Save the class list from Excel as .xlsx or CSV and try again."),
    "encoding": _l("The file's text could not be read. Save it as CSV (UTF-8) or CSV (comma separated) from Excel."),
    "no_name_column": _l("No name column was found. The first row needs a heading such as 이름 or name."),
    "too_many_rows": _l("The file has %(count)s students; at most %(limit)s can be imported at once."),
    "missing_name": _l("The name is empty."),
    "too_long": _l("%(field)s is too long (at most %(limit)s characters)."),
    "bad_number": _l("The class number must be a whole number from 1 to 999, not \"%(value)s\"."),
    "bad_username": _l("The username \"%(value)s\" may only use a–z, 0–9, dot, dash and underscore (2–64 characters)."),
    "short_password": _l("The password must be at least %(limit)s characters."),
    "password_is_username": _l("The password cannot be the username."),
    "common_password": _l("The password is too common. Choose a harder one, or leave it empty to get a one-time password."),
    "duplicate_row": _l("This row repeats line %(other)s."),
    "duplicate_username": _l("The username \"%(value)s\" is also on line %(other)s."),
    "duplicate_number": _l("Class number %(value)s is also on line %(other)s."),
    "username_taken": _l("The username \"%(value)s\" belongs to someone who is not a student of this school."),
    "number_taken": _l("Class number %(value)s already belongs to %(name)s in this class."),
    "ambiguous_name": _l("%(count)s students in this class are called %(name)s: add their class number or username so the right one is matched."),
}

FIELDS = {"name": _l("Name"), "username": _l("Username"), "password": _l("Password")}


def describe(code: str, params: dict) -> str:
    """The message for a problem code, in the current language."""
    values = dict(params)
    if "field" in values:
        values["field"] = str(FIELDS.get(values["field"], values["field"]))
    return str(MESSAGES[code]) % values
