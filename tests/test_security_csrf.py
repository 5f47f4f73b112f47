"""Every POST route refuses a request without a CSRF token, or with a forged one (400), and
changes nothing (issue 7).
"""

import re

import pytest
from flask import request
from flask_wtf.csrf import CSRFError

from dongui.errors import handle_csrf_error
from dongui.extensions import db
from dongui.models import School
from tests.conftest import PASSWORD
from tests.security_walk import (
    access,
    build_path,
    is_staff_rule,
    own_values,
    roster_file,
    walk_rules,
)
from tests.worlds import (
    OTHER_STUDENT_MODULE,
    STUDENT_MODULE,
    build_world,
    changes,
    csrf_token_of,
    login_with_csrf,
    snapshot,
)


def answer_field(world) -> str:
    return f"q{world['newq:A1'][:8]}-answer"


# A body that would succeed with a token, by endpoint (`world`, `extra` from earlier steps).
POST_BODIES = {
    "auth.login": lambda w, x: {"username": w.usernames["pupil:A1"], "password": PASSWORD},
    "auth.lang": lambda w, x: {"lang": "en", "next": "/help"},
    "auth.signup": lambda w, x: {
        "join_code": w.texts["class:A1"][1],
        "display_name": "NmNewKid",
        "username": "new-kid",
        "password": "plum-orbit-canyon-7341",
        "confirm_password": "plum-orbit-canyon-7341",
    },
    "auth.logout": lambda w, x: {},
    "auth.password": lambda w, x: {
        "current_password": PASSWORD,
        "new_password": "plum-orbit-canyon-7341",
        "confirm_password": "plum-orbit-canyon-7341",
    },
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
    "admin.settings": lambda w, x: {
        "name": "NmRenamedSchool",
        "timezone": "Asia/Seoul",
        "default_locale": "en",
        "allow_self_signup": "y",
        "help_contacts": "NmNewContact | 02-111-1111",
    },
    "admin.teachers": lambda w, x: {"display_name": "NmNewTeacher", "username": "new-teacher"},
    "admin.set_teacher_active": lambda w, x: {"active": "0"},
    "admin.reassign": lambda w, x: {"successor": w["teacher:A2"]},
    "admin.student_delete": lambda w, x: {"username": w.usernames["pupil:A1"]},
}
CSRF_USER = {
    "public": None,
    "signed_in": "pupil:A1",
    "learner": "pupil:A1",
    "student": "pupil:A1",
    "staff": "teacher:A1",
    "admin": "admin:A",
    "district": "dadmin:D",
}


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
    page = client.post(
        f"/teach/classes/{world['class:A1']}/import", data={"file": roster_file(), "csrf_token": token}
    ).get_data(as_text=True)
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
    for user in (None, "pupil:A1", "teacher:A1", "admin:A", "dadmin:D"):
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
                    problems.append(
                        f"{user} POST {path} ({rule.endpoint}) with token {forged!r}: "
                        f"{response.status_code}, refused as CSRF: {len(refused) > count}"
                    )
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
    assert (
        client.post(
            "/lang",
            data={**POST_BODIES["auth.lang"](world, extra), "csrf_token": csrf_token_of(client, "/help")},
        ).status_code
        == 302
    )
    login_with_csrf(client, world.usernames["pupil:A1"])
