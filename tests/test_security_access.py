"""Every route (GET and POST), as every role, with real foreign objects in every URL parameter,
answers a sign-in redirect (signed out), 403 or 404 (signed in), shows none of the foreign
objects' names and changes nothing; and each role does reach its own objects (issue 7).
"""

import re
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from dongui.models import Role
from tests.conftest import login
from tests.security_walk import (
    REDIRECT_WHEN_SIGNED_IN,
    ROLE_IDS,
    ROLES,
    WALKED_METHODS,
    Viewer,
    access,
    build_path,
    make_viewer,
    may_use,
    own_get_walk,
    walk_rules,
)
from tests.worlds import (
    OTHER_STUDENT_MODULE,
    STAFF_MODULE,
    STUDENT_MODULE,
    build_world,
    changes,
    snapshot,
)


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
                    values = {**viewer.own, **{k: v for k, v in option.values.items() if k in rule.arguments}}
                    combos.append((values, option.label))
            if not combos:
                pytest.fail(
                    f"the security walk has no foreign value for {rule.rule} "
                    f"({rule.endpoint}) as {viewer.role}: add an Option"
                )
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
    return (
        location.netloc in ("", "localhost")
        and location.path == "/login"
        and target == path
        and target.startswith("/")
        and not target.startswith("//")
    )


def check_signed_out(rule, method, path, response) -> list[str]:
    where = f"signed out {method} {path} ({rule.endpoint})"
    if access(rule.endpoint) == "public":
        if response.status_code in (401, 403, 404, 405) or response.status_code >= 500:
            return [f"{where}: public, but answered {response.status_code}"]
        if response.status_code == 302 and "next=" in response.headers["Location"]:
            return [f"{where}: public, but sent to sign in"]
        return []
    if not is_login_redirect(response, path):
        return [
            f"{where}: expected 302 to /login?next={path}, got {response.status_code} "
            f"{response.headers.get('Location', '')}"
        ]
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
    """The walk may only add export records (an export, a POST, is logged by design), and the
    district report's kept figures (counts, written when a view counts them)."""
    for table, rows in diff.items():
        if table == "district_figures":
            continue
        if table != "audit_events" or rows["removed"]:
            return False
        if not all("'school.export'" in row or "'class.export'" in row for row in rows["added"]):
            return False
    return True


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
        problems += [
            f"{viewer.role} {method} {path} shows {name}" for name in leaked_names(response, path, foreign)
        ]
        if rule.endpoint == "auth.logout" and viewer.key is not None:
            sign_in(client, world, viewer)  # carry on signed in
    assert not problems, "\n".join(problems)
    diff = changes(before, snapshot(app))
    assert allowed_changes(diff), diff
    expected = {(r.endpoint, m) for r in walk_rules(app) for m in r.methods & WALKED_METHODS}
    assert walked == expected


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
            problems.append(
                f"{role} GET {path} ({rule.endpoint}): expected {expected}, got {response.status_code}"
            )
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
    for path in (
        f"/teach/classes/{class_a2}",
        f"/teach/classes/{class_a2}/students/{pupil_a2}",
        f"/teach/classes/{class_a2}/modules/{STUDENT_MODULE}",
        f"/teach/classes/{class_a2}/export.csv",
    ):
        response = client.post(path) if path.endswith(".csv") else client.get(path)
        assert response.status_code == 200, path
        assert "NmPupilA2" in response.get_data(as_text=True), path
    for path in (
        f"/teach/classes/{class_a2}/roster",
        f"/teach/classes/{class_a2}/questions",
        f"/teach/classes/{class_a2}/settings",
    ):
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
    assert (
        client.post(
            f"{base}/students/{pupil_a1}/excuse", data={"module": OTHER_STUDENT_MODULE, "excused": "1"}
        ).status_code
        == 400
    )
    client.post("/logout")
    login(client, world.usernames["pupil:A1"])
    client.post("/join", data={"join_code": world.texts["class:B1"][1]})  # another school's code
    page = client.get(f"/learn/{STUDENT_MODULE}/quiz").get_data(as_text=True)
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    client.post("/logout")
    login(client, world.usernames["mate:A1"])  # a classmate submits the pupil's form
    response = client.post(
        f"/learn/{STUDENT_MODULE}/quiz", data={"token": token, "q-q1": "a", "q-q2": "a", "q-q3": "b"}
    )
    assert response.status_code == 400
    client.post("/logout")
    login(client, world.usernames["admin:A"])
    for successor in ("teacher:B1", "pupil:A1", "admin:B"):
        response = client.post(
            f"/admin/teachers/{world['teacher:A1']}/reassign", data={"successor": world[successor]}
        )
        assert response.status_code == 404, successor
    assert changes(before, snapshot(app)) == {}
