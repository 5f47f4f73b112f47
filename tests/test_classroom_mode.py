"""Classroom mode (issue 19): the projector view and the teacher's notes moving in step through
one state on the server, who took part in class (수업 참여) and the quiz on paper, and where that
shows: the dashboard, the student page, the CSV, the school report."""

import csv
import io
import re
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from dongui.content import get_catalog
from dongui.content.plans import rows_for, step_numbers
from dongui.extensions import db
from dongui.models import (
    Assignment,
    AuditEvent,
    ClassParticipation,
    ClassPresentation,
    Excusal,
    ModuleProgress,
    Role,
    School,
)
from dongui.school.presenting import NoSuchScreen, current_screen, move_to
from dongui.school.status import Status, class_status
from dongui.teach.dashboard import build_dashboard
from tests.conftest import login
from tests.helpers import count_statements, make_class_of

DONE = datetime(2026, 11, 20, tzinfo=UTC)
NAMES = ("NmAhn", "NmBaek", "NmCho", "NmDo")


@pytest.fixture
def world(app, client, make_user, make_school, make_classroom):
    """A teacher's class of four (the fourth excused from `sample`), `sample` assigned; signed in."""
    school = make_school(
        slug="cm",
        name="NmSchool",
        help_contacts=[{"name": "NmCounsellor", "phone": "02-000-0000", "note": "본관 2층"}],
    )
    teacher = make_user(role=Role.TEACHER, username="teach", school_id=school, display_name="NmTeacher")
    students = [
        make_user(username=f"st{n}", school_id=school, display_name=name)
        for n, name in enumerate(NAMES, start=1)
    ]
    class_id = make_classroom(teacher, students=students, name="NmClass")
    with app.app_context():
        db.session.add(
            Assignment(classroom_id=class_id, module_slug="sample", position=1, due_on=date(2026, 11, 24))
        )
        db.session.add(Excusal(classroom_id=class_id, student_id=students[3], module_slug="sample"))
        db.session.commit()
    client.set_cookie("lang", "en")
    login(client, "teach")
    return {
        "school": school,
        "teacher": teacher,
        "class": class_id,
        "students": students,
        "base": f"/teach/classes/{class_id}",
    }


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def move(client, world, position, view="projector", **extra):
    return client.post(f"{world['base']}/present/sample", data={"position": position, "view": view, **extra})


# The projector and the notes


def test_the_projector_opens_on_the_content_note_and_shows_nothing_private(client, world):
    page = client.get(f"{world['base']}/present/sample").get_data(as_text=True)
    assert "Sample lesson" in page and "This lesson talks about hard things." in page
    assert 'class="projector projector-at-opening"' in page and "data-quick-exit" in page
    for private in (
        *NAMES,
        "NmTeacher",
        "NmClass",
        "st1",
        "Secret teacher note",
        "protocol-disclosure",
        "Right answer",
        "My classes",
        "account-menu",
    ):
        assert private not in page, private
    assert client.get(f"{world['base']}/present/sample/state").get_json() == {
        "screen": "0:0",
        "position": 0,
        "shown": False,
    }


def test_a_move_from_either_view_moves_both(client, world):
    response = move(client, world, 1)
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"{world['base']}/present/sample"
    )
    page = client.get(f"{world['base']}/present/sample").get_data(as_text=True)
    assert "First step" in page and "Step 1 of 4" in page
    # The reflect prompt is a question for the room on the projector.
    assert (
        "Let&#39;s talk about it" in page
        and "Reflect" not in page
        and "A question to think about alone" in page
    )
    notes = client.get(f"{world['base']}/present/sample/notes").get_data(as_text=True)
    assert "Step 1 of 4" in notes and "5–20 min" in notes and "Read the first story together." in notes
    assert "A question to think about alone" in notes  # the step's discussion question, for the teacher too
    response = move(client, world, 2, view="notes")
    assert response.headers["Location"].endswith(f"{world['base']}/present/sample/notes")
    assert client.get(f"{world['base']}/present/sample/state").get_json()["screen"] == "2:0"
    assert "Second step" in client.get(f"{world['base']}/present/sample").get_data(as_text=True)


def test_the_notes_offer_the_disclosure_protocol_one_tap_away_and_the_plan_for_each_screen(client, world):
    notes = client.get(f"{world['base']}/present/sample/notes").get_data(as_text=True)
    protocol = notes.split('<details class="protocol-box" id="disclosure">')[1].split("</details>")[0]
    assert "<summary>If a student tells you about harm</summary>" in protocol
    assert 'class="protocol protocol-disclosure"' in protocol and 'href="tel:112"' in protocol
    assert notes.index("protocol-box") < notes.index("On the screen now")  # before everything else
    assert "Recap the ground rules" in notes  # the opening's row of the plan
    move(client, world, 5)  # the close
    notes = client.get(f"{world['base']}/present/sample/notes").get_data(as_text=True)
    assert "Read the key points together." in text_of(notes.split("The whole 45-minute plan")[0])


