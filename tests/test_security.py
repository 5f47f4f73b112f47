"""Issue 7's security claims, walked over the whole url map (DESIGN.md, "Roles and access" and
"Security and privacy"):

1. every route (GET and POST), as every role, with real foreign objects in every URL parameter,
   answers a sign-in redirect (signed out), 403 or 404 (signed in), shows none of the foreign
   objects' names and changes nothing; and each role does reach its own objects;
2. every POST route refuses a request without a CSRF token (400) and changes nothing;
3. no page a role can open refers to another host, except the help lines and the quick exit;
4. names, questions, answers, settings and roster cells full of markup, template syntax and
   spreadsheet formulas come out escaped on every page, in every export.
"""

import csv
import dataclasses
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from flask import request
from flask_wtf.csrf import CSRFError
from markupsafe import escape

from dongui.auth.accounts import create_user
from dongui.config import ROOT
from dongui.content import get_catalog
from dongui.extensions import db
from dongui.models import ClassQuestion, Classroom, QuizAttempt, Role, School, User
from dongui.web import handle_csrf_error
from tests.conftest import PASSWORD, login
from tests.worlds import (
    OTHER_STUDENT_MODULE, STAFF_MODULE, STUDENT_MODULE, build_world, changes, csrf_token_of,
    login_with_csrf, side_of, snapshot,
)

# ---------------------------------------------------------------------------------------------
# Who may use which endpoint. An endpoint missing here makes the walks fail: classify it.

PUBLIC = {"auth.landing", "auth.login", "auth.lang", "auth.logout", "auth.signup",
          "help.help_page", "help.privacy", "help.healthz"}
ANY_SIGNED_IN = {"auth.password", "learn.index", "learn.module", "learn.step", "learn.step_done",
                 "learn.start", "learn.lesson_end", "learn.quiz", "learn.attempt"}
STUDENTS_ONLY = {"auth.join", "learn.class_questions"}
# Signed in, these send the user on to their own start page.
REDIRECT_WHEN_SIGNED_IN = {"auth.landing", "auth.login", "auth.signup"}
# Class pages an admin of the class's school may read without teaching it (read-only).
ADMIN_MAY_VIEW = {"teach.dashboard", "teach.class_module", "teach.export_class", "teach.student"}
ROLES_ALLOWED = {
    "signed_in": {Role.STUDENT, Role.TEACHER, Role.ADMIN},
    "student": {Role.STUDENT},
    "staff": {Role.TEACHER, Role.ADMIN},
    "admin": {Role.ADMIN},
}
WALKED_METHODS = {"GET", "POST"}


def access(endpoint: str) -> str:
    """public | signed_in | student | staff | admin."""
    if endpoint in PUBLIC:
        return "public"
    if endpoint in ANY_SIGNED_IN:
        return "signed_in"
    if endpoint in STUDENTS_ONLY:
        return "student"
    if endpoint.startswith("teach."):
        return "staff"
    if endpoint.startswith("admin."):
        return "admin"
    pytest.fail(f"classify the new endpoint {endpoint!r} in tests/test_security.py (PUBLIC, "
                "ANY_SIGNED_IN or STUDENTS_ONLY) so the security walks know who may use it")


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
        pytest.fail(f"teach the security walk how to fill {sorted(missing)} of {rule.rule} "
                    f"({rule.endpoint})")
    try:
        return app.url_map.bind("localhost").build(
            rule.endpoint, {a: values[a] for a in rule.arguments}, method=method)
    except Exception as error:  # e.g. a new converter the walk's values do not fit
        pytest.fail(f"the security walk cannot build {rule.rule} ({rule.endpoint}) from "
                    f"{values}: {error}")


# ---------------------------------------------------------------------------------------------
# 1. The authorization walk. The viewers: their own objects, and the foreign objects put in each
# URL parameter.


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
    return {"class_id": world[f"class:{side}"], "student_id": world[f"pupil:{side}"],
            "question_id": world[f"newq:{side}"], "assignment_id": world[f"assignment:{side}"]}


def own_values(world, *, attempt: str, question: str) -> dict:
    """School A's first class, its pupil, the fixture's student module, and the given objects."""
    return {"class_id": world["class:A1"], "student_id": world["pupil:A1"],
            "user_id": world["pupil:A1"], "slug": STUDENT_MODULE, "step": 1,
            "attempt_id": world[attempt], "question_id": world[question],
            "assignment_id": world["assignment:A1"], "action": "remove"}


