"""The url map as the security tests walk it (DESIGN.md, "Roles and access"): who may use
which endpoint, how to build a path for any rule, the viewers of the two-school world in
tests/worlds.py with their own and foreign objects, and a small HTML parser for the links and
forms of a page. An endpoint not classified here makes the walks fail: classify it.
"""

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest

from dongui.models import Role
from tests.worlds import STAFF_MODULE, STUDENT_MODULE, side_of

PUBLIC = {
    "auth.landing",
    "auth.login",
    "auth.lang",
    "auth.logout",
    "auth.signup",
    "help.help_page",
    "help.privacy",
    "help.healthz",
}
ANY_SIGNED_IN = {"auth.password"}
# Lessons and quizzes: students, and staff who read what they assign; not a district admin.
LEARNERS = {
    "learn.index",
    "learn.module",
    "learn.step",
    "learn.step_done",
    "learn.start",
    "learn.lesson_end",
    "learn.quiz",
    "learn.attempt",
}
STUDENTS_ONLY = {"auth.join", "learn.class_questions", "learn.check"}
# Signed in, these send the user on to their own start page.
REDIRECT_WHEN_SIGNED_IN = {"auth.landing", "auth.login", "auth.signup"}
# Class pages an admin of the class's school may read without teaching it (read-only).
ADMIN_MAY_VIEW = {
    "teach.dashboard",
    "teach.class_module",
    "teach.export_class",
    "teach.student",
    "teach.checks",
    "teach.checks_export",
}
ROLES_ALLOWED = {
    "signed_in": {Role.STUDENT, Role.TEACHER, Role.ADMIN, Role.DISTRICT_ADMIN},
    "learner": {Role.STUDENT, Role.TEACHER, Role.ADMIN},
    "student": {Role.STUDENT},
    "staff": {Role.TEACHER, Role.ADMIN},
    "admin": {Role.ADMIN},
    "district": {Role.DISTRICT_ADMIN},
}
WALKED_METHODS = {"GET", "POST"}


def access(endpoint: str) -> str:
    """public | signed_in | learner | student | staff | admin | district."""
    if endpoint in PUBLIC:
        return "public"
    if endpoint in ANY_SIGNED_IN:
        return "signed_in"
    if endpoint in LEARNERS:
        return "learner"
    if endpoint in STUDENTS_ONLY:
        return "student"
    if endpoint.startswith("teach."):
        return "staff"
    if endpoint.startswith("admin."):
        return "admin"
    if endpoint.startswith("district."):
        return "district"
    pytest.fail(
        f"classify the new endpoint {endpoint!r} in tests/security_walk.py (PUBLIC, "
        "ANY_SIGNED_IN, LEARNERS or STUDENTS_ONLY) so the security walks know who may use it"
    )


def may_use(role: Role | None, endpoint: str) -> bool:
    kind = access(endpoint)
    return kind == "public" or (role is not None and role in ROLES_ALLOWED[kind])


def walk_rules(app):
    """Every rule of the url map but `static`, in a stable order."""
    rules = [r for r in app.url_map.iter_rules() if r.endpoint != "static"]
    return sorted(rules, key=lambda r: (r.rule, r.endpoint))


def build_path(app, rule, values: dict, method: str) -> str:
    missing = set(rule.arguments) - set(values)
    if missing:
        pytest.fail(f"teach the security walk how to fill {sorted(missing)} of {rule.rule} ({rule.endpoint})")
    try:
        return app.url_map.bind("localhost").build(
            rule.endpoint, {a: values[a] for a in rule.arguments}, method=method
        )
    except Exception as error:  # e.g. a new converter the walk's values do not fit
        pytest.fail(f"the security walk cannot build {rule.rule} ({rule.endpoint}) from {values}: {error}")


@dataclass
class Option:
    """A foreign value for the `needs` parameter (with companions for other parameters)."""

    label: str
    needs: str
    values: dict
    applies: Callable = lambda rule: True


@dataclass
class Viewer:
    role: Role | None
    key: str | None  # the world key of the signed-in user
    own: dict
    options: list[Option] = field(default_factory=list)
    visible: Callable = lambda key: False  # may this viewer see the object named by `key`?


def class_bundle(world, side: str) -> dict:
    """A class with its own student, question and assignment (so only the class is foreign)."""
    return {
        "class_id": world[f"class:{side}"],
        "student_id": world[f"pupil:{side}"],
        "question_id": world[f"newq:{side}"],
        "assignment_id": world[f"assignment:{side}"],
    }


