"""The class dashboard: cell states, overdue by the school's date, excusals, and query counts."""

import re
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from dongui.extensions import db
from dongui.models import Assignment, Enrollment, Excusal, ModuleProgress, QuizAttempt, Role
from tests.conftest import login
from tests.helpers import count_statements, make_class_of

DONE = datetime(2026, 11, 20, tzinfo=UTC)


@pytest.fixture
def classroom(app, client, make_user, make_school, make_classroom):
    school = make_school(slug="dash", timezone="Asia/Seoul")
    teacher = make_user(role=Role.TEACHER, username="teacher", school_id=school)
    names = ["가나", "다라", "마바", "사아", "자차", "카타"]
    students = [
        make_user(username=f"s{n}", school_id=school, display_name=name)
        for n, name in enumerate(names, start=1)
    ]
    class_id = make_classroom(teacher, students=students)
    with app.app_context():
        db.session.add_all(
            [
                Assignment(
                    classroom_id=class_id, module_slug="sample", position=1, due_on=date(2026, 11, 24)
                ),
                Assignment(
                    classroom_id=class_id, module_slug="korean-only", position=2, due_on=date(2026, 11, 25)
                ),
            ]
        )
        s1, s2, s3, s4, s5, s6 = students
        db.session.add_all(
            [
                ModuleProgress(
                    user_id=s1,
                    module_slug="sample",
                    last_step=3,
                    lesson_done_at=DONE,
                    quiz_passed_at=DONE,
                    best_score=0.9,
                    attempts=2,
                ),
                ModuleProgress(user_id=s2, module_slug="sample", last_step=2, attempts=0),
                ModuleProgress(
                    user_id=s3,
                    module_slug="sample",
                    last_step=4,
                    lesson_done_at=DONE,
                    attempts=1,
                    best_score=0.3,
                ),
                ModuleProgress(
                    user_id=s5,
                    module_slug="korean-only",
                    last_step=1,
                    lesson_done_at=DONE,
                    quiz_passed_at=DONE,
                    best_score=1.0,
                    attempts=1,
                ),
                Excusal(classroom_id=class_id, student_id=s4, module_slug="sample"),
            ]
        )
        db.session.commit()
    login(client, "teacher")
    return {"id": class_id, "students": students}


def grid_rows(page):
    body = page.split("<tbody>")[1].split("</tbody>")[0]
    return {
        re.sub(r"<[^>]+>|\s+", " ", row).split()[1]: re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row))
        for row in body.split("<tr>")[1:]
    }


def test_each_cell_state_in_text(client, classroom):
    page = client.get(f"/teach/classes/{classroom['id']}").get_data(as_text=True)
    rows = grid_rows(page)
    assert "이수 · 최고 점수 90%" in rows["가나"]
    assert "기한 지남 · 4단계 중 2단계" in rows["다라"]  # in progress, past the due date
    assert "기한 지남 · 수업 완료" in rows["마바"]  # lesson read, quiz not passed
    assert "면제" in rows["사아"]
    assert "기한 지남" in rows["자차"] and "이수 · 최고 점수 100%" in rows["자차"]
    assert "기한 지남" in rows["카타"]  # not started, overdue
    # the second module is due today in Seoul (12:00 there): not overdue yet
    assert rows["가나"].count("기한 지남") == 0 and "시작 전" in rows["가나"]


def test_summary_leaves_excused_students_out(client, classroom):
    page = client.get(f"/teach/classes/{classroom['id']}").get_data(as_text=True)
    # 12 cells, 1 excused: 11 counted; completed: 가나/sample and 자차/korean-only
    assert "배정된 11개 중 2개" in page  # things: assigned modules, counted with 개
    assert "5명 중 1명" in page and "6명 중 1명" in page  # people: students in each column, with 명
    assert "개 중" not in page.split('<table class="progress-grid">')[1]
    assert 'max="5" value="1"' in page and 'max="6" value="1"' in page


def test_overdue_follows_the_school_date(app, client, classroom, clock):
    clock.now = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)  # 00:00 on the 26th in Seoul
    login(client, "teacher")  # twelve hours later the old session has ended
    rows = grid_rows(client.get(f"/teach/classes/{classroom['id']}").get_data(as_text=True))
    assert "기한 지남" in rows["가나"].split("이수 · 최고 점수 90%")[1]