def common_options(world) -> list[Option]:
    """Foreign values that are foreign to every signed-in role of school A."""
    return [
        Option("a class of school B", "class_id", class_bundle(world, "B1")),
        Option("a student of another class", "student_id", {"student_id": world["pupil:A2"]}),
        Option("a student of school B", "student_id", {"student_id": world["pupil:B1"]}),
        Option("a question of another class", "question_id", {"question_id": world["question:A2"]}),
        Option("a question of school B", "question_id", {"question_id": world["newq:B1"]}),
        Option("an assignment of another class", "assignment_id",
               {"assignment_id": world["assignment:A2"]}),
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
    """Signed out, or signed in as school A's pupil of class A1, its teacher, or its admin."""
    if role is None:
        return Viewer(None, None, own_values(world, attempt="attempt:A1", question="question:A1"))
    if role == Role.STUDENT:
        own = own_values(world, attempt="attempt:A1", question="question:A1")
        seen = {"pupil:A1", "school:A", "contact:A", "class:A1", "question:A1", "teacher:A1",
                "admin:A"}  # not the classmate, nor the class's new or hidden questions
        extra = [
            Option("another class of the school", "class_id", class_bundle(world, "A2")),
            Option("a classmate", "student_id", {"student_id": world["mate:A1"]}),
            Option("a staff-only module", "slug", {"slug": STAFF_MODULE, "step": 1}),
            Option("a classmate's attempt", "attempt_id", {"attempt_id": world["attempt-mate:A1"]}),
            Option("their teacher's attempt", "attempt_id",
                   {"attempt_id": world["attempt-teacher:A1"]}),
            Option("their own attempt at another module", "attempt_id",
                   {"attempt_id": world["attempt-other:A1"]}),
            Option("a classmate's account", "user_id", {"user_id": world["mate:A1"]}),
        ]
        return Viewer(role, "pupil:A1", own, common_options(world) + extra, seen.__contains__)
    if role == Role.TEACHER:
        own = own_values(world, attempt="attempt-teacher:A1", question="newq:A1")
        seen = {"teacher:A1", "admin:A", "school:A", "contact:A", "class:A1", "pupil:A1",
                "mate:A1", "question:A1", "newq:A1", "hiddenq:A1"}
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
        Option("a class of the school they do not teach", "class_id", class_bundle(world, "A2"),
               applies=lambda rule: rule.endpoint not in ADMIN_MAY_VIEW),
        Option("a student's attempt", "attempt_id", {"attempt_id": world["attempt:A1"]}),
        Option("a teacher's attempt", "attempt_id", {"attempt_id": world["attempt-teacher:A1"]}),
        Option("a teacher of the school (not a student)", "user_id",
               {"user_id": world["teacher:A1"]}, applies=lambda rule: not is_staff_rule(rule)),
        Option("themselves (not a student)", "user_id", {"user_id": world["admin:A"]},
               applies=lambda rule: not is_staff_rule(rule)),
        Option("a student of the school (not staff)", "user_id", {"user_id": world["pupil:A1"]},
               applies=is_staff_rule),
    ]
    return Viewer(role, "admin:A", own, common_options(world) + extra,
                  lambda key: side_of(key).startswith("A") and key not in others_questions)


def foreign_requests(app, viewer: Viewer):
    """(rule, method, path, what is foreign) for every rule and method, every foreign value."""
    for rule in walk_rules(app):
        access(rule.endpoint)
        combos = []
        if not rule.arguments:
            combos.append(({}, "no parameters"))
        elif viewer.role is None:  # signed out, any real object will do
            combos.append((viewer.own, "a real object"))
        else:
            for option in viewer.options:
                if option.needs in rule.arguments and option.applies(rule):
                    values = {**viewer.own, **{k: v for k, v in option.values.items()
                                               if k in rule.arguments}}
                    combos.append((values, option.label))
            if not combos:
                pytest.fail(f"the security walk has no foreign value for {rule.rule} "
                            f"({rule.endpoint}) as {viewer.role}: add an Option")
        for method in sorted(rule.methods & WALKED_METHODS):
            seen = set()
            for values, label in combos:
                path = build_path(app, rule, values, method)
                if path not in seen:
                    seen.add(path)
                    yield rule, method, path, label


def leaked_names(response, path: str, foreign: dict) -> list[str]:
    """Foreign names in the body or Location (the requested address itself is not a leak)."""
    readable = response.mimetype.startswith(("text/", "application/json"))
    text = (response.get_data(as_text=True) if readable else "") + " " + response.headers.get("Location", "")
    for address in (path, quote(path, safe=""), quote(path)):  # as is, and as a `next` value
        text = text.replace(address, "")
    return [f"{name} ({key})" for name, key in foreign.items() if name in text]


def is_login_redirect(response, path: str) -> bool:
    if response.status_code != 302:
        return False
    location = urlsplit(response.headers["Location"])
    target = parse_qs(location.query).get("next", [""])[0]
    return (location.netloc in ("", "localhost") and location.path == "/login"
            and target == path and target.startswith("/") and not target.startswith("//"))


def check_signed_out(rule, method, path, response) -> list[str]:
    where = f"signed out {method} {path} ({rule.endpoint})"
    if access(rule.endpoint) == "public":
        if response.status_code in (401, 403, 404, 405) or response.status_code >= 500:
            return [f"{where}: public, but answered {response.status_code}"]
        if response.status_code == 302 and "next=" in response.headers["Location"]:
            return [f"{where}: public, but sent to sign in"]
        return []
    if not is_login_redirect(response, path):
        return [f"{where}: expected 302 to /login?next={path}, got {response.status_code} "
                f"{response.headers.get('Location', '')}"]
    return []


def check_signed_in(viewer, rule, method, path, label, response) -> list[str]:
    where = f"{viewer.role} {method} {path} ({rule.endpoint}, {label})"
    allowed = may_use(viewer.role, rule.endpoint)
    status = response.status_code
    if rule.arguments:  # a foreign object in the address
        expected = 404 if allowed else 403
        return [] if status == expected else [f"{where}: expected {expected}, got {status}"]
    if not allowed:
        return [] if status == 403 else [f"{where}: expected 403, got {status}"]
    if method == "GET":
        ok = {302} if rule.endpoint in REDIRECT_WHEN_SIGNED_IN else {200}
    else:  # an empty form: refused with its errors, or an action that needs nothing (sign out)
        ok = {200, 302, 400}
    return [] if status in ok else [f"{where}: expected {sorted(ok)}, got {status}"]


def allowed_changes(diff: dict) -> bool:
    """The walk may only add export records (a GET of an export is logged by design)."""
    for table, rows in diff.items():
        if table != "audit_events" or rows["removed"]:
            return False
        if not all("'school.export'" in row or "'class.export'" in row for row in rows["added"]):
            return False
    return True


ROLES = [None, Role.STUDENT, Role.TEACHER, Role.ADMIN]
ROLE_IDS = ["signed-out", "student", "teacher", "admin"]


def sign_in(client, world, viewer: Viewer) -> None:
    client.set_cookie("lang", "en")
    if viewer.key is not None:
        assert login(client, world.usernames[viewer.key]).status_code == 302