def own_values(world, *, attempt: str, question: str) -> dict:
    """School A's first class, its pupil, the fixture's student module, and the given objects."""
    return {
        "class_id": world["class:A1"],
        "student_id": world["pupil:A1"],
        "user_id": world["pupil:A1"],
        "slug": STUDENT_MODULE,
        "step": 1,
        "attempt_id": world[attempt],
        "question_id": world[question],
        "assignment_id": world["assignment:A1"],
        "action": "remove",
    }


def common_options(world) -> list[Option]:
    """Foreign values that are foreign to every signed-in role of school A."""
    return [
        Option("a class of school B", "class_id", class_bundle(world, "B1")),
        Option("a student of another class", "student_id", {"student_id": world["pupil:A2"]}),
        Option("a student of school B", "student_id", {"student_id": world["pupil:B1"]}),
        Option("a question of another class", "question_id", {"question_id": world["question:A2"]}),
        Option("a question of school B", "question_id", {"question_id": world["newq:B1"]}),
        Option("an assignment of another class", "assignment_id", {"assignment_id": world["assignment:A2"]}),
        Option("an assignment of school B", "assignment_id", {"assignment_id": world["assignment:B1"]}),
        Option("an unknown module", "slug", {"slug": "no-such-module", "step": 1}),
        Option("a step the module does not have", "step", {"step": 99}),
        Option("a school B student's attempt", "attempt_id", {"attempt_id": world["attempt:B1"]}),
        Option("a school B student", "user_id", {"user_id": world["pupil:B1"]}),
        Option("a school B teacher", "user_id", {"user_id": world["teacher:B1"]}),
        Option("school B's admin", "user_id", {"user_id": world["admin:B"]}),
    ]


def is_staff_rule(rule) -> bool:
    """Admin routes whose user_id names a staff member (the others name a student)."""
    return "/teachers/" in rule.rule


def make_viewer(world, role: Role | None) -> Viewer:
    """Signed out, or signed in as school A's pupil of class A1, its teacher, its admin, or the
    admin of district D (school A's education office)."""
    if role is None:
        return Viewer(None, None, own_values(world, attempt="attempt:A1", question="question:A1"))
    if role == Role.DISTRICT_ADMIN:
        # School A's objects are as foreign to them as school B's: they see the school's name and
        # its counts, never a class, a person or a question.
        seen = {"dadmin:D", "district:D", "school:A"}
        extra = [
            Option("a class of a school of the district", "class_id", class_bundle(world, "A1")),
            Option("a student of a school of the district", "student_id", {"student_id": world["pupil:A1"]}),
            Option("a student's attempt", "attempt_id", {"attempt_id": world["attempt:A1"]}),
            Option(
                "a question of a school of the district", "question_id", {"question_id": world["question:A1"]}
            ),
            Option("a teacher of a school of the district", "user_id", {"user_id": world["teacher:A1"]}),
        ]
        return Viewer(
            role,
            "dadmin:D",
            own_values(world, attempt="attempt:A1", question="question:A1"),
            common_options(world) + extra,
            seen.__contains__,
        )
    if role == Role.STUDENT:
        own = own_values(world, attempt="attempt:A1", question="question:A1")
        seen = {
            "pupil:A1",
            "school:A",
            "contact:A",
            "class:A1",
            "question:A1",
            "teacher:A1",
            "admin:A",
        }  # not the classmate, nor the class's new or hidden questions
        extra = [
            Option("another class of the school", "class_id", class_bundle(world, "A2")),
            Option("a classmate", "student_id", {"student_id": world["mate:A1"]}),
            Option("a staff-only module", "slug", {"slug": STAFF_MODULE, "step": 1}),
            Option("a classmate's attempt", "attempt_id", {"attempt_id": world["attempt-mate:A1"]}),
            Option("their teacher's attempt", "attempt_id", {"attempt_id": world["attempt-teacher:A1"]}),
            Option(
                "their own attempt at another module", "attempt_id", {"attempt_id": world["attempt-other:A1"]}
            ),
            Option("a classmate's account", "user_id", {"user_id": world["mate:A1"]}),
        ]
        return Viewer(role, "pupil:A1", own, common_options(world) + extra, seen.__contains__)
    if role == Role.TEACHER:
        own = own_values(world, attempt="attempt-teacher:A1", question="newq:A1")
        seen = {
            "teacher:A1",
            "admin:A",
            "school:A",
            "contact:A",
            "class:A1",
            "pupil:A1",
            "mate:A1",
            "question:A1",
            "newq:A1",
            "hiddenq:A1",
        }
        extra = [
            Option("another teacher's class", "class_id", class_bundle(world, "A2")),
            Option("their own student's attempt", "attempt_id", {"attempt_id": world["attempt:A1"]}),
            Option("a colleague's attempt", "attempt_id", {"attempt_id": world["attempt-teacher:A2"]}),
            Option("their own student's account", "user_id", {"user_id": world["pupil:A1"]}),
        ]
        return Viewer(role, "teacher:A1", own, common_options(world) + extra, seen.__contains__)
    # The admin of school A, who also co-teaches class A1; A2's question box is not theirs.
    own = own_values(world, attempt="attempt-admin:A", question="newq:A1")
    others_questions = {"question:A2", "newq:A2", "hiddenq:A2"}
    extra = [
        Option(
            "a class of the school they do not teach",
            "class_id",
            class_bundle(world, "A2"),
            applies=lambda rule: rule.endpoint not in ADMIN_MAY_VIEW,
        ),
        Option("a student's attempt", "attempt_id", {"attempt_id": world["attempt:A1"]}),
        Option("a teacher's attempt", "attempt_id", {"attempt_id": world["attempt-teacher:A1"]}),
        Option(
            "a teacher of the school (not a student)",
            "user_id",
            {"user_id": world["teacher:A1"]},
            applies=lambda rule: not is_staff_rule(rule),
        ),
        Option(
            "themselves (not a student)",
            "user_id",
            {"user_id": world["admin:A"]},
            applies=lambda rule: not is_staff_rule(rule),
        ),
        Option(
            "a student of the school (not staff)",
            "user_id",
            {"user_id": world["pupil:A1"]},
            applies=is_staff_rule,
        ),
    ]
    return Viewer(
        role,
        "admin:A",
        own,
        common_options(world) + extra,
        lambda key: side_of(key).startswith("A") and key not in others_questions,
    )