def test_sort_and_filter(client, classroom):
    base = f"/teach/classes/{classroom['id']}"
    by_name = list(grid_rows(client.get(f"{base}?sort=name").get_data(as_text=True)))
    assert by_name == sorted(by_name)
    incomplete = grid_rows(client.get(f"{base}?show=incomplete").get_data(as_text=True))
    assert len(incomplete) == 6  # nobody has completed both
    by_progress = list(grid_rows(client.get(f"{base}?sort=progress").get_data(as_text=True)))
    assert by_progress[-1] in ("가나", "자차")


def test_skips_and_not_now_are_invisible(app, client, classroom):
    page = client.get(f"/teach/classes/{classroom['id']}").get_data(as_text=True)
    for word in ("건너뛴", "건너뛰", "다음에 할게요", "skip", "not now"):
        assert word not in page.lower().split("<main")[1]


def test_students_and_other_teachers_cannot_see_it(app, client, classroom, make_user):
    make_user(role=Role.TEACHER, username="other")
    other = app.test_client()
    login(other, "other")
    assert other.get(f"/teach/classes/{classroom['id']}").status_code == 404
    pupil = app.test_client()
    login(pupil, "s1")
    assert pupil.get(f"/teach/classes/{classroom['id']}").status_code == 403


def test_query_count_does_not_grow_with_students(app, make_user, make_school, make_classroom):
    counts = {}
    for size in (5, 50):
        class_id = make_class_of(app, make_user, make_school, make_classroom, size)
        client = app.test_client()
        login(client, f"teacher{size}")
        counts[size] = count_statements(app, client, f"/teach/classes/{class_id}")
    assert counts[5] == counts[50], counts


def test_module_page_item_analysis_on_known_attempts(app, client, classroom):
    s1, s2, s3 = classroom["students"][:3]
    with app.app_context():

        def attempt(user, token, minute, answers, score):
            db.session.add(
                QuizAttempt(
                    user_id=user,
                    module_slug="sample",
                    content_hash="h",
                    score=score,
                    max_score=3,
                    passed=score >= 2,
                    answers=answers,
                    submit_token=token,
                    submitted_at=datetime(2026, 11, 21, 9, minute, tzinfo=UTC),
                )
            )

        # first attempts: q1 right for s1 only; q2 exact set only for s1; q3 wrong ("a") for s2 and s3
        attempt(s1, "t1", 0, {"q1": ["a"], "q2": ["a", "b"], "q3": ["b"]}, 3)
        attempt(s2, "t2", 1, {"q1": ["b"], "q2": ["a"], "q3": ["a"]}, 0)
        attempt(s3, "t3", 2, {"q1": ["c"], "q2": ["a", "c"], "q3": ["a"]}, 0)
        attempt(s2, "t4", 30, {"q1": ["a"], "q2": ["a", "b"], "q3": ["b"]}, 3)  # a retake: not counted
        db.session.commit()
    page = client.get(f"/teach/classes/{classroom['id']}/modules/sample").get_data(as_text=True)
    rows = [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", r)) for r in page.split("<tbody>")[1].split("<tr>")[1:]
    ]
    assert "33% (1/3)" in rows[0] and "틀린 답 (1)" in rows[0]  # b and c chosen once each
    assert "33% (1/3)" in rows[1] and "다 (1)" in rows[1]
    assert "33% (1/3)" in rows[2] and "맞아요 (2)" in rows[2]
    assert "가나" in page.split("이수")[1]  # completed list names 가나 (90%)
    assert "<svg" in page and "<desc" in page


def test_module_page_is_forbidden_to_others(app, client, classroom, make_user):
    make_user(role=Role.TEACHER, username="other")
    other = app.test_client()
    login(other, "other")
    assert other.get(f"/teach/classes/{classroom['id']}/modules/sample").status_code == 404
    assert client.get(f"/teach/classes/{classroom['id']}/modules/nope").status_code == 404