@pytest.mark.parametrize("role", ROLES, ids=ROLE_IDS)
def test_every_route_refuses_foreign_objects_to_every_role(app, client, role):
    world = build_world(app)
    viewer = make_viewer(world, role)
    sign_in(client, world, viewer)
    foreign = world.texts_except(viewer.visible)
    before = snapshot(app)
    problems, walked = [], set()
    for rule, method, path, label in foreign_requests(app, viewer):
        response = client.open(path, method=method)
        walked.add((rule.endpoint, method))
        if viewer.role is None:
            problems += check_signed_out(rule, method, path, response)
        else:
            problems += check_signed_in(viewer, rule, method, path, label, response)
        problems += [f"{viewer.role} {method} {path} shows {name}"
                     for name in leaked_names(response, path, foreign)]
        if rule.endpoint == "auth.logout" and viewer.key is not None:
            sign_in(client, world, viewer)  # carry on signed in
    assert not problems, "\n".join(problems)
    diff = changes(before, snapshot(app))
    assert allowed_changes(diff), diff
    expected = {(r.endpoint, m) for r in walk_rules(app) for m in r.methods & WALKED_METHODS}
    assert walked == expected


def own_get_walk(app, client, own: dict):
    """GET every GET route with the viewer's own objects: [(rule, path, response)]."""
    results = []
    for rule in walk_rules(app):
        if "GET" in rule.methods:
            path = build_path(app, rule, own, "GET")
            results.append((rule, path, client.get(path)))
    return results


def expected_own_status(role: Role | None, endpoint: str) -> int:
    if role is None:
        return 200 if access(endpoint) == "public" else 302
    if not may_use(role, endpoint):
        return 403
    return 302 if endpoint in REDIRECT_WHEN_SIGNED_IN else 200


@pytest.mark.parametrize("role", ROLES, ids=ROLE_IDS)
def test_each_role_reaches_its_own_objects(app, client, role):
    """The other side of the walk: the same routes answer 200 with the viewer's own objects, and
    even there show nothing of anyone else's (a classmate, another class, the other school, a
    class's unanswered or hidden questions to a student)."""
    world = build_world(app)
    viewer = make_viewer(world, role)
    sign_in(client, world, viewer)
    foreign = world.texts_except(viewer.visible)
    problems = []
    for rule, path, response in own_get_walk(app, client, viewer.own):
        problems += [f"{role} GET {path} shows {name}" for name in leaked_names(response, path, foreign)]
        expected = expected_own_status(role, rule.endpoint)
        if response.status_code != expected:
            problems.append(f"{role} GET {path} ({rule.endpoint}): expected {expected}, "
                            f"got {response.status_code}")
        elif expected == 302 and role is None and not is_login_redirect(response, path):
            problems.append(f"signed out GET {path}: not sent to sign in with next={path}")
    assert not problems, "\n".join(problems)


