"""What staff pages show and do (issue 14): "last active" is a date on every staff page and export,
never a time of day; the exports that write activity-log entries are POSTs; every change of the
school's settings is in the activity log."""

import csv
import io
import json
import re
from datetime import UTC, datetime

import pytest

from dongui.extensions import db
from dongui.models import Assignment, AuditEvent, Role, User
from tests.conftest import login

# 2026-11-25 06:07 UTC is 15:07 in Seoul: "3:07 PM", "오후 3:07".
SEEN = datetime(2026, 11, 25, 6, 7, tzinfo=UTC)
TIME_OF_DAY = re.compile(r"\b\d{1,2}:\d{2}\b")


@pytest.fixture
def school_with_activity(app, make_school, make_user, make_classroom):
    school = make_school(slug="dates", timezone="Asia/Seoul")
    admin = make_user(role=Role.ADMIN, school_id=school, username="boss")
    teacher = make_user(role=Role.TEACHER, school_id=school, username="teacher")
    student = make_user(school_id=school, username="pupil", display_name="김지우")
    class_id = make_classroom(teacher, students=[student])
    with app.app_context():
        db.session.add(Assignment(classroom_id=class_id, module_slug="sample", position=1))
        for user_id in (admin, teacher, student):
            db.session.get(User, user_id).last_seen_at = SEEN
        db.session.commit()
    return {"class": class_id, "student": student, "teacher": teacher, "admin": admin}


def staff_pages(world) -> dict[str, str]:
    class_id, student = world["class"], world["student"]
    return {
        "teacher": [
            f"/teach/classes/{class_id}",
            f"/teach/classes/{class_id}/roster",
            f"/teach/classes/{class_id}/students/{student}",
        ],
        "boss": [
            "/admin/students",
            f"/admin/users/{student}",
            "/admin/teachers",
            f"/teach/classes/{class_id}",
            f"/teach/classes/{class_id}/students/{student}",
        ],
    }


@pytest.mark.parametrize(
    "lang, date_text, today_text",
    [("en", "November 25, 2026", "November 28, 2026"), ("ko", "2026년 11월 25일", "2026년 11월 28일")],
)
def test_staff_see_last_active_as_a_date_only(
    app, client, school_with_activity, clock, lang, date_text, today_text
):
    """Today these pages showed "November 25, 2026, 3:07 PM": a minute a teacher could set beside
    the minute a question came."""
    clock.advance(days=3)  # so that nobody's own visit today is on the pages
    client.set_cookie("lang", lang)
    for username, paths in staff_pages(school_with_activity).items():
        login(client, username)
        for path in paths:
            page = client.get(path).get_data(as_text=True)
            text = re.sub(r"<[^>]+>", " ", page)
            # The staff's own "last active" is today (they just signed in): a date as well.
            expected = today_text if path == "/admin/teachers" else date_text
            assert expected in text, (username, path)
            assert not TIME_OF_DAY.search(text), (username, path, TIME_OF_DAY.findall(text))
        client.post("/logout")


def test_exports_show_last_active_as_a_date_only(app, client, school_with_activity, clock):
    clock.advance(days=3)
    login(client, "teacher")
    raw = client.post(f"/teach/classes/{school_with_activity['class']}/export.csv").get_data()
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[1][-1] == "2026년 11월 25일"
    client.post("/logout")
    login(client, "boss")
    exported = json.loads(client.post(f"/admin/users/{school_with_activity['student']}/export").get_data())
    assert exported["account"]["last_active_on"] == "2026-11-25"
    assert "last_seen_at" not in exported["account"]


def audit_count(app, action=None) -> int:
    with app.app_context():
        select = db.select(db.func.count()).select_from(AuditEvent)
        if action:
            select = select.where(AuditEvent.action == action)
        return db.session.execute(select).scalar_one()


@pytest.mark.parametrize(
    "path, user", [("/teach/classes/{class}/export.csv", "teacher"), ("/admin/export.csv", "boss")]
)
def test_exports_that_write_the_activity_log_are_posts(app, client, school_with_activity, path, user):
    """Today a GET wrote the log entry: a link or an image on another site could add entries."""
    path = path.format(**school_with_activity)
    login(client, user)
    before = audit_count(app)
    assert client.get(path).status_code == 405
    assert audit_count(app) == before
    response = client.post(path)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert audit_count(app) == before + 1


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_an_export_without_the_token_is_refused_and_logs_nothing(app, client, school_with_activity):
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    client.post(
        "/login", data={"username": "teacher", "password": "correct horse battery", "csrf_token": token}
    )
    path = f"/teach/classes/{school_with_activity['class']}/export.csv"
    before = audit_count(app)
    assert client.post(path).status_code == 400
    assert audit_count(app) == before
    dashboard = client.get(f"/teach/classes/{school_with_activity['class']}").get_data(as_text=True)
    form = re.search(
        r'<form id="export-csv" method="post" action="([^"]+)"[^>]*>\s*<input type="hidden" '
        r'name="csrf_token" value="([^"]+)"',
        dashboard,
    )
    assert form and form.group(1) == path
    assert client.post(path, data={"csrf_token": form.group(2)}).status_code == 200
    assert audit_count(app) == before + 1


def test_every_settings_change_is_in_the_activity_log(app, client, school_with_activity):
    """Today changing the time zone (or anything else) left no trace."""
    login(client, "boss")
    client.set_cookie("lang", "en")
    form = {
        "name": "School 1",
        "timezone": "Asia/Seoul",
        "default_locale": "ko",
        "question_release_hour": "0",
        "help_contacts": "",
        "username_pattern": "class_number",
    }
    page = client.get("/admin/settings").get_data(as_text=True)
    form["name"] = re.search(r'name="name"[^>]*value="([^"]*)"', page).group(1)
    assert client.post("/admin/settings", data=form).status_code == 302
    assert audit_count(app, "school.settings") == 0  # nothing changed: nothing to log
    form.update(timezone="Pacific/Kiritimati", question_release_hour="16")
    assert client.post("/admin/settings", data=form).status_code == 302
    with app.app_context():
        event = db.session.execute(
            db.select(AuditEvent).where(AuditEvent.action == "school.settings")
        ).scalar_one()
        assert event.actor_id == school_with_activity["admin"]
        assert event.detail == {"settings": ["question_release_hour", "timezone"]}
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "School settings changed" in page