def test_a_15_plus_step_waits_behind_a_cover_until_the_teacher_shows_it(client, world):
    move(client, world, 4)
    page = client.get(f"{world['base']}/present/sample").get_data(as_text=True)
    assert "projector-cover" in page and "A step for ages 15 and up." not in page
    assert "Show this step" in page and "Pass it" in page
    move(client, world, 4, show="1")
    page = client.get(f"{world['base']}/present/sample").get_data(as_text=True)
    assert "A step for ages 15 and up." in page
    assert client.get(f"{world['base']}/present/sample/state").get_json()["screen"] == "4:1"
    move(client, world, 3, show="1")  # "show" means nothing on a step for everyone
    assert client.get(f"{world['base']}/present/sample/state").get_json()["screen"] == "3:0"


def test_moves_outside_the_module_are_refused(client, world):
    for position in ("-1", "6", "99", "", "two"):
        assert move(client, world, position).status_code == 400, position
    assert client.get(f"{world['base']}/present/sample/state").get_json()["position"] == 0


def test_classroom_mode_is_only_for_the_classs_teachers_and_assigned_modules(app, client, world, make_user):
    base = world["base"]
    for slug in ("korean-only", "staff-only", "nope"):  # not assigned, staff only, unknown
        assert client.get(f"{base}/present/{slug}").status_code == 404
        assert client.post(f"{base}/present/{slug}", data={"position": 1}).status_code == 404
    make_user(role=Role.TEACHER, username="other", school_id=world["school"])
    make_user(role=Role.ADMIN, username="boss", school_id=world["school"])
    for username, status in (("other", 404), ("boss", 404), ("st1", 403)):
        other = app.test_client()
        login(other, username)
        for path in (
            "/present/sample",
            "/present/sample/notes",
            "/present/sample/state",
            "/attendance",
            "/letter",
            "/slips",
        ):
            assert other.get(base + path).status_code == status, (username, path)
        assert other.post(f"{base}/present/sample", data={"position": 1}).status_code == status
    with app.app_context():
        assert db.session.execute(sa.select(ClassPresentation)).first() is None


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_a_move_without_the_csrf_token_is_refused(app, world):
    client = app.test_client()
    from tests.worlds import login_with_csrf

    login_with_csrf(client, "teach")
    assert client.post(f"{world['base']}/present/sample", data={"position": 1}).status_code == 400
    page = client.get(f"{world['base']}/present/sample").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert (
        client.post(f"{world['base']}/present/sample", data={"position": 1, "csrf_token": token}).status_code
        == 302
    )


def test_the_assignments_page_opens_classroom_mode(client, world):
    page = client.get(f"{world['base']}/assignments").get_data(as_text=True)
    assert f'href="{world["base"]}/present/sample"' in page
    assert f'href="{world["base"]}/present/sample/notes"' in page


# The screen's state, as a rule


def test_the_class_screen_follows_the_module_it_is_on(app, world):
    with app.app_context():
        from dongui.models import Classroom, User

        classroom, teacher = db.session.get(Classroom, world["class"]), db.session.get(User, world["teacher"])
        sample, other = get_catalog().module("sample"), get_catalog().module("korean-only")
        move_to(classroom, sample, 3, False, teacher)
        assert current_screen(classroom.id, sample).position == 3
        assert current_screen(classroom.id, other).position == 0  # another module starts at its opening
        with pytest.raises(NoSuchScreen):
            move_to(classroom, sample, sample.step_count + 2, False, teacher)
        assert move_to(classroom, sample, 4, True, teacher).shown
        assert not move_to(classroom, sample, 2, True, teacher).shown


def test_the_plan_names_steps_in_both_languages():
    assert step_numbers("3~4단계: 침묵과 압박") == {3, 4}
    assert step_numbers("6단계(고등학교) 또는 7단계") == {6, 7}
    assert step_numbers("Steps 3–4: silence and pressure") == {3, 4}
    assert step_numbers("Step 6 (high school) or step 7") == {6, 7}
    assert step_numbers("Back to steps 1–2: respect") == {1, 2}
    assert step_numbers("0단원의 약속") == frozenset() and step_numbers("Opening") == frozenset()


def test_the_plan_rows_for_each_screen(app):
    with app.app_context():
        module = get_catalog().module("sample")
        plan = module.text("en").plan
        times = {
            position: [row.time for row in rows_for(plan, position, module.step_count)]
            for position in range(module.step_count + 2)
        }
    assert times == {
        0: ["0–5 min"],
        1: ["5–20 min"],
        2: ["5–20 min"],
        3: ["20–40 min"],
        4: ["20–40 min"],
        5: ["40–45 min"],
    }