def test_own_objects_by_post_and_the_admins_read_only_view(app, client):
    """A sample of POSTs on one's own objects works, and an admin reads (only) the class pages
    meant for them in a class they do not teach."""
    world = build_world(app)
    client.set_cookie("lang", "en")
    login(client, world.usernames["pupil:A1"])
    assert client.post(f"/learn/classes/{world['class:A1']}", data={"body": "내 질문"}).status_code == 302
    assert client.post(f"/learn/{STUDENT_MODULE}/1").status_code == 302
    client.post("/logout")
    login(client, world.usernames["teacher:A1"])
    class_a1, newq = world["class:A1"], world["newq:A1"]
    assert client.post(f"/teach/classes/{class_a1}/questions/{newq}/hide").status_code == 302
    assert client.post(f"/teach/classes/{class_a1}/students/{world['pupil:A1']}/reset").status_code == 200
    client.post("/logout")
    login(client, world.usernames["admin:A"])
    assert client.post(f"/admin/teachers/{world['teacher:A2']}/reset").status_code == 200
    class_a2, pupil_a2 = world["class:A2"], world["pupil:A2"]
    for path in (f"/teach/classes/{class_a2}", f"/teach/classes/{class_a2}/students/{pupil_a2}",
                 f"/teach/classes/{class_a2}/modules/{STUDENT_MODULE}",
                 f"/teach/classes/{class_a2}/export.csv"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "NmPupilA2" in response.get_data(as_text=True), path
    for path in (f"/teach/classes/{class_a2}/roster", f"/teach/classes/{class_a2}/questions",
                 f"/teach/classes/{class_a2}/settings"):
        assert client.get(path).status_code == 404, path


def test_form_fields_that_name_objects_are_checked_too(app, client):
    """Objects named in a form body (not the address) are scoped like the address's."""
    world = build_world(app)
    client.set_cookie("lang", "en")
    login(client, world.usernames["teacher:A1"])
    class_a1, pupil_a1 = world["class:A1"], world["pupil:A1"]
    before = snapshot(app)
    base = f"/teach/classes/{class_a1}"
    for foreign in ("pupil:A2", "pupil:B1"):
        assert client.post(f"{base}/cards", data={"student": world[foreign]}).status_code == 404
    for target in ("class:A2", "class:B1"):
        response = client.post(f"{base}/students/{pupil_a1}/move", data={"target": world[target]})
        assert response.status_code == 404, target
    for username in ("teacher:B1", "pupil:A2", "admin:B"):
        client.post(f"{base}/teachers", data={"username": world.usernames[username]})
    assert client.post(f"{base}/assignments", data={"module": STAFF_MODULE}).status_code == 400
    assert client.post(f"{base}/students/{pupil_a1}/excuse",
                       data={"module": OTHER_STUDENT_MODULE, "excused": "1"}).status_code == 400
    client.post("/logout")
    login(client, world.usernames["pupil:A1"])
    client.post("/join", data={"join_code": world.texts["class:B1"][1]})  # another school's code
    page = client.get(f"/learn/{STUDENT_MODULE}/quiz").get_data(as_text=True)
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    client.post("/logout")
    login(client, world.usernames["mate:A1"])  # a classmate submits the pupil's form
    response = client.post(f"/learn/{STUDENT_MODULE}/quiz",
                           data={"token": token, "q-q1": "a", "q-q2": "a", "q-q3": "b"})
    assert response.status_code == 400
    client.post("/logout")
    login(client, world.usernames["admin:A"])
    for successor in ("teacher:B1", "pupil:A1", "admin:B"):
        response = client.post(f"/admin/teachers/{world['teacher:A1']}/reassign",
                               data={"successor": world[successor]})
        assert response.status_code == 404, successor
    assert changes(before, snapshot(app)) == {}


# ---------------------------------------------------------------------------------------------
# 2. CSRF on every POST route.


def answer_field(world) -> str:
    return f"q{world['newq:A1'][:8]}-answer"


def roster_file():
    return (io.BytesIO("이름,번호\nNmNewKid,9\n".encode()), "명단.csv")


# A body that would succeed with a token, by endpoint (`world`, `extra` from earlier steps).
POST_BODIES = {
    "auth.login": lambda w, x: {"username": w.usernames["pupil:A1"], "password": PASSWORD},
    "auth.lang": lambda w, x: {"lang": "en", "next": "/help"},
    "auth.signup": lambda w, x: {"join_code": w.texts["class:A1"][1], "display_name": "NmNewKid",
                                 "username": "new-kid", "password": "plum-orbit-canyon-7341",
                                 "confirm_password": "plum-orbit-canyon-7341"},
    "auth.logout": lambda w, x: {},
    "auth.password": lambda w, x: {"current_password": PASSWORD,
                                   "new_password": "plum-orbit-canyon-7341",
                                   "confirm_password": "plum-orbit-canyon-7341"},
    "auth.join": lambda w, x: {"join_code": w.texts["class:A2"][1]},
    "learn.step_done": lambda w, x: {"action": "finish"},
    "learn.quiz": lambda w, x: {"token": x["quiz_token"], "q-q1": "a", "q-q2": "a", "q-q3": "b"},
    "learn.class_questions": lambda w, x: {"body": "NmNewQuestion"},
    "teach.create_class": lambda w, x: {"name": "NmNewClass", "year": "2026"},
    "teach.edit_class": lambda w, x: {"name": "NmRenamed", "year": "2027"},
    "teach.archive_class": lambda w, x: {"archive": "1"},
    "teach.add_co_teacher": lambda w, x: {"username": w.usernames["teacher:A2"]},
    "teach.roster_import": lambda w, x: {"file": roster_file()},
    "teach.roster_import_confirm": lambda w, x: {"payload": x["roster_payload"]},
    "teach.cards": lambda w, x: {"student": w["pupil:A1"]},
    "teach.move_student": lambda w, x: {"target": w["class:A2"]},
    "teach.excuse": lambda w, x: {"module": STUDENT_MODULE, "excused": "1"},
    "teach.assign": lambda w, x: {"module": OTHER_STUDENT_MODULE, "due_on": "2026-12-24"},
    "teach.answer_question": lambda w, x: {answer_field(w): "NmNewAnswer"},
    "admin.settings": lambda w, x: {"name": "NmRenamedSchool", "timezone": "Asia/Seoul",
                                    "default_locale": "en", "allow_self_signup": "y",
                                    "help_contacts": "NmNewContact | 02-111-1111"},
    "admin.teachers": lambda w, x: {"display_name": "NmNewTeacher", "username": "new-teacher"},
    "admin.set_teacher_active": lambda w, x: {"active": "0"},
    "admin.reassign": lambda w, x: {"successor": w["teacher:A2"]},
    "admin.student_delete": lambda w, x: {"username": w.usernames["pupil:A1"]},
}
CSRF_USER = {"public": None, "signed_in": "pupil:A1", "student": "pupil:A1", "staff": "teacher:A1",
             "admin": "admin:A"}


def csrf_values(world, endpoint: str, rule) -> dict:
    values = own_values(world, attempt="attempt:A1", question="newq:A1")
    if endpoint.startswith("admin.") and is_staff_rule(rule):
        values["user_id"] = world["teacher:A1"]
    return values


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_every_post_route_refuses_a_request_without_the_csrf_token(app, client):
    refused = []

    def record_refusal(error):
        refused.append(request.path)
        return handle_csrf_error(error)

    app.register_error_handler(CSRFError, record_refusal)  # before the first request
    world = build_world(app)
    with app.app_context():
        db.session.get(School, world["school:A"]).allow_self_signup = True
        db.session.commit()
    client.set_cookie("lang", "en")
    extra = {}
    # Real, valid values that need a page first: the quiz form's token, a roster preview.
    login_with_csrf(client, world.usernames["pupil:A1"])
    page = client.get(f"/learn/{STUDENT_MODULE}/quiz").get_data(as_text=True)
    extra["quiz_token"] = re.search(r'name="token" value="([^"]+)"', page).group(1)
    client.post("/logout", data={"csrf_token": csrf_token_of(client, "/learn")})
    login_with_csrf(client, world.usernames["teacher:A1"])
    token = csrf_token_of(client, f"/teach/classes/{world['class:A1']}/import")
    page = client.post(f"/teach/classes/{world['class:A1']}/import",
                       data={"file": roster_file(), "csrf_token": token}).get_data(as_text=True)
    extra["roster_payload"] = re.search(r'name="payload" value="([^"]+)"', page).group(1)
    client.post("/logout", data={"csrf_token": csrf_token_of(client, "/teach")})

    posts = [r for r in walk_rules(app) if "POST" in r.methods]
    by_user = {}
    for rule in posts:
        user = CSRF_USER[access(rule.endpoint)]
        if rule.endpoint == "auth.logout":
            user = "pupil:A1"  # signing out is only worth forging for someone signed in
        by_user.setdefault(user, []).append(rule)
    problems, tried = [], 0
    for user in (None, "pupil:A1", "teacher:A1", "admin:A"):
        if user is not None:
            login_with_csrf(client, world.usernames[user])
        for rule in by_user.get(user, []):
            path = build_path(app, rule, csrf_values(world, rule.endpoint, rule), "POST")
            body = POST_BODIES.get(rule.endpoint, lambda w, x: {})
            before = snapshot(app)
            for forged in (None, "not-a-real-token"):
                data = body(world, extra)
                if forged is not None:
                    data["csrf_token"] = forged
                count = len(refused)
                response = client.post(path, data=data)
                tried += 1
                if response.status_code != 400 or len(refused) != count + 1:
                    problems.append(f"{user} POST {path} ({rule.endpoint}) with token {forged!r}: "
                                    f"{response.status_code}, refused as CSRF: {len(refused) > count}")
                if "lang=" in response.headers.get("Set-Cookie", ""):
                    problems.append(f"POST {path} set the language cookie without a token")
            diff = changes(before, snapshot(app))
            if diff:
                problems.append(f"{user} POST {path} ({rule.endpoint}) without a token changed {diff}")
        still = client.get("/learn" if user is None else "/password")
        if (still.status_code == 200) != (user is not None):
            problems.append(f"after the forged POSTs as {user}: GET answered {still.status_code}")
        if user is not None:
            client.post("/logout", data={"csrf_token": csrf_token_of(client, "/help")})
    assert not problems, "\n".join(problems)
    assert tried == 2 * len(posts)
    # With the token, the same sign-in and language switch work.
    assert client.post("/lang", data={**POST_BODIES["auth.lang"](world, extra),
                                      "csrf_token": csrf_token_of(client, "/help")}).status_code == 302
    login_with_csrf(client, world.usernames["pupil:A1"])


# ---------------------------------------------------------------------------------------------
# 3. No other hosts (and, on the same pages, a CSRF token in every POST form).

URL_ATTRIBUTES = {"src", "href", "action", "formaction", "poster", "data", "srcset", "background",
                  "cite", "manifest", "xlink:href", "ping", "longdesc", "icon"}
NOT_A_HOST = ("tel:", "mailto:", "sms:", "data:")


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


def urls_in_css(text: str) -> list[str]:
    found = re.findall(r"url\(\s*['\"]?([^'\")\s]+)", text, flags=re.I)
    return found + re.findall(r"@import\s+(?:url\()?\s*['\"]?([^'\");\s]+)", text, flags=re.I)


def leaves_the_site(url: str) -> bool:
    value = url.strip().lower()
    if value.startswith(("//", "\\\\", "/\\")):
        return True
    return bool(re.match(r"^[a-z][a-z0-9+.-]*:", value)) and not value.startswith(NOT_A_HOST)


def external_references(page: Page) -> list[tuple[str, str, str]]:
    """(tag, attribute, address) for every reference that leaves the site."""
    found = []
    for tag, attributes in page.tags:
        for name, value in attributes.items():
            if name in URL_ATTRIBUTES:
                candidates = [value]
                if name == "srcset":
                    candidates = [part.split()[0] for part in value.split(",") if part.strip()]
                found += [(tag, name, url) for url in candidates if leaves_the_site(url)]
            if name == "style":
                found += [(tag, "style", url) for url in urls_in_css(value) if leaves_the_site(url)]
    for text in page.styles:
        found += [("style", "css", url) for url in urls_in_css(text) if leaves_the_site(url)]
    return found


def channel_addresses(app) -> set[str]:
    """Every address in the loaded help channels (help/channels.yaml), and the quick exit."""
    addresses = {app.config["QUICK_EXIT_URL"]}
    with app.app_context():
        channels = get_catalog().help.channels
    for channel in channels:
        for item in dataclasses.fields(channel):
            value = getattr(channel, item.name)
            texts = value.values() if isinstance(value, dict) else [value]
            for text in texts:
                if isinstance(text, str):
                    addresses.update(re.findall(r"https?://[^\s\"'<>)]+", text))
    return addresses


def host_problems(body: str, allowed: set[str], where: str) -> list[str]:
    page = Page(body)
    problems = []
    for tag, attribute, url in external_references(page):
        if not (tag == "a" and attribute == "href" and url in allowed):
            problems.append(f"{where}: <{tag} {attribute}> refers to another host: {url}")
    for action, fields in page.post_forms:
        # A prefixed form's token is "<prefix>-csrf_token"; Flask-WTF reads that too.
        if not any(name.endswith("csrf_token") for name in fields):
            problems.append(f"{where}: a POST form to {action!r} has no csrf_token")
    return problems


def test_static_files_refer_to_no_other_host(app):
    static = Path(app.static_folder)
    files = sorted(static.glob("css/*.css")) + sorted(static.glob("js/*.js"))
    assert files
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert not re.findall(r"https?://", text, flags=re.I), path
        if path.suffix == ".css":
            assert not [u for u in urls_in_css(text) if leaves_the_site(u)], path


def extra_pages(client, world, role) -> list[tuple[str, object]]:
    """Pages that only a POST shows: sign-in cards, a roster preview, a staff card."""
    token = {"csrf_token": csrf_token_of(client, "/help")}
    if role == Role.TEACHER:
        base = f"/teach/classes/{world['class:A1']}"
        return [(f"{base}/students/<id>/reset",
                 client.post(f"{base}/students/{world['mate:A1']}/reset", data=token)),
                (f"{base}/import", client.post(f"{base}/import", data={"file": roster_file(), **token}))]
    if role == Role.ADMIN:
        return [("/admin/teachers/<id>/reset",
                 client.post(f"/admin/teachers/{world['teacher:A2']}/reset", data=token))]
    return []


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])  # so forms render their token
@pytest.mark.parametrize("role", ROLES, ids=ROLE_IDS)
def test_no_page_refers_to_another_host_and_every_post_form_has_a_token(app, client, role):
    world = build_world(app)
    viewer = make_viewer(world, role)
    client.set_cookie("lang", "en")
    if viewer.key is not None:
        login_with_csrf(client, world.usernames[viewer.key])
    allowed = channel_addresses(app)
    problems, html_pages = [], 0
    responses = [(path, response) for _rule, path, response in own_get_walk(app, client, viewer.own)]
    responses += extra_pages(client, world, role)
    responses.append(("/no-such-page", client.get("/no-such-page")))
    for path, response in responses:
        assert response.status_code < 500, path
        if response.mimetype == "text/html":
            html_pages += 1
            problems += host_problems(response.get_data(as_text=True), allowed, f"{role} {path}")
    assert not problems, "\n".join(problems)
    assert html_pages >= 8
    help_page = client.get("/help").get_data(as_text=True)
    assert any(f'href="{url}"' in help_page for url in allowed)  # the allowance is used


