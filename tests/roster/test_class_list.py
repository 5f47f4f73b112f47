"""A class and its list of students, on both databases: creating the class, the settings (join
code, co-teachers, archive), and what a teacher does to a student on the list (remove, move,
reset a password, print sign-in cards), each asked once and kept to the teacher's own classes."""

import re

import pytest
import sqlalchemy as sa

from dongui.extensions import db
from dongui.models import AuditEvent, Enrollment, Role, School, User
from tests.conftest import login


def test_teacher_creates_a_class_and_is_sent_to_import(app, client, teacher):
    response = client.post("/teach/classes", data={"name": "2학년 3반", "year": 2026})
    assert response.status_code == 302 and response.headers["Location"].endswith("/import")
    assert "2학년 3반" in client.get("/teach").get_data(as_text=True)


def test_class_form_errors_are_localized(client, teacher):
    response = client.post("/teach/classes", data={"name": "", "year": "soon"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "학급 이름을 입력해 주세요." in page


def test_another_teachers_class_is_404_everywhere(app, client, make_user, make_classroom, school):
    other_teacher = make_user(role=Role.TEACHER, username="lee.teacher", school_id=school)
    student = make_user(username="pupil", school_id=school)
    foreign = make_classroom(other_teacher, students=[student])
    make_user(role=Role.TEACHER, username="me", school_id=school)
    login(client, "me")
    for path in ("", "/roster", "/import", "/cards", "/settings", "/assignments"):
        assert client.get(f"/teach/classes/{foreign}{path}").status_code == 404, path
    for path in (
        "/edit",
        "/archive",
        "/join-code",
        "/teachers",
        "/import/confirm",
        "/cards",
        f"/students/{student}/reset",
        f"/students/{student}/remove",
        f"/students/{student}/move",
    ):
        assert client.post(f"/teach/classes/{foreign}{path}", data={"target": 1}).status_code == 404, path


def test_cards_and_resets_only_for_the_teachers_own_students(app, client, classroom, make_user, school):
    stranger = make_user(username="stranger", school_id=school)
    assert client.post(f"/teach/classes/{classroom}/students/{stranger}/reset").status_code == 404
    assert client.post(f"/teach/classes/{classroom}/cards", data={"student": stranger}).status_code == 404


def test_reset_prints_one_card_and_ends_the_students_sessions(app, client, classroom, make_user, school):
    student = make_user(username="pupil", school_id=school)
    with app.app_context():
        db.session.add(Enrollment(classroom_id=classroom, student_id=student, number=1))
        db.session.commit()
    pupil = app.test_client()
    login(pupil, "pupil")
    response = client.post(f"/teach/classes/{classroom}/students/{student}/reset", data={"confirmed": "yes"})
    assert response.get_data(as_text=True).count('class="signin-card"') == 1
    assert pupil.get("/learn").status_code == 302
    with app.app_context():
        assert db.session.execute(sa.select(AuditEvent.action)).scalars().all() == ["password.reset"]


def test_remove_and_move_students(app, client, classroom, teacher, make_classroom, make_user, school):
    student = make_user(username="pupil", school_id=school)
    other = make_classroom(teacher, name="2학년 4반")
    with app.app_context():
        db.session.add(Enrollment(classroom_id=classroom, student_id=student, number=5))
        db.session.commit()
    client.post(
        f"/teach/classes/{classroom}/students/{student}/move", data={"target": other, "confirmed": "yes"}
    )
    with app.app_context():
        rows = db.session.execute(sa.select(Enrollment.classroom_id, Enrollment.number)).all()
        assert rows == [(other, 5)]
    client.post(f"/teach/classes/{other}/students/{student}/remove", data={"confirmed": "yes"})
    with app.app_context():
        assert db.session.execute(sa.select(sa.func.count()).select_from(Enrollment)).scalar_one() == 0
        assert db.session.get(User, student) is not None
        actions = db.session.execute(sa.select(AuditEvent.action).order_by(AuditEvent.id)).scalars().all()
        assert actions == ["student.move", "student.remove"]


def test_class_settings_join_code_co_teacher_and_archive(app, client, classroom, make_user, school):
    make_user(role=Role.TEACHER, username="co.teacher", school_id=school, display_name="박선생")
    make_user(role=Role.TEACHER, username="elsewhere")  # another school
    page = client.get(f"/teach/classes/{classroom}/settings").get_data(as_text=True)
    code = re.search(r'<code class="join-code">([A-Z0-9]+)</code>', page).group(1)
    client.post(f"/teach/classes/{classroom}/join-code")
    assert code not in client.get(f"/teach/classes/{classroom}/settings").get_data(as_text=True)
    client.post(f"/teach/classes/{classroom}/teachers", data={"username": "elsewhere"})
    added = client.post(
        f"/teach/classes/{classroom}/teachers", data={"username": "CO.TEACHER"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "이제 박선생 선생님도 이 학급을 함께 맡아요." in added  # a teacher is named with 선생님
    client.post(f"/teach/classes/{classroom}/edit", data={"name": "2학년 5반", "year": 2027})
    client.post(f"/teach/classes/{classroom}/archive", data={"archive": "1"})
    listing = client.get("/teach").get_data(as_text=True)
    assert "보관한 학급" in listing and "2학년 5반" in listing
    archived = client.get(f"/teach/classes/{classroom}/settings").get_data(as_text=True)
    assert ">다시 활성화</button>" in archived  # the same word as for a staff account
    back = client.post(
        f"/teach/classes/{classroom}/archive", data={"archive": "0"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "학급을 다시 활성화했어요." in back and "이 학급 보관하기" in back


@pytest.fixture
def pupil(app, classroom, make_user, school):
    """김민준 (number 5) in `classroom`, who has chosen their own password."""
    student = make_user(username="pupil", school_id=school, display_name="김민준")
    with app.app_context():
        db.session.add(Enrollment(classroom_id=classroom, student_id=student, number=5))
        db.session.commit()
    return student


def audit_actions(app) -> list[str]:
    with app.app_context():
        return db.session.execute(sa.select(AuditEvent.action).order_by(AuditEvent.id)).scalars().all()


def enrollments(app) -> list[tuple[int, int | None]]:
    with app.app_context():
        return db.session.execute(sa.select(Enrollment.classroom_id, Enrollment.number)).all()


def test_removing_a_student_says_what_happens_and_asks_once(app, client, classroom, pupil):
    base = f"/teach/classes/{classroom}/students/{pupil}"
    asked = client.post(f"{base}/remove", data={"back": "roster"})
    page = asked.get_data(as_text=True)
    assert asked.status_code == 200
    assert "김민준 학생을 2학년 3반에서 뺄까요?" in page and "학급 참여 코드로 다시 들어올 수 있어요" in page
    assert 'name="confirmed" value="yes"' in page and f'action="{base}/remove"' in page
    assert f'href="/teach/classes/{classroom}/roster"' in page  # Cancel goes back to the roster
    assert enrollments(app) == [(classroom, 5)] and audit_actions(app) == []
    done = client.post(f"{base}/remove", data={"back": "roster", "confirmed": "yes"})
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/classes/{classroom}/roster")
    assert enrollments(app) == [] and audit_actions(app) == ["student.remove"]


def test_moving_a_student_asks_once_and_never_without_a_class_chosen(
    app, client, classroom, teacher, make_classroom, pupil
):
    other = make_classroom(teacher, name="2학년 4반")
    base = f"/teach/classes/{classroom}/students/{pupil}"
    roster = client.get(f"/teach/classes/{classroom}/roster").get_data(as_text=True)
    select = re.search(r'<select id="move-\d+" name="target">(.*?)</select>', roster, re.S).group(1)
    assert re.findall(r'<option value="([^"]*)"', select) == ["", str(other)]  # nothing preselected
    assert '<option value="" selected>학급 선택</option>' in select

    refused = client.post(f"{base}/move", data={"target": ""}, follow_redirects=True)
    assert "김민준 학생을 옮길 학급을 골라 주세요. 아무것도 바뀌지 않았어요." in refused.get_data(
        as_text=True
    )
    assert enrollments(app) == [(classroom, 5)] and audit_actions(app) == []

    asked = client.post(f"{base}/move", data={"target": str(other), "back": "student"}).get_data(as_text=True)
    assert "김민준 학생을 2학년 4반(으)로 옮길까요?" in asked and "2학년 3반에서 나가" in asked
    assert f'<input type="hidden" name="target" value="{other}">' in asked
    assert f'href="/teach/classes/{classroom}/students/{pupil}"' in asked  # back to the student page
    assert enrollments(app) == [(classroom, 5)] and audit_actions(app) == []

    client.post(f"{base}/move", data={"target": str(other), "confirmed": "yes"})
    assert enrollments(app) == [(other, 5)] and audit_actions(app) == ["student.move"]


def test_resetting_a_students_password_asks_once_then_prints_the_card(app, client, classroom, pupil):
    pupil_client = app.test_client()
    login(pupil_client, "pupil")
    base = f"/teach/classes/{classroom}/students/{pupil}"
    asked = client.post(f"{base}/reset").get_data(as_text=True)
    assert "김민준 학생의 비밀번호를 초기화할까요?" in asked and "선생님" not in asked.split("<h1>")[1][:60]
    assert 'class="signin-card"' not in asked and audit_actions(app) == []
    assert pupil_client.get("/learn").status_code == 200  # still signed in, old password still works
    assert login(app.test_client(), "pupil").headers["Location"] != "/login"
    card = client.post(f"{base}/reset", data={"confirmed": "yes"}).get_data(as_text=True)
    assert card.count('class="signin-card"') == 1 and audit_actions(app) == ["password.reset"]
    assert pupil_client.get("/learn").status_code == 302


def test_the_student_page_actions_come_back_to_it(app, client, classroom, pupil):
    page = client.get(f"/teach/classes/{classroom}/students/{pupil}").get_data(as_text=True)
    assert (
        page.count('<input type="hidden" name="back" value="student">') == 2
    )  # reset, remove (no other class)


def test_cards_for_the_whole_class_or_those_not_signed_in_without_ticking_each(
    app, client, classroom, make_user, school
):
    new_ids = []
    for number, name in enumerate(["가나다", "라마바", "사아자"], start=1):
        student = make_user(school_id=school, display_name=name, must_change_password=number != 2)
        new_ids.append(student)
        with app.app_context():
            db.session.add(Enrollment(classroom_id=classroom, student_id=student, number=number))
            db.session.commit()
    page = client.get(f"/teach/classes/{classroom}/cards").get_data(as_text=True)
    assert "학생 3명 모두의 카드" in page and "아직 로그인하지 않은 2명만" in page
    assert 'data-check="all"' in page and 'data-check="none"' in page  # the script's select all / none

    waiting = client.post(f"/teach/classes/{classroom}/cards", data={"choose": "new"}).get_data(as_text=True)
    assert re.findall(r'<p class="card-name">([^<]+)</p>', waiting) == ["가나다", "사아자"]

    # 라마바 has chosen a password: printing everyone's cards asks once first
    asked = client.post(f"/teach/classes/{classroom}/cards", data={"choose": "all"}).get_data(as_text=True)
    assert "새 카드 3장을 인쇄할까요?" in asked and "이 가운데 1명은 이미 자기 비밀번호를 정했어요" in asked
    assert 'name="choose" value="all"' in asked and 'class="signin-card"' not in asked
    with app.app_context():
        assert db.session.execute(sa.select(sa.func.count()).select_from(AuditEvent)).scalar_one() == 2
    everyone = client.post(
        f"/teach/classes/{classroom}/cards", data={"choose": "all", "confirmed": "yes"}
    ).get_data(as_text=True)
    assert re.findall(r'<p class="card-name">([^<]+)</p>', everyone) == ["가나다", "라마바", "사아자"]

    ticked = client.post(
        f"/teach/classes/{classroom}/cards", data={"student": [str(new_ids[2]), str(new_ids[0])]}
    ).get_data(as_text=True)
    assert re.findall(r'<p class="card-name">([^<]+)</p>', ticked) == ["가나다", "사아자"]  # roster order
    nobody = client.post(f"/teach/classes/{classroom}/cards", data={}, follow_redirects=True)
    assert "학생을 한 명 이상 골라 주세요." in nobody.get_data(as_text=True)


@pytest.mark.parametrize("locale, checked", [("ko", "ko"), ("en", "en")])
def test_cards_print_in_the_schools_language_with_both_as_an_option(
    app, client, classroom, make_user, school, locale, checked
):
    with app.app_context():
        db.session.get(School, school).default_locale = locale
        db.session.commit()
    student = make_user(school_id=school, display_name="가나다", must_change_password=True)
    with app.app_context():
        db.session.add(Enrollment(classroom_id=classroom, student_id=student, number=1))
        db.session.commit()
    page = client.post(f"/teach/classes/{classroom}/cards", data={"choose": "all"}).get_data(as_text=True)
    radios = dict(
        re.findall(r'<input type="radio" name="card_lang" id="card-lang-(\w+)" value="\w+"( checked)?>', page)
    )
    assert radios == {
        "ko": " checked" if checked == "ko" else "",
        "en": " checked" if checked == "en" else "",
        "both": "",
    }
    assert ("둘 다 (한국어 + English)" if locale == "ko" else "Both (한국어 + English)") in page
    # The card carries both languages' words; the checked choice shows one (dongui.css).
    card = page.split('<section class="signin-card"')[1]
    assert '<span lang="ko" class="in-ko">임시 비밀번호</span>' in card
    assert '<span lang="en" class="in-en">One-time password</span>' in card


def test_a_foreign_or_unknown_student_in_the_cards_form_is_404(app, client, classroom, make_user, school):
    stranger = make_user(username="stranger", school_id=school)
    for value in (str(stranger), "999999", str(2**63)):
        response = client.post(f"/teach/classes/{classroom}/cards", data={"student": value})
        assert response.status_code == 404, value
    with app.app_context():
        assert db.session.execute(sa.select(sa.func.count()).select_from(AuditEvent)).scalar_one() == 0