# Who took part, and the quiz on paper


def test_took_part_is_its_own_state_on_every_page(app, client, world):
    s1, s2, s3, _s4 = world["students"]
    page = client.get(f"{world['base']}/attendance").get_data(as_text=True)
    ticked = set(re.findall(r'name="present" value="(\d+)"[^>]*checked', page))
    assert ticked == {str(s1), str(s2), str(s3)}  # everyone but the excused student, to start with
    response = client.post(
        f"{world['base']}/attendance",
        data={"module": "sample", "taught_on": "2026-11-24", "present": [s1, s2], "paper": [s2]},
    )
    assert response.status_code == 302
    with app.app_context():
        rows = {r.student_id: r for r in db.session.execute(sa.select(ClassParticipation)).scalars()}
        assert rows[s1].attended_on == date(2026, 11, 24) and rows[s1].paper_passed_on is None
        assert rows[s2].paper_passed_on == date(2026, 11, 24) and s3 not in rows
        event = db.session.execute(sa.select(AuditEvent).filter_by(action="class.attendance")).scalar_one()
        assert event.detail == {"module": "sample", "on": "2026-11-24", "present": 2, "paper": 1, "absent": 2}
    dashboard = text_of(client.get(world["base"]).get_data(as_text=True))
    assert "Overdue · Took part in class" in dashboard  # the quiz is still to pass, and it was due
    assert "Completed · on paper" in dashboard
    assert "1 of 3 students" in dashboard
    student = text_of(client.get(f"{world['base']}/students/{s1}").get_data(as_text=True))
    assert "Took part in class" in student
    rows = list(
        csv.reader(io.StringIO(client.post(f"{world['base']}/export.csv").get_data().decode("utf-8-sig")))
    )
    by_name = {row[1]: row for row in rows[1:]}
    assert by_name["NmAhn"][2] == "Overdue" and by_name["NmBaek"][2] == "Completed"
    page = client.get(f"{world['base']}/attendance").get_data(as_text=True)  # the record, not everyone
    assert set(re.findall(r'name="present" value="(\d+)"[^>]*checked', page)) == {str(s1), str(s2)}


def test_the_school_setting_makes_taking_part_complete_the_module(app, client, world, make_user):
    s1, s2, s3, _s4 = world["students"]
    client.post(
        f"{world['base']}/attendance",
        data={"module": "sample", "taught_on": "2026-11-24", "present": [s1, s2, s3]},
    )
    with app.app_context():
        db.session.get(School, world["school"]).participation_completes = True
        db.session.commit()
    dashboard = text_of(client.get(world["base"]).get_data(as_text=True))
    assert dashboard.count("Took part in class · counts as completed") == 3
    assert "3 of 3 students" in dashboard and "Overdue ·" not in dashboard  # completed: not overdue
    make_user(role=Role.ADMIN, username="boss", school_id=world["school"])
    admin = app.test_client()
    admin.set_cookie("lang", "en")
    login(admin, "boss")
    report = text_of(admin.get("/admin").get_data(as_text=True))
    assert "100% (3/3)" in report


def test_attendance_refuses_other_students_modules_and_dates(app, client, world, make_user, make_school):
    stranger = make_user(username="stranger", school_id=make_school())
    base = world["base"]
    assert (
        client.post(
            f"{base}/attendance", data={"module": "sample", "taught_on": "2026-11-24", "present": [stranger]}
        ).status_code
        == 404
    )
    assert (
        client.post(
            f"{base}/attendance",
            data={"module": "korean-only", "taught_on": "2026-11-24", "present": [world["students"][0]]},
        ).status_code
        == 404
    )
    for bad in ({"taught_on": "yesterday"}, {"taught_on": "2026-11-24", "present": ["x"]}):
        assert client.post(f"{base}/attendance", data={"module": "sample", **bad}).status_code == 400
    with app.app_context():
        assert db.session.execute(sa.select(ClassParticipation)).first() is None


def test_the_class_status_rule():
    read, passed, started = (3, True, False, None), (3, True, True, 0.8), (1, False, False, None)
    assert class_status(4, started, None, False).kind == Status.IN_PROGRESS
    took_part = class_status(4, started, (True, False), False)
    assert took_part.kind == Status.PARTICIPATED and not took_part.done
    assert class_status(4, None, (True, False), True).done  # the school credits taking part
    on_paper = class_status(4, None, (True, True), False)
    assert on_paper.kind == Status.COMPLETED and on_paper.on_paper
    assert class_status(4, read, (False, True), False).kind == Status.COMPLETED  # read online, paper quiz
    assert class_status(4, started, (False, True), False).kind == Status.IN_PROGRESS  # a paper quiz alone
    own = class_status(4, passed, (True, False), False)
    assert own.kind == Status.COMPLETED and own.best_score == 0.8 and not own.on_paper