@pytest.mark.parametrize("app_config", [{
    "WTF_CSRF_ENABLED": True, "LESSONS_DIR": str(ROOT / "lessons"), "QUIZZES_DIR": str(ROOT / "quizzes")}])
def test_the_shipped_curriculum_refers_to_no_other_host(app, client, make_user):
    """Every module, step, end page, quiz and teacher preview of lessons/, in both languages."""
    make_user(role=Role.TEACHER, username="reader")
    login_with_csrf(client, "reader")
    allowed = channel_addresses(app)
    with app.app_context():
        modules = [(m.slug, m.step_count) for m in get_catalog().modules]
    assert len(modules) >= 5
    problems = []
    for lang in ("ko", "en"):
        client.set_cookie("lang", lang)
        for slug, steps in modules:
            paths = [f"/learn/{slug}", f"/learn/{slug}/end", f"/learn/{slug}/quiz",
                     f"/teach/modules/{slug}"] + [f"/learn/{slug}/{n}" for n in range(1, steps + 1)]
            for path in paths:
                response = client.get(path)
                assert response.status_code == 200, path
                problems += host_problems(response.get_data(as_text=True), allowed, f"{lang} {path}")
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------------------------------------
# 4. Markup, template syntax and formulas in every free-text field.

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
JS_URL = "javascript:alert(1)"
TEMPLATE = "zz{{7*7}}zz"
EVALUATED = "zz49zz"
FORMULA = '=HYPERLINK("http://x")'
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def payload(tag: str) -> str:
    return f"{tag}{SCRIPT}{IMG}{TEMPLATE}"  # under 80 characters for a short tag


