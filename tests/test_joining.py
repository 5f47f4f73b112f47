"""Joining a class with its code, and self sign-up where the school allows it."""

import re

import pytest
import sqlalchemy as sa

from dongui.extensions import db
from dongui.models import Classroom, Enrollment, Role, User
from tests.conftest import login


@pytest.fixture
def world(app, make_user, make_school, make_classroom):
    open_school = make_school(slug="open", allow_self_signup=True)
    closed_school = make_school(slug="closed")
    teacher = make_user(role=Role.TEACHER, school_id=open_school)
    other_teacher = make_user(role=Role.TEACHER, school_id=closed_school)
    classroom = make_classroom(teacher, name="2학년 3반")
    archived = make_classroom(teacher, name="작년 반")
    closed_class = make_classroom(other_teacher, name="닫힌 반")
    with app.app_context():
        db.session.get(Classroom, archived).archived_at = db.func.now()
        db.session.commit()
        codes = {cid: db.session.get(Classroom, cid).join_code for cid in (classroom, archived, closed_class)}
    return {
        "school": open_school,
        "class": classroom,
        "archived": archived,
        "closed": closed_class,
        "codes": codes,
    }


def signup(client, code, username="new.kid", name="새 학생", password="my password 1", confirm=None):
    return client.post(
        "/signup",
        data={
            "join_code": code,
            "display_name": name,
            "username": username,
            "password": password,
            "confirm_password": confirm or password,
        },
    )


def test_signup_with_a_code_creates_a_student_in_the_class(app, client, world):
    page = client.get("/signup").get_data(as_text=True)
    assert re.search(r'name="username"[^>]*value="s-[a-z0-9]{6}"', page)  # a suggestion
    code = world["codes"][world["class"]]
    response = signup(client, code.lower()[:3] + "-" + code.lower()[3:])  # case and a dash are fine
    assert response.headers["Location"] == "/learn"
    assert "2학년 3반" in client.get("/learn").get_data(as_text=True)
    with app.app_context():
        user = db.session.execute(sa.select(User).filter_by(username="new.kid")).scalar_one()
        assert (
            user.role == Role.STUDENT and user.school_id == world["school"] and not user.must_change_password
        )


@pytest.mark.parametrize(
    "which, message",
    [
        ("wrong", "이 코드와 맞는 학급이 없어요."),
        ("archived", "끝난 학급이라 참여할 수 없어요."),
        ("closed", "우리 학교는 학생이 직접 계정을 만들 수 없어요."),
    ],
)
def test_signup_refusals_are_clear_and_create_nothing(app, client, world, which, message):
    code = "ZZZZZZ" if which == "wrong" else world["codes"][world[which]]
    response = signup(client, code)
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(sa.select(User).filter_by(username="new.kid")).scalar_one_or_none() is None


def test_signup_rejects_a_taken_username_and_bad_passwords(app, client, world, make_user):
    make_user(username="taken")
    code = world["codes"][world["class"]]
    assert "이미 쓰고 있거나 쓸 수 없는 아이디예요" in signup(client, code, username="taken").get_data(
        as_text=True
    )
    assert "이미 쓰고 있거나 쓸 수 없는 아이디예요" in signup(client, code, username="김학생").get_data(
        as_text=True
    )
    assert "두 번 입력한 비밀번호가 서로 달라요." in signup(client, code, confirm="different one").get_data(
        as_text=True
    )
    assert "8자 이상" in signup(client, code, password="short").get_data(as_text=True)


def test_signed_in_student_joins_another_class(app, client, world, make_user):
    student = make_user(username="pupil", school_id=world["school"])
    login(client, "pupil")
    code = world["codes"][world["class"]]
    assert client.post("/join", data={"join_code": code}).headers["Location"] == "/learn"
    again = client.post("/join", data={"join_code": code}).get_data(as_text=True)
    assert "이미 그 학급에 있어요." in again
    other_school = client.post("/join", data={"join_code": world["codes"][world["closed"]]}).get_data(
        as_text=True
    )
    assert "이 코드와 맞는 학급이 없어요." in other_school  # no hint that the code exists elsewhere
    with app.app_context():
        assert (
            db.session.execute(
                sa.select(sa.func.count()).select_from(Enrollment).filter_by(student_id=student)
            ).scalar_one()
            == 1
        )


def test_join_is_for_students_only(client, make_user):
    make_user(role=Role.TEACHER, username="teacher")
    login(client, "teacher")
    assert client.get("/join").status_code == 403


class TestLimits:
    @pytest.fixture
    def app_config(self):
        return {"SIGNUP_LIMIT": "3 per hour", "JOIN_LIMIT": "3 per hour"}

    def test_signup_and_join_are_rate_limited(self, client, world, make_user):
        for _ in range(3):
            signup(client, "WRONG1")
        assert signup(client, "WRONG1").status_code == 429
        make_user(username="pupil", school_id=world["school"])
        student = client.application.test_client()
        login(student, "pupil")
        for _ in range(3):
            student.post("/join", data={"join_code": "WRONG1"})
        assert student.post("/join", data={"join_code": "WRONG1"}).status_code == 429