def test_csv_export_matches_the_screen(app, client, classroom, make_user):
    import csv
    import io

    with app.app_context():
        student = db.session.get(
            __import__("dongui.models", fromlist=["User"]).User, classroom["students"][5]
        )
        student.display_name = '=HYPERLINK("http://x")'
        db.session.commit()
    response = client.post(f"/teach/classes/{classroom['id']}/export.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode("utf-8"))
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:3] == ["번호", "이름", "표본 수업"]
    by_name = {r[1]: r for r in rows[1:]}
    assert by_name["가나"][2:5] == ["이수", "3", "90"]
    assert by_name["다라"][2:5] == ["기한 지남", "2", ""]
    assert by_name["사아"][2] == "면제"
    assert '\'=HYPERLINK("http://x")' in by_name
    assert client.post(f"/teach/classes/{classroom['id']}/export.csv").get_data() == raw


def test_student_page_shows_modules_attempts_and_actions(app, client, classroom):
    s1 = classroom["students"][0]
    with app.app_context():
        db.session.add(
            QuizAttempt(
                user_id=s1,
                module_slug="sample",
                content_hash="h",
                score=3,
                max_score=3,
                passed=True,
                answers={},
                submit_token="a1",
                submitted_at=datetime(2026, 11, 20, 1, 0, tzinfo=UTC),
            )
        )
        db.session.commit()
    page = client.get(f"/teach/classes/{classroom['id']}/students/{s1}").get_data(as_text=True)
    assert "표본 수업" in page and "이수 · 최고 점수 90%" in page and "3문제 중 3문제 맞힘" in page
    assert f"/teach/classes/{classroom['id']}/students/{s1}/reset" in page
    outsider = classroom["students"][0] + 1000
    assert client.get(f"/teach/classes/{classroom['id']}/students/{outsider}").status_code == 404
    client.post(
        f"/teach/classes/{classroom['id']}/students/{s1}/excuse",
        data={"module": "sample", "excused": "1", "next": "student"},
    )
    page = client.get(f"/teach/classes/{classroom['id']}/students/{s1}").get_data(as_text=True)
    assert "면제 취소" in page


def test_school_report_figures_on_a_known_seed(app, classroom, make_user):
    from dongui.models import School

    school_id = None
    with app.app_context():
        school_id = db.session.execute(sa.select(School.id).filter_by(slug="dash")).scalar_one()
    make_user(role=Role.ADMIN, username="boss", school_id=school_id)
    admin = app.test_client()
    login(admin, "boss")
    page = admin.get("/admin").get_data(as_text=True)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert "18% (2/11)" in text  # the class: 11 counted cells, 2 completed
    assert "20% (1/5)" in text  # sample: 5 counted (one excused), 1 completed
    assert "17% (1/6)" in text  # korean-only
    assert "기한 지남" in text
    csv_rows = admin.post("/admin/export.csv").get_data().decode("utf-8-sig").splitlines()
    assert csv_rows[0].startswith("구분,이름,이수") and any(r.endswith(",2,11,18,4") for r in csv_rows)


def test_admin_drill_down_is_read_only(app, classroom, make_user):
    from dongui.models import School

    with app.app_context():
        school_id = db.session.execute(sa.select(School.id).filter_by(slug="dash")).scalar_one()
    make_user(role=Role.ADMIN, username="boss", school_id=school_id)
    admin = app.test_client()
    login(admin, "boss")
    page = admin.get(f"/teach/classes/{classroom['id']}").get_data(as_text=True)
    assert "읽기 전용" in page and "명단 가져오기" not in page
    student = classroom["students"][0]
    assert "비밀번호 초기화" not in admin.get(
        f"/teach/classes/{classroom['id']}/students/{student}"
    ).get_data(as_text=True)
    assert admin.get(f"/teach/classes/{classroom['id']}/roster").status_code == 404
    assert admin.post(f"/teach/classes/{classroom['id']}/students/{student}/reset").status_code == 404


def test_admin_of_another_school_gets_404(app, classroom, make_user):
    make_user(role=Role.ADMIN, username="stranger")
    other = app.test_client()
    login(other, "stranger")
    assert other.get(f"/teach/classes/{classroom['id']}").status_code == 404


def test_school_report_query_count_does_not_grow(app, make_user, make_school, make_classroom):
    counts = {}
    for size in (5, 50):
        class_id = make_class_of(app, make_user, make_school, make_classroom, size)
        with app.app_context():
            from dongui.models import Classroom

            school_id = db.session.get(Classroom, class_id).school_id
        make_user(role=Role.ADMIN, username=f"admin{size}", school_id=school_id)
        client = app.test_client()
        login(client, f"admin{size}")
        counts[size] = count_statements(app, client, "/admin")
    assert counts[5] == counts[50], counts