ADMIN_NAME = payload("@adm")
TEACHER_NAME = payload("=tch")
COTEACHER_NAME = JS_URL + SCRIPT
WEB_TEACHER_NAME = payload("+wt")
STUDENT_NAME = payload("stu")
SIGNUP_NAME = payload("-sgn")
SCHOOL_NAME = FORMULA + payload("sch")
CONTACT_NAME = payload("ct")
CONTACT_NOTE = payload("note")
CLASS_NAME = FORMULA + SCRIPT + TEMPLATE
CLASS2_NAME = payload("-c2")
CLASS2_RENAMED = payload("+ren")
ROSTER_NAMES = [FORMULA + IMG, "+" + payload("r2"), "-" + payload("r3"), "@" + payload("r4"),
                JS_URL, payload("r6")]
QUESTION = payload("q") + " " + JS_URL
ANSWER = (f"{SCRIPT}\n\n{IMG}\n\n[x]({JS_URL})\n\n<a href=\"{JS_URL}\">y</a>\n\n"
          f"**NmBold** `{TEMPLATE}`")
STRONG_PASSWORD = "plum-orbit-canyon-7341"


def injection_problems(body: str, where: str) -> list[str]:
    problems = []
    lower = body.lower()
    for raw in ("<script>alert", "<img src=x"):
        if raw in lower:
            problems.append(f"{where}: unescaped {raw!r}")
    if EVALUATED in body:
        problems.append(f"{where}: {{{{7*7}}}} was evaluated")
    page = Page(body)
    for tag, attributes in page.tags:
        for name, value in attributes.items():
            if name.startswith("on"):
                problems.append(f"{where}: <{tag} {name}=…> (an event handler)")
            if name in URL_ATTRIBUTES and value.strip().lower().startswith("javascript:"):
                problems.append(f"{where}: <{tag} {name}=\"javascript:…\">")
        if tag == "img" and attributes.get("src") == "x":
            problems.append(f"{where}: <img src=x>")
        if tag == "script" and "src" not in attributes:
            problems.append(f"{where}: an inline <script>")
    problems += [f"{where}: inline script {text[:40]!r}" for text in page.inline_scripts]
    return problems


def csv_problems(data: bytes, where: str) -> tuple[list[str], list[str]]:
    """(problems, every cell) of a CSV export."""
    cells = [cell for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))) for cell in row]
    problems = [f"{where}: formula cell {cell[:30]!r}" for cell in cells
                if cell.startswith(FORMULA_STARTS)]
    return problems, cells


class Recorder:
    """Checks every page it is given and keeps its body by a label, for the positive checks."""

    def __init__(self):
        self.problems, self.pages = [], {}

    def check(self, response, where: str):
        if response.mimetype == "text/html":
            body = response.get_data(as_text=True)
            self.problems += injection_problems(body, where)
            self.pages[where] = body
        return response

    def post(self, client, path, label=None, **kwargs):
        """POST and follow the redirect (flash messages show on the next page)."""
        response = client.post(path, follow_redirects=True, **kwargs)
        assert response.status_code < 500, path
        return self.check(response, label or f"POST {path}")

    def missing(self, expected: dict) -> list[str]:
        """Labels whose page does not show the value, escaped as the templates escape it."""
        return [f"{where}: {value[:24]!r}" for where, values in expected.items() for value in values
                if str(escape(value)) not in self.pages.get(where, "")]


