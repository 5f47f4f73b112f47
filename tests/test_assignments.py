"""Assignments, due dates in the school's time zone, excusals and the student's assigned list."""

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from dongui.extensions import db
from dongui.models import Assignment, AuditEvent, Excusal, Role
from dongui.school.calendar import is_overdue
from tests.conftest import login


@pytest.fixture
def setup(app, client, make_user, make_school, make_classroom):
    school = make_school(slug="hanbit")
    teacher = make_user(role=Role.TEACHER, username="teacher", school_id=school)
    student = make_user(username="pupil", school_id=school, display_name="김민준")
    first = make_classroom(teacher, students=[student], name="2학년 3반")
    second = make_classroom(teacher, students=[student], name="방과후반")
    login(client, "teacher")
    return {"teacher": teacher, "student": student, "first": first, "second": second}


def test_assign_order_due_date_and_remove(app, client, setup):
    cls = setup["first"]
    client.post(f"/teach/classes/{cls}/assignments", data={"module": "sample", "due_on": "2026-12-01"})
    client.post(f"/teach/classes/{cls}/assignments", data={"module": "korean-only", "due_on": ""})
    page = client.get(f"/teach/classes/{cls}/assignments").get_data(as_text=True)
    assert page.index("표본 수업") < page.index("한국어만 있는 수업")
    with app.app_context():
        second = db.session.execute(sa.select(Assignment).filter_by(module_slug="korean-only")).scalar_one()
    client.post(f"/teach/classes/{cls}/assignments/{second.id}/up")
    page = client.get(f"/teach/classes/{cls}/assignments").get_data(as_text=True)
    assert page.index("한국어만 있는 수업") < page.index("표본 수업")
    client.post(f"/teach/classes/{cls}/assignments", data={"module": "sample", "due_on": "2026-12-05"})
    with app.app_context():
        rows = db.session.execute(sa.select(Assignment.module_slug, Assignment.due_on)).all()
        assert ("sample", date(2026, 12, 5)) in rows and len(rows) == 2
    client.post(f"/teach/classes/{cls}/assignments/{second.id}/remove")
    with app.app_context():
        assert db.session.execute(sa.select(sa.func.count()).select_from(Assignment)).scalar_one() == 1


def test_bad_assignment_input_is_refused(app, client, setup):
    cls = setup["first"]
    assert client.post(f"/teach/classes/{cls}/assignments", data={"module": "nope"}).status_code == 400
    assert client.post(f"/teach/classes/{cls}/assignments", data={"module": "staff-only"}).status_code == 400
    assert (
        client.post(
            f"/teach/classes/{cls}/assignments", data={"module": "sample", "due_on": "31/12/2026"}
        ).status_code
        == 400
    )
    with app.app_context():
        assert db.session.execute(sa.select(sa.func.count()).select_from(Assignment)).scalar_one() == 0


def test_sensitive_modules_show_the_counsellor_reminder(app, client, setup):
    page = client.get(f"/teach/classes/{setup['first']}/assignments").get_data(as_text=True)
    assert "상담" in page  # the standing reminder on the page


def test_overdue_once_the_due_date_has_ended_in_the_school_time_zone():
    due = date(2026, 11, 25)
    assert not is_overdue(due, "Asia/Seoul", datetime(2026, 11, 25, 14, 59, tzinfo=UTC))  # 23:59 KST
    assert is_overdue(due, "Asia/Seoul", datetime(2026, 11, 25, 15, 0, tzinfo=UTC))  # 00:00 KST
    assert not is_overdue(None, "Asia/Seoul")


def test_student_sees_assigned_first_once_with_the_earliest_due_date(app, client, setup):
    client.post(
        f"/teach/classes/{setup['first']}/assignments", data={"module": "korean-only", "due_on": "2026-12-10"}
    )
    client.post(
        f"/teach/classes/{setup['second']}/assignments",
        data={"module": "korean-only", "due_on": "2026-11-20"},
    )
    pupil = app.test_client()
    login(pupil, "pupil")
    page = pupil.get("/learn").get_data(as_text=True)
    assigned, rest = page.split("나에게 배정된 단원")[1].split("더 많은 단원")
    assert "한국어만 있는 수업" in assigned and "표본 수업" in rest
    assert assigned.count("한국어만 있는 수업") == 1
    assert "마감일 2026년 11월 20일" in assigned and "기한 지남" in assigned


def test_excused_student_no_longer_sees_the_assignment(app, client, setup):
    cls, student = setup["first"], setup["student"]
    client.post(f"/teach/classes/{cls}/assignments", data={"module": "sample"})
    client.post(f"/teach/classes/{cls}/students/{student}/excuse", data={"module": "sample", "excused": "1"})
    pupil = app.test_client()
    login(pupil, "pupil")
    assert "나에게 배정된 단원" not in pupil.get("/learn").get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(sa.select(sa.func.count()).select_from(Excusal)).scalar_one() == 1
        assert db.session.execute(sa.select(AuditEvent.action)).scalars().all() == ["student.excuse"]
    client.post(f"/teach/classes/{cls}/students/{student}/excuse", data={"module": "sample", "excused": "0"})
    assert "나에게 배정된 단원" in pupil.get("/learn").get_data(as_text=True)
    assert (
        client.post(
            f"/teach/classes/{cls}/students/{student}/excuse", data={"module": "korean-only", "excused": "1"}
        ).status_code
        == 400
    )


def test_another_teacher_cannot_touch_assignments(app, client, setup, make_user):
    make_user(role=Role.TEACHER, username="other")
    other = app.test_client()
    login(other, "other")
    cls = setup["first"]
    assert other.get(f"/teach/classes/{cls}/assignments").status_code == 404
    assert other.post(f"/teach/classes/{cls}/assignments", data={"module": "sample"}).status_code == 404
    assert (
        other.post(
            f"/teach/classes/{cls}/students/{setup['student']}/excuse",
            data={"module": "sample", "excused": "1"},
        ).status_code
        == 404
    )