@pytest.mark.parametrize("page", ["module", "student"])
def test_module_and_student_pages_query_count_does_not_grow(
    app, make_user, make_school, make_classroom, page
):
    counts = {}
    for size in (5, 50):
        class_id = make_class_of(app, make_user, make_school, make_classroom, size)
        with app.app_context():
            student = (
                db.session.execute(sa.select(Enrollment.student_id).filter_by(classroom_id=class_id))
                .scalars()
                .first()
            )
        client = app.test_client()
        login(client, f"teacher{size}")
        path = (
            f"/teach/classes/{class_id}/modules/sample"
            if page == "module"
            else f"/teach/classes/{class_id}/students/{student}"
        )
        counts[size] = count_statements(app, client, path)
    assert counts[5] == counts[50], counts


def test_a_student_in_two_classes_counts_once_in_each(app, make_user, make_school, make_classroom):
    school = make_school(slug="two")
    teacher = make_user(role=Role.TEACHER, username="t2", school_id=school)
    make_user(role=Role.ADMIN, username="a2", school_id=school)
    student = make_user(username="twice", school_id=school)
    first = make_classroom(teacher, students=[student], name="A반")
    second = make_classroom(teacher, students=[student], name="B반")
    with app.app_context():
        for class_id in (first, second):
            db.session.add(Assignment(classroom_id=class_id, module_slug="sample", position=1))
        db.session.add(
            ModuleProgress(
                user_id=student,
                module_slug="sample",
                last_step=3,
                attempts=1,
                lesson_done_at=DONE,
                quiz_passed_at=DONE,
                best_score=1.0,
            )
        )
        db.session.commit()
    admin = app.test_client()
    login(admin, "a2")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", admin.get("/admin").get_data(as_text=True)))
    assert text.count("100% (1/1)") == 2  # once in each class
    assert "100% (2/2)" in text  # the module across both classes
    csv_rows = admin.post("/admin/export.csv").get_data().decode("utf-8-sig").splitlines()
    assert "학급,A반,1,1,100,0" in csv_rows and "학급,B반,1,1,100,0" in csv_rows
    assert "단원,표본 수업,2,2,100,0" in csv_rows  # the export says what the screen says


def test_report_names_twenty_who_never_signed_in_and_links_to_the_rest(
    app, make_user, make_school, make_classroom
):
    from datetime import timedelta

    from dongui.models import User

    school = make_school(slug="never")
    teacher = make_user(role=Role.TEACHER, username="t-never", school_id=school)
    make_user(role=Role.ADMIN, username="a-never", school_id=school)
    students = [
        make_user(username=f"n{n:02d}", school_id=school, display_name=f"학생{n:02d}") for n in range(25)
    ]
    make_classroom(teacher, students=students[:10], name="1반")
    with app.app_context():
        db.session.get(User, students[0]).last_seen_at = DONE  # signed in once
        db.session.get(User, students[1]).deactivated_at = DONE  # not counted
        db.session.commit()
    admin = app.test_client()
    login(admin, "a-never")
    page = admin.get("/admin").get_data(as_text=True)
    section = page.split('id="never-title"')[1].split("</section>")[0]
    assert section.count("<li>") == 20
    assert '학생02 <span class="muted">(1반)</span>' in section and "학생00" not in section
    assert "학생01" not in section and "학생22" not in section
    assert 'href="/admin/students?never=y"' in section and "23명 모두 보기" in section

    listed = admin.get("/admin/students?never=y").get_data(as_text=True)
    assert "학생 23명" in listed and '<input checked id="never" name="never" type="checkbox"' in listed
    assert "학생00" not in listed and "학생01" not in listed and "학생24" in listed
    everyone = admin.get("/admin/students").get_data(as_text=True)
    assert "학생00" in everyone and "학생01" in everyone

    with app.app_context():  # once only a few are left, the list ends without a link
        for student in students[2:20]:
            db.session.get(User, student).last_seen_at = DONE - timedelta(days=1)
        db.session.commit()
    section = admin.get("/admin").get_data(as_text=True).split('id="never-title"')[1].split("</section>")[0]
    assert section.count("<li>") == 5 and "모두 보기" not in section