ROLES = [None, Role.STUDENT, Role.TEACHER, Role.ADMIN, Role.DISTRICT_ADMIN]
ROLE_IDS = ["signed-out", "student", "teacher", "admin", "district-admin"]


def own_get_walk(app, client, own: dict):
    """GET every GET route with the viewer's own objects: [(rule, path, response)]."""
    results = []
    for rule in walk_rules(app):
        if "GET" in rule.methods:
            path = build_path(app, rule, own, "GET")
            results.append((rule, path, client.get(path)))
    return results


def roster_file():
    return (io.BytesIO("이름,번호\nNmNewKid,9\n".encode()), "명단.csv")


URL_ATTRIBUTES = {
    "src",
    "href",
    "action",
    "formaction",
    "poster",
    "data",
    "srcset",
    "background",
    "cite",
    "manifest",
    "xlink:href",
    "ping",
    "longdesc",
    "icon",
}


class Page(HTMLParser):
    """One HTML page: its tags and attributes (entities decoded, as a browser reads them), inline
    script and style text, and the fields of every POST form."""

    def __init__(self, body: str):
        super().__init__(convert_charrefs=True)
        self.tags, self.inline_scripts, self.styles, self.post_forms = [], [], [], []
        self._inside, self._form = None, None
        self.feed(body)
        self.close()

    def handle_starttag(self, tag, attrs):
        self._tag(tag, attrs)
        if tag in ("script", "style"):
            self._inside = tag

    def handle_startendtag(self, tag, attrs):
        self._tag(tag, attrs)

    def _tag(self, tag, attrs):
        attributes = {name.lower(): value or "" for name, value in attrs}
        self.tags.append((tag, attributes))
        if tag == "form" and attributes.get("method", "get").lower() == "post":
            self._form = set()
            self.post_forms.append((attributes.get("action", ""), self._form))
        elif self._form is not None and "name" in attributes:
            self._form.add(attributes["name"])

    def handle_endtag(self, tag):
        if tag == self._inside:
            self._inside = None
        if tag == "form":
            self._form = None

    def handle_data(self, data):
        if self._inside == "script" and data.strip():
            self.inline_scripts.append(data)
        elif self._inside == "style":
            self.styles.append(data)
