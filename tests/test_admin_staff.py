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


SETTINGS = {"name": "한빛중학교", "timezone": "Asia/Seoul", "default_locale": "ko", "help_contacts": ""}


def officer_of(app, school_id):
    with app.app_context():
        school = db.session.get(School, school_id)
        return school.privacy_officer_name, school.privacy_officer_contact


def test_the_privacy_officer_is_set_audited_and_shown_on_the_privacy_page(app, client, admin):
    visitor = app.test_client()  # signed out: the instance's only school is theirs
    unset = visitor.get("/privacy").get_data(as_text=True)
    assert "개인정보 보호책임자" in unset and "누구인지 학교(선생님이나 교무실)에 물어보세요." in unset

    data = {**SETTINGS, "privacy_officer_name": " 교감 이정민 ", "privacy_officer_contact": "02-123-4567"}
    assert client.post("/admin/settings", data=data).status_code == 302
    assert officer_of(app, admin) == ("교감 이정민", "02-123-4567")
    with app.app_context():
        event = db.session.execute(sa.select(AuditEvent)).scalar_one()
        assert event.action == "school.settings" and event.target_id == admin
        assert {"privacy_officer_name", "privacy_officer_contact"} <= set(event.detail["settings"])
        assert "이정민" not in repr(event.detail)  # the log names the settings, not their values
    form = client.get("/admin/settings").get_data(as_text=True)
    assert 'value="교감 이정민"' in form and 'value="02-123-4567"' in form

    page = visitor.get("/privacy").get_data(as_text=True)
    assert "한빛중학교의 개인정보 보호책임자:" in page
    assert "<strong>교감 이정민</strong>" in page and '<a href="tel:021234567">02-123-4567</a>' in page
    visitor.set_cookie("lang", "en")
    english = visitor.get("/privacy").get_data(as_text=True)
    assert "Privacy officer (개인정보 보호책임자)" in english and "교감 이정민" in english

    client.post("/admin/settings", data={**data, "privacy_officer_contact": "privacy@hanbit.kr"})
    assert '<a href="mailto:privacy@hanbit.kr">' in visitor.get("/privacy").get_data(as_text=True)
    client.post(
        "/admin/settings", data={**SETTINGS, "privacy_officer_name": "", "privacy_officer_contact": ""}
    )
    assert officer_of(app, admin) == (None, None)
    assert "물어보세요" in app.test_client().get("/privacy").get_data(as_text=True)


def test_a_settings_form_from_before_the_privacy_officer_keeps_it(app, client, admin):
    data = {**SETTINGS, "privacy_officer_name": "이정민", "privacy_officer_contact": "02-123-4567"}
    client.post("/admin/settings", data=data)
    client.post("/admin/settings", data={**SETTINGS, "name": "한빛중"})  # an older open tab
    assert officer_of(app, admin) == ("이정민", "02-123-4567")


@pytest.mark.parametrize(
    "name, contact, message",
    [
        ("이정민", "", "개인정보 보호책임자의 전화번호나 이메일 주소도 적어 주세요."),
        ("", "02-123-4567", "개인정보 보호책임자의 이름도 적거나, 연락처를 지워 주세요."),
        ("이정민", "교무실에 물어보세요", "전화번호 하나(예: 02-123-4567)나 이메일 주소 하나를 적어 주세요."),
        ("이정민", "123", "전화번호 하나(예: 02-123-4567)나 이메일 주소 하나를 적어 주세요."),
        ("이정민", "a@b", "전화번호 하나(예: 02-123-4567)나 이메일 주소 하나를 적어 주세요."),
        ("이정민", "<script>@x.kr", "전화번호 하나(예: 02-123-4567)나 이메일 주소 하나를 적어 주세요."),
        ("가" * 81, "02-123-4567", "80자까지"),
        ("이정민", "a" * 111 + "@school.kr", "120자까지"),
    ],
)
def test_a_bad_privacy_officer_is_refused_with_a_localized_error(app, client, admin, name, contact, message):
    data = {**SETTINGS, "privacy_officer_name": name, "privacy_officer_contact": contact}
    response = client.post("/admin/settings", data=data)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert officer_of(app, admin) == (None, None)
    with app.app_context():
        assert db.session.execute(sa.select(sa.func.count()).select_from(AuditEvent)).scalar_one() == 0


def test_each_school_shows_only_its_own_privacy_officer(app, client, admin, make_school, make_user):
    other = make_school(slug="byeol", name="별빛고등학교")
    make_user(role=Role.ADMIN, username="other.boss", school_id=other)
    make_user(role=Role.TEACHER, username="teacher.a", school_id=admin)
    client.post(
        "/admin/settings",
        data={**SETTINGS, "privacy_officer_name": "이정민", "privacy_officer_contact": "02-123-4567"},
    )
    other_admin = app.test_client()
    login(other_admin, "other.boss")
    assert "이정민" not in other_admin.get("/privacy").get_data(as_text=True)
    assert "이정민" not in other_admin.get("/admin/settings").get_data(as_text=True)
    # Two schools and signed out: whose officer it would be is unknown, so the page says ask.
    assert "물어보세요" in app.test_client().get("/privacy").get_data(as_text=True)
    teacher = app.test_client()
    login(teacher, "teacher.a")
    assert "이정민" in teacher.get("/privacy").get_data(as_text=True)
    denied = teacher.post(
        "/admin/settings", data={**SETTINGS, "privacy_officer_name": "", "privacy_officer_contact": ""}
    )
    assert denied.status_code in (403, 404)
    assert officer_of(app, admin) == ("이정민", "02-123-4567")
