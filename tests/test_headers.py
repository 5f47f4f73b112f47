"""Every GET route of the url map, as every role: headers, <html lang>, no traceback."""

import re

import pytest
from flask import url_for

from dongui.models import Role
from dongui.web import CONTENT_SECURITY_POLICY
from tests.conftest import get_user, login

EXPECTED_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)


def get_paths(app, values):
    """Every GET route of the url map, its parameters filled from `values`."""
    rules = [r for r in app.url_map.iter_rules() if "GET" in r.methods and r.endpoint != "static"]
    unknown = {a for r in rules for a in r.arguments} - set(values)
    assert not unknown, f"teach this walk how to fill: {unknown}"
    with app.test_request_context():
        return [url_for(r.endpoint, **{a: values[a] for a in r.arguments}) for r in rules]


def make_attempt(client):
    page = client.get("/learn/sample/quiz").get_data(as_text=True)
    token = re.search(r'name="token" value="([^"]+)"', page)
    if token is None:
        return 1
    response = client.post(
        "/learn/sample/quiz", data={"token": token.group(1), "q-q1": "a", "q-q2": "a", "q-q3": "a"}
    )
    return int(response.headers["Location"].rsplit("/", 1)[1])


def assign_sample(app, class_id):
    from dongui.extensions import db
    from dongui.models import Assignment

    with app.app_context():
        db.session.add(Assignment(classroom_id=class_id, module_slug="sample", position=1))
        db.session.commit()


def check_headers(response, path):
    assert response.headers["Content-Security-Policy"] == EXPECTED_CSP, path
    assert response.headers["X-Content-Type-Options"] == "nosniff", path
    assert response.headers["Referrer-Policy"] == "no-referrer", path
    if "ETag" in response.headers:
        # The class dashboard and the school report: kept by the browser, asked for again each
        # time (a 304 when unchanged), cleared at sign-out. Only staff pages do this.
        assert path == "/admin" or re.fullmatch(r"/teach/classes/\d+", path), path
        assert response.headers["Cache-Control"] == "private, no-cache", path
    else:
        assert response.headers["Cache-Control"] == "no-store", path


def test_policy_is_exactly_the_designed_one():
    assert CONTENT_SECURITY_POLICY == EXPECTED_CSP


@pytest.mark.parametrize("role", [None, Role.STUDENT, Role.TEACHER, Role.ADMIN])
@pytest.mark.parametrize("lang", ["ko", "en"])
def test_every_get_route_has_headers_and_html_lang(app, client, make_user, make_classroom, role, lang):
    class_id, student_id = 1, 1
    if role is not None:
        user_id = make_user(role=role, username="person")
        login(client, "person")
        school_id = get_user(app, user_id).school_id
        if role != Role.STUDENT:
            student_id = make_user(username="pupil", school_id=school_id)
            class_id = make_classroom(user_id, students=[student_id])
            assign_sample(app, class_id)  # classroom mode presents only an assigned module
        else:  # the student's own class (its question box)
            teacher_id = make_user(role=Role.TEACHER, username="their-teacher", school_id=school_id)
            class_id = make_classroom(teacher_id, students=[user_id])
    client.set_cookie("lang", lang)
    values = {
        "slug": "sample",
        "step": 1,
        "attempt_id": make_attempt(client),
        "class_id": class_id,
        "student_id": student_id,
        "user_id": student_id,
    }
    for path in get_paths(app, values):
        response = client.get(path)
        check_headers(response, path)
        assert response.status_code in (200, 302, 403), (path, response.status_code)
        if response.status_code != 302 and response.mimetype == "text/html":
            body = response.get_data(as_text=True)
            assert f'<html lang="{lang}">' in body, path
            assert "Traceback" not in body
            assert 'style="' not in body, path  # the CSP forbids inline styles
            assert not re.search(r"<script(?![^>]*\bsrc=)", body), path  # no inline script


def test_error_pages_and_redirects_carry_the_headers(client):
    check_headers(client.get("/no-such-page"), "404")
    check_headers(client.get("/teach"), "redirect")
    check_headers(client.post("/lang", data={"lang": "xx"}), "400")


def test_static_files_may_be_cached(client):
    response = client.get("/static/css/dongui.css")
    assert response.status_code == 200
    assert response.headers.get("Cache-Control") != "no-store"
    assert response.headers["Content-Security-Policy"] == EXPECTED_CSP
    response.close()


def test_no_page_loads_anything_from_another_host(client):
    for path in ("/", "/login", "/help", "/privacy"):
        body = client.get(path).get_data(as_text=True)
        for attr in re.findall(r'(?:src|href|action)="([^"]+)"', body):
            if attr.startswith(("http://", "https://", "//")):
                # Only links people choose to follow: help lines and the quick exit.
                assert re.search(r'<a [^>]*href="' + re.escape(attr), body), attr
        assert "@import" not in body and "url(" not in body


def test_cookies_are_secure_when_served_over_https(app, client, make_user):
    make_user(username="secure-student")
    response = client.post(
        "/login",
        data={"username": "secure-student", "password": "correct horse battery"},
        base_url="https://localhost",
    )
    assert "Secure" in response.headers["Set-Cookie"] and "HttpOnly" in response.headers["Set-Cookie"]
    response = client.post("/lang", data={"lang": "en"}, base_url="https://localhost")
    assert "Secure" in response.headers["Set-Cookie"]


def test_cookies_are_not_secure_over_plain_http_outside_production(app, client, make_user):
    make_user(username="plain-student")
    response = client.post("/login", data={"username": "plain-student", "password": "correct horse battery"})
    cookie = response.headers["Set-Cookie"]
    assert "Secure" not in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_forms_work_over_https_without_a_referer(app, client, make_user):
    """Referrer-Policy: no-referrer means browsers send no Referer: the CSRF token must suffice."""
    make_user(username="https-student")
    page = client.get("/login", base_url="https://school.example").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(
        "/login",
        base_url="https://school.example",
        data={"csrf_token": token, "username": "https-student", "password": "correct horse battery"},
    )
    assert response.status_code == 302
    forged = client.post("/logout", base_url="https://school.example")
    assert forged.status_code == 400  # still refused without a token