def make_person(app, school_id, username, display_name, role):
    with app.app_context():
        user, _ = create_user(db.session.get(School, school_id), username, display_name, role, PASSWORD)
        db.session.commit()
        return user.id


def user_id_of(app, **where) -> int:
    with app.app_context():
        return db.session.execute(db.select(User.id).filter_by(**where)).scalar_one()


def class_of(app, name) -> Classroom:
    with app.app_context():
        classroom = db.session.execute(db.select(Classroom).filter_by(name=name)).scalar_one()
        db.session.expunge(classroom)
        return classroom


def roster_csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8")


def fill_every_field(app, clients, rec: Recorder) -> dict:
    """Put the payloads into every free-text field, through the web wherever there is a form."""
    admin, teacher, student, stranger = (clients[k] for k in ("admin", "teacher", "student", "stranger"))
    with app.app_context():
        school = School(name="XSS school", slug="xss-school")
        db.session.add(school)
        db.session.commit()
        school_id = school.id
    make_person(app, school_id, "a-xss", ADMIN_NAME, Role.ADMIN)
    make_person(app, school_id, "t-xss", TEACHER_NAME, Role.TEACHER)
    make_person(app, school_id, "c-xss", COTEACHER_NAME, Role.TEACHER)
    student_id = make_person(app, school_id, "s-xss", STUDENT_NAME, Role.STUDENT)
    for client, username in ((admin, "a-xss"), (teacher, "t-xss"), (student, "s-xss")):
        client.set_cookie("lang", "en")
        login(client, username)
    stranger.set_cookie("lang", "en")

    rec.post(admin, "/admin/settings", data={
        "name": SCHOOL_NAME, "timezone": "Asia/Seoul", "default_locale": "en", "allow_self_signup": "y",
        "help_contacts": f"{CONTACT_NAME} | {JS_URL} | {CONTACT_NOTE}"})
    with app.app_context():
        assert db.session.get(School, school_id).name == SCHOOL_NAME
    rec.post(admin, "/admin/teachers", "teacher card",
             data={"display_name": WEB_TEACHER_NAME, "username": "w-xss"})

    rec.post(teacher, "/teach/classes", "class created", data={"name": CLASS_NAME, "year": "2026"})
    rec.post(teacher, "/teach/classes", data={"name": CLASS2_NAME, "year": "2026"})
    first, second = class_of(app, CLASS_NAME), class_of(app, CLASS2_NAME)
    base = f"/teach/classes/{first.id}"
    rec.post(teacher, f"/teach/classes/{second.id}/edit", data={"name": CLASS2_RENAMED, "year": "2026"})
    rows = [["이름", "번호"]] + [[name, str(n)] for n, name in enumerate(ROSTER_NAMES, start=1)]
    preview = rec.post(teacher, f"{base}/import", "roster preview",
                       data={"file": (io.BytesIO(roster_csv(rows)), "명단.csv")}).get_data(as_text=True)
    payload_field = re.search(r'name="payload" value="([^"]+)"', preview).group(1)
    rec.post(teacher, f"{base}/import/confirm", "roster cards", data={"payload": payload_field})
    bad = [["이름", "번호", "아이디", "비밀번호"],
           [payload("b1"), "<b>1</b>", SCRIPT, ""], [payload("b2"), "2", "ok-name", IMG]]
    rec.post(teacher, f"{base}/import", "roster problems",
             data={"file": (io.BytesIO(roster_csv(bad)), "bad.csv")})
    rec.post(teacher, f"{base}/teachers", "co-teacher added", data={"username": "c-xss"})
    rec.post(teacher, f"{base}/assignments", data={"module": STUDENT_MODULE, "due_on": "2026-12-01"})

    rec.post(student, "/join", "joined", data={"join_code": first.join_code})
    rec.post(student, f"/learn/classes/{first.id}", data={"body": QUESTION})
    rec.post(stranger, "/signup", "signed up", data={
        "join_code": first.join_code, "display_name": SIGNUP_NAME, "username": "sg-xss",
        "password": STRONG_PASSWORD, "confirm_password": STRONG_PASSWORD})
    with app.app_context():
        question = db.session.execute(db.select(ClassQuestion)).scalar_one()
        question_id = question.id
        db.session.add(QuizAttempt(user_id=student_id, module_slug=STUDENT_MODULE, content_hash="h",
                                   score=3, max_score=3, passed=True, answers={"q1": ["a"]},
                                   submit_token="xss-attempt"))
        db.session.commit()
        attempt_id = db.session.execute(db.select(QuizAttempt.id)).scalar_one()
    rec.post(teacher, f"{base}/questions/{question_id}/answer",
             data={f"q{question_id[:8]}-answer": ANSWER})
    moved = user_id_of(app, display_name=ROSTER_NAMES[5])
    removed = user_id_of(app, display_name=ROSTER_NAMES[4])
    rec.post(teacher, f"{base}/students/{moved}/move", "moved", data={"target": second.id})
    rec.post(teacher, f"{base}/students/{removed}/remove", "removed")
    rec.post(teacher, f"{base}/students/{student_id}/excuse",
             data={"module": STUDENT_MODULE, "excused": "1", "next": "student"})
    return {"school_id": school_id, "first": first.id, "second": second.id, "student_id": student_id,
            "attempt_id": attempt_id, "question_id": question_id}


def xss_own_values(made: dict) -> dict:
    return {"class_id": made["first"], "student_id": made["student_id"], "user_id": made["student_id"],
            "slug": STUDENT_MODULE, "step": 1, "attempt_id": made["attempt_id"],
            "question_id": made["question_id"], "assignment_id": 0, "action": "remove"}