def test_the_report_and_the_dashboard_count_class_participation_alike(
    app, make_user, make_school, make_classroom
):
    school = make_school(slug="alike")
    teacher = make_user(role=Role.TEACHER, username="t-alike", school_id=school)
    students = [make_user(username=f"alike{n}", school_id=school) for n in range(6)]
    class_id = make_classroom(teacher, students=students)
    with app.app_context():
        db.session.add(Assignment(classroom_id=class_id, module_slug="sample", position=1))
        a, b, c, d, e, _f = students
        db.session.add_all(
            [
                ModuleProgress(
                    user_id=a, module_slug="sample", last_step=4, lesson_done_at=DONE, quiz_passed_at=DONE
                ),
                ModuleProgress(user_id=b, module_slug="sample", last_step=4, lesson_done_at=DONE),
                ClassParticipation(
                    classroom_id=class_id, student_id=a, module_slug="sample", attended_on=DONE.date()
                ),
                ClassParticipation(
                    classroom_id=class_id, student_id=b, module_slug="sample", paper_passed_on=DONE.date()
                ),
                ClassParticipation(
                    classroom_id=class_id, student_id=c, module_slug="sample", attended_on=DONE.date()
                ),
                ClassParticipation(
                    classroom_id=class_id,
                    student_id=d,
                    module_slug="sample",
                    attended_on=DONE.date(),
                    paper_passed_on=DONE.date(),
                ),
                ClassParticipation(
                    classroom_id=class_id, student_id=e, module_slug="sample", attended_on=DONE.date()
                ),
                Excusal(classroom_id=class_id, student_id=e, module_slug="sample"),
            ]
        )
        db.session.commit()
        from dongui.admin.presenters import build_school_report
        from dongui.models import Classroom

        for credit, completed in ((False, 3), (True, 4)):
            school_row = db.session.get(School, school)
            school_row.participation_completes = credit
            db.session.commit()
            with app.test_request_context():
                board = build_dashboard(db.session.get(Classroom, class_id), get_catalog(), "en")
                report = build_school_report(school_row, teacher, get_catalog(), "en")
            assert board.columns[0].completed == completed == report.classes[0].tally.completed, credit
            assert board.columns[0].counted == 5 == report.classes[0].tally.assigned
            assert report.classes[0].tally.took_part == 3  # a, c, d (e is excused)


@pytest.mark.parametrize("path", ["", "/students/{student}", "/attendance", "/letter", "/slips"])
def test_the_pages_do_not_grow_queries_with_the_class(app, make_user, make_school, make_classroom, path):
    counts = {}
    for size in (5, 40):
        class_id = make_class_of(app, make_user, make_school, make_classroom, size)
        with app.app_context():
            from dongui.models import Enrollment

            students = list(
                db.session.execute(
                    sa.select(Enrollment.student_id).filter_by(classroom_id=class_id)
                ).scalars()
            )
            db.session.add_all(
                [
                    ClassParticipation(
                        classroom_id=class_id, student_id=s, module_slug="sample", attended_on=DONE.date()
                    )
                    for s in students
                ]
            )
            db.session.commit()
        client = app.test_client()
        login(client, f"teacher{size}")
        counts[size] = count_statements(
            app, client, f"/teach/classes/{class_id}" + path.format(student=students[0])
        )
    assert counts[5] == counts[40], counts


# The quiz on paper


def test_the_quiz_sheet_has_no_answers_and_the_key_has_them(app, client, world):
    sheet = client.get("/teach/modules/sample/quiz-sheet").get_data(as_text=True)
    key = client.get("/teach/modules/sample/answer-key").get_data(as_text=True)
    with app.app_context():
        quiz = get_catalog().module("sample").quiz
    for question in quiz.questions:
        assert question.prompt["en"] in sheet
        for choice in question.choices:
            assert choice.text["en"] in sheet and choice.feedback["en"] not in sheet
    assert "paper-correct" not in sheet and "☑" not in sheet and "No." in sheet
    assert key.count('class="paper-correct"') == sum(len(q.correct_ids) for q in quiz.questions)
    assert "To pass: 2 of 3 questions right." in text_of(key)
    # One order for both, so the key matches the sheet.
    assert re.findall(r"☐|☑", sheet).__len__() == re.findall(r"☐|☑", key).__len__()
    korean = client.get("/teach/modules/sample/quiz-sheet?lang=ko").get_data(as_text=True)
    assert "첫 질문" in korean and client.get("/teach/modules/sample/quiz-sheet?lang=fr").status_code == 404
    pupil = app.test_client()
    login(pupil, "st1")
    assert pupil.get("/teach/modules/sample/answer-key").status_code == 403
