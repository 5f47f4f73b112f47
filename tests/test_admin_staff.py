"""The school admin runs the staff side: teachers, passwords, hand-overs and settings."""

import re

import pytest
import sqlalchemy as sa

from dongui.extensions import db
from dongui.models import AuditEvent, ClassTeacher, Role, School, User
from tests.conftest import login


@pytest.fixture
def admin(client, make_user, make_school):
    school = make_school(slug="hanbit")
    make_user(role=Role.ADMIN, username="boss", school_id=school)
    login(client, "boss")
    return school


def test_admin_creates_a_teacher_with_a_one_time_card(app, client, admin):
    response = client.post("/admin/teachers", data={"display_name": "박선생", "username": "Park.T"})
    page = response.get_data(as_text=True)
    password = re.search(r'<dd class="card-secret">([a-z0-9]{10})</dd>', page).group(1)
    assert "park.t" in page and response.headers["Cache-Control"] == "no-store"
    assert login(app.test_client(), "park.t", password).headers["Location"] == "/password"
    again = client.post("/admin/teachers", data={"display_name": "X", "username": "park.t"})
    assert "이미 쓰고 있거나 쓸 수 없는 아이디예요" in again.get_data(as_text=True)


def test_deactivate_reset_and_hand_over_classes(app, client, admin, make_user, make_classroom):
    leaving = make_user(role=Role.TEACHER, username="leaving", school_id=admin)
    staying = make_user(role=Role.TEACHER, username="staying", school_id=admin, display_name="한남은")
    make_classroom(leaving, name="2학년 1반")
    make_classroom(leaving, name="2학년 2반")
    teacher_browser = app.test_client()
    login(teacher_browser, "leaving")
    handed = client.post(
        f"/admin/teachers/{leaving}/reassign", data={"successor": staying}, follow_redirects=True
    ).get_data(as_text=True)
    assert "이제 한남은 선생님이 학급 2개를 맡아요." in handed  # named with 선생님, classes with 개
    with app.app_context():
        owners = db.session.execute(sa.select(ClassTeacher.teacher_id)).scalars().all()
        assert owners == [staying, staying]
    asked = client.post(f"/admin/teachers/{leaving}/active", data={"active": "0"}).get_data(as_text=True)
    assert "더 이상 로그인할 수 없어요" in asked and 'name="confirmed" value="yes"' in asked
    assert teacher_browser.get("/teach").status_code == 200  # asked first: nothing changed yet
    client.post(f"/admin/teachers/{leaving}/active", data={"active": "0", "confirmed": "yes"})
    assert ">다시 활성화</button>" in client.get("/admin/teachers").get_data(as_text=True)
    assert teacher_browser.get("/teach").status_code == 302  # signed out
    assert login(app.test_client(), "leaving").status_code == 200  # sign-in refused
    asked = client.post(f"/admin/teachers/{staying}/reset").get_data(as_text=True)
    assert 'class="signin-card"' not in asked and "비밀번호를 초기화할까요?" in asked
    card = client.post(f"/admin/teachers/{staying}/reset", data={"confirmed": "yes"}).get_data(as_text=True)
    assert card.count('class="signin-card"') == 1
    with app.app_context():
        actions = db.session.execute(sa.select(AuditEvent.action).order_by(AuditEvent.id)).scalars().all()
        assert actions == ["classes.reassign", "staff.deactivate", "password.reset"]


def test_admin_cannot_touch_students_other_schools_or_deactivate_themselves(app, client, admin, make_user):
    student = make_user(username="pupil", school_id=admin)
    foreign = make_user(role=Role.TEACHER, username="foreign")
    with app.app_context():
        boss = db.session.execute(sa.select(User.id).filter_by(username="boss")).scalar_one()
    assert client.post(f"/admin/teachers/{student}/reset").status_code == 404
    assert client.post(f"/admin/teachers/{foreign}/reset").status_code == 404
    assert client.post(f"/admin/teachers/{foreign}/active", data={"active": "0"}).status_code == 404
    assert client.post(f"/admin/teachers/{boss}/active", data={"active": "0"}).status_code == 400


def test_teachers_cannot_reach_admin_pages(client, make_user):
    make_user(role=Role.TEACHER, username="teacher")
    login(client, "teacher")
    for path in ("/admin/teachers", "/admin/settings"):
        assert client.get(path).status_code == 403


def test_settings_update_the_school_and_the_help_contacts(app, client, admin):
    page = client.get("/admin/settings").get_data(as_text=True)
    assert re.search(r'id="timezone"[^>]*value="Asia/Seoul"', page), re.findall(r"<input[^>]*>", page)
    response = client.post(
        "/admin/settings",
        data={
            "name": "한빛중학교",
            "timezone": "Asia/Seoul",
            "default_locale": "en",
            "allow_self_signup": "y",
            "help_contacts": "상담 선생님 (Wee 클래스) | 02-123-4567 | 본관 2층 | School counsellor | Main building\n보건실\n",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        school = db.session.get(School, admin)
        assert school.allow_self_signup and school.default_locale == "en"
        assert school.help_contacts == [
            {
                "name": "상담 선생님 (Wee 클래스)",
                "phone": "02-123-4567",
                "note": "본관 2층",
                "name_en": "School counsellor",
                "note_en": "Main building",
            },
            {"name": "보건실", "phone": "", "note": "", "name_en": "", "note_en": ""},
        ]
    visitor = app.test_client()
    help_page = visitor.get("/help").get_data(as_text=True)
    assert help_page.index("상담 선생님 (Wee 클래스)") < help_page.index("경찰 긴급신고")
    assert "School counsellor" not in help_page  # each language shows its own words
    visitor.set_cookie("lang", "en")
    english = visitor.get("/help").get_data(as_text=True)
    assert "School counsellor" in english and "Main building" in english and "상담 선생님" not in english
    assert "보건실" in english  # no English name given: the Korean one stands


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("timezone", "Mars/Olympus", "알 수 없는 시간대예요"),
        ("name", "", "학교 이름을 입력해 주세요."),
        ("help_contacts", " | 010 | note", "1행: 이름(첫 | 앞)이 비어 있어요."),
        ("help_contacts", "\n".join(f"연락처{i}" for i in range(11)), "11행: 연락처는 10개까지예요."),
    ],
)
def test_bad_settings_get_localized_errors_and_change_nothing(app, client, admin, field, value, message):
    data = {"name": "한빛중학교", "timezone": "Asia/Seoul", "default_locale": "ko", "help_contacts": ""}
    data[field] = value
    response = client.post("/admin/settings", data=data)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    with app.app_context():
        assert (
            db.session.get(School, admin).name != ""
            and db.session.get(School, admin).timezone == "Asia/Seoul"
        )
