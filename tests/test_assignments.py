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


def test_a_due_date_that_is_not_a_date_says_so_in_the_teachers_language(app, client, setup):
    cls = setup["first"]
    answer = client.post(f"/teach/classes/{cls}/assignments", data={"module": "sample", "due_on": "12월 1일"})
    assert answer.status_code == 400
    assert "날짜가 아니에요" in answer.get_data(as_text=True)
    client.post("/lang", data={"lang": "en", "next": "/"})
    answer = client.post(f"/teach/classes/{cls}/assignments", data={"module": "sample", "due_on": "Dec 1"})
    assert answer.status_code == 400 and "That is not a date" in answer.get_data(as_text=True)


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


def assigned_rows(app) -> list[tuple[str, date | None, int]]:
    with app.app_context():
        return db.session.execute(
            sa.select(Assignment.module_slug, Assignment.due_on, Assignment.position).order_by(
                Assignment.position
            )
        ).all()


def test_several_modules_are_assigned_in_one_form_each_with_its_due_date_in_order(app, client, setup):
    cls = setup["first"]
    page = client.get(f"/teach/classes/{cls}/assignments").get_data(as_text=True)
    assert page.count('type="checkbox" id="assign-') == 2  # one row per student module, none for staff
    assert 'name="due-sample"' in page and 'min="2026-11-25"' in page  # today at the school
    response = client.post(
        f"/teach/classes/{cls}/assignments/new",
        data={
            "module": ["korean-only", "sample"],
            "due-sample": "2026-12-01",
            "due-korean-only": "2026-12-08",
        },
        follow_redirects=True,
    )
    assert "단원 2개를 배정했어요." in response.get_data(as_text=True)
    # In the modules' order, whatever order the form sent them in; today is allowed.
    assert assigned_rows(app) == [("sample", date(2026, 12, 1), 1), ("korean-only", date(2026, 12, 8), 2)]
    page = client.get(f"/teach/classes/{cls}/assignments").get_data(as_text=True)
    assert 'id="assign-title"' not in page  # nothing left to assign


def test_new_assignments_go_after_those_already_there_and_may_have_no_due_date(app, client, setup):
    cls = setup["first"]
    client.post(f"/teach/classes/{cls}/assignments", data={"module": "korean-only", "due_on": ""})
    client.post(
        f"/teach/classes/{cls}/assignments/new", data={"module": "sample", "due-sample": "2026-11-25"}
    )
    assert assigned_rows(app) == [("korean-only", None, 1), ("sample", date(2026, 11, 25), 2)]


@pytest.mark.parametrize(
    "data, message",
    [
        ({}, "배정할 단원을 하나 이상 골라 주세요."),
        ({"module": ["sample", "nope"]}, "학생에게 배정할 수 없는 단원이 있어요"),
        ({"module": ["sample", "staff-only"]}, "학생에게 배정할 수 없는 단원이 있어요"),
        ({"module": ["sample", "korean-only"], "due-korean-only": "31/12/2026"}, "날짜가 아니에요."),
        ({"module": ["sample", "korean-only"], "due-sample": "2026-11-24"}, "이미 지난 날이에요."),
        ({"module": ["sample"], "due-korean-only": "2026-12-01"}, "마감일을 정했지만 고르지는 않았어요."),
    ],
)
def test_bad_input_assigns_nothing_and_says_what_to_fix(app, client, setup, data, message):
    cls = setup["first"]
    response = client.post(f"/teach/classes/{cls}/assignments/new", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and message in page
    assert assigned_rows(app) == []  # nothing half-done
    for slug in data.get("module", []):  # what was ticked and typed is kept
        if slug in ("sample", "korean-only"):
            assert f'id="assign-{slug}" name="module" value="{slug}" checked' in page
    for key, value in data.items():
        if key.startswith("due-"):
            assert f'value="{value}"' in page


def test_a_module_assigned_meanwhile_refuses_the_whole_form(app, client, setup):
    """Another tab assigned `sample` after this page was loaded: nothing of the form is assigned."""
    cls = setup["first"]
    client.post(f"/teach/classes/{cls}/assignments", data={"module": "sample", "due_on": "2026-12-01"})
    response = client.post(
        f"/teach/classes/{cls}/assignments/new",
        data={
            "module": ["sample", "korean-only"],
            "due-sample": "2026-12-09",
            "due-korean-only": "2026-12-09",
        },
    )
    assert response.status_code == 400
    assert "표본 수업 단원은 이미 이 학급에 배정되어 있어요." in response.get_data(as_text=True)
    assert assigned_rows(app) == [("sample", date(2026, 12, 1), 1)]


def test_the_past_date_rule_uses_the_schools_day(app, client, setup, clock):
    """At 23:30 on the 25th in Seoul (14:30 UTC) the 25th is still today; at 00:30 on the 26th not."""
    cls = setup["first"]
    clock.now = datetime(2026, 11, 25, 14, 30, tzinfo=UTC)
    login(client, "teacher")  # the morning's session has ended by now
    late = {"module": "sample", "due-sample": "2026-11-25"}
    assert client.post(f"/teach/classes/{cls}/assignments/new", data=late).status_code == 302
    clock.now = datetime(2026, 11, 25, 15, 30, tzinfo=UTC)
    login(client, "teacher")
    too_late = {"module": "korean-only", "due-korean-only": "2026-11-25"}
    assert client.post(f"/teach/classes/{cls}/assignments/new", data=too_late).status_code == 400
    assert assigned_rows(app) == [("sample", date(2026, 11, 25), 1)]


def test_plan_new_assignments_is_a_plain_rule(app, setup):
    """The rule without HTTP: problems name their module; a good request plans in catalog order."""
    from dongui.content import get_catalog
    from dongui.school.assignments import AssignProblem, plan_new_assignments

    with app.app_context():
        modules = get_catalog().student_modules()
        today = date(2026, 11, 25)
        good = plan_new_assignments(setup["first"], ["korean-only", "sample"], {"due-x": "?"}, modules, today)
        assert good.problems == () and good.plan == (("sample", None), ("korean-only", None))
        bad = plan_new_assignments(
            setup["first"], ["sample"], {"sample": "2026-11-01", "korean-only": "2026-12-01"}, modules, today
        )
        assert bad.plan == ()
        assert bad.problems == (
            ("sample", AssignProblem.PAST_DATE),
            ("korean-only", AssignProblem.NOT_CHOSEN),
        )


def test_another_teacher_cannot_assign_several(app, client, setup, make_user):
    make_user(role=Role.TEACHER, username="other2")
    other = app.test_client()
    login(other, "other2")
    response = other.post(f"/teach/classes/{setup['first']}/assignments/new", data={"module": "sample"})
    assert response.status_code == 404 and assigned_rows(app) == []