def test_payloads_in_every_free_text_field_come_out_escaped(app):
    clients = {name: app.test_client() for name in ("admin", "teacher", "coteacher", "student",
                                                   "stranger", "signed_out")}
    rec = Recorder()
    made = fill_every_field(app, clients, rec)
    clients["coteacher"].set_cookie("lang", "en")
    login(clients["coteacher"], "c-xss")
    clients["signed_out"].set_cookie("lang", "en")
    own = xss_own_values(made)
    for name in ("admin", "teacher", "coteacher", "student", "stranger", "signed_out"):
        for rule, path, response in own_get_walk(app, clients[name], own):
            assert response.status_code < 500, (name, path)
            rec.check(response, f"{name} {rule.endpoint}")

    # Query strings that pages echo (search boxes, filters, sort orders, `next`).
    reflected = quote(payload("rf"))
    for name, path in (
            ("admin", f"/admin/students?q={reflected}"),
            ("admin", f"/admin/audit?action={reflected}&actor={reflected}&target_type={reflected}"
                      f"&date_from={reflected}&date_to={reflected}&page={reflected}"),
            ("teacher", f"/teach/classes/{made['first']}?sort={reflected}&show={reflected}"),
            ("teacher", f"/teach/modules/{STUDENT_MODULE}?lang={reflected}"),
            ("student", f"/learn/{STUDENT_MODULE}?note={reflected}"),
            ("signed_out", f"/login?next={reflected}"),
            ("signed_out", f"/help?{reflected}={reflected}")):
        response = clients[name].get(path)
        assert response.status_code < 500, path
        rec.check(response, f"{name} GET {path.split('?')[0]}?")

    # Exports: the class CSV (teacher and admin), the school report CSV, the student's JSON.
    for name in ("teacher", "admin"):
        response = clients[name].get(f"/teach/classes/{made['first']}/export.csv")
        assert response.status_code == 200 and response.mimetype == "text/csv"
        problems, cells = csv_problems(response.data, f"{name} class export")
        rec.problems += problems
        for roster_name in ROSTER_NAMES[:4] + [STUDENT_NAME, SIGNUP_NAME]:
            expected = "'" + roster_name if roster_name.startswith(FORMULA_STARTS) else roster_name
            assert expected in cells, (name, roster_name)
    response = clients["admin"].get("/admin/export.csv")
    problems, cells = csv_problems(response.data, "school report")
    rec.problems += problems
    assert "'" + CLASS_NAME in cells and "'" + CLASS2_RENAMED in cells
    response = clients["admin"].post(f"/admin/users/{made['student_id']}/export")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert json.loads(response.data)["account"]["display_name"] == STUDENT_NAME

    # Actions whose flash messages carry names, last because they change who is where.
    signup_id = user_id_of(app, username="sg-xss")
    rec.post(clients["admin"], f"/admin/users/{signup_id}/delete", "deleted", data={"username": "sg-xss"})
    teacher_id, coteacher_id = user_id_of(app, username="t-xss"), user_id_of(app, username="c-xss")
    rec.post(clients["admin"], f"/admin/teachers/{teacher_id}/reassign", "reassigned",
             data={"successor": coteacher_id})
    rec.post(clients["admin"], f"/admin/teachers/{teacher_id}/reset", "staff card")
    rec.check(clients["student"].get(f"/learn/classes/{made['first']}"), "student answer")

    assert not rec.problems, "\n".join(rec.problems)
    # The payloads were really on these pages (escaped), so the checks above had something to find.
    rostered = ROSTER_NAMES[:4] + [STUDENT_NAME, SIGNUP_NAME]
    assert not rec.missing({
        "teacher teach.roster": rostered, "teacher teach.dashboard": rostered,
        "teacher teach.student": [STUDENT_NAME, CLASS_NAME], "teacher teach.questions": [QUESTION],
        "teacher teach.index": [CLASS_NAME, CLASS2_RENAMED, TEACHER_NAME],
        "teacher teach.class_settings": [CLASS_NAME, COTEACHER_NAME, STUDENT_NAME],
        "teacher teach.assignments": [STUDENT_NAME], "teacher teach.cards": [STUDENT_NAME],
        "teacher help.help_page": [CONTACT_NAME, CONTACT_NOTE],
        "coteacher teach.dashboard": rostered,
        "admin admin.teachers": [TEACHER_NAME, COTEACHER_NAME, WEB_TEACHER_NAME, ADMIN_NAME],
        "admin admin.settings": [SCHOOL_NAME], "admin admin.students": [STUDENT_NAME],
        "admin admin.student": [STUDENT_NAME, CLASS_NAME], "admin admin.index": [CLASS_NAME],
        "admin admin.audit": [TEACHER_NAME], "admin admin.student_delete": [STUDENT_NAME],
        "admin GET /admin/students?": [payload("rf")],
        "student learn.index": [CLASS_NAME, STUDENT_NAME], "student help.help_page": [CONTACT_NAME],
        "student learn.class_questions": [QUESTION, CLASS_NAME],
        "signed_out GET /login?": [payload("rf")],
        "class created": [CLASS_NAME], "roster preview": ROSTER_NAMES, "roster cards": ROSTER_NAMES,
        "roster problems": [payload("b1"), "<b>1</b>", SCRIPT], "co-teacher added": [COTEACHER_NAME],
        "teacher card": [WEB_TEACHER_NAME], "joined": [CLASS_NAME], "signed up": [SIGNUP_NAME],
        "moved": [ROSTER_NAMES[5], CLASS2_RENAMED], "removed": [ROSTER_NAMES[4]],
        "deleted": [SIGNUP_NAME], "reassigned": [COTEACHER_NAME], "staff card": [TEACHER_NAME],
    }) == []
    answer_page = clients["student"].get(f"/learn/classes/{made['first']}").get_data(as_text=True)
    # Markdown formatting is kept; the template syntax stays text.
    assert "<strong>NmBold</strong>" in answer_page and f"<code>{TEMPLATE}</code>" in answer_page
