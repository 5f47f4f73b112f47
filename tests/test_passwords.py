"""The password rule (length by role, common passwords, username) and every place it applies."""

import re

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_babel import Babel, force_locale
from werkzeug.security import check_password_hash

from dongui.demo import DEMO_PASSWORD
from dongui.extensions import db
from dongui.models import Classroom, Role, School, User
from dongui.school.passwords import (
    load_common_passwords,
    min_password_length,
    password_problem,
)
from tests.conftest import PASSWORD, get_user, login
from tests.helpers import upload

TOO_COMMON = "This password is too common. Choose one that is harder to guess."
NOT_USERNAME = "Your password cannot be your username."
STAFF_LENGTH = "Use between 12 and 128 characters."
STUDENT_LENGTH = "Use between 8 and 128 characters."


@pytest.fixture
def english():
    """Messages in English, outside any request: the rule needs no database."""
    app = Flask(__name__)
    Babel(app)
    with app.app_context(), force_locale("en"):
        yield


def problem(password, role, username=""):
    found = password_problem(password, role, username)
    return None if found is None else str(found)


# The rule --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role, refused, accepted",
    [
        (Role.TEACHER, "short pass1", "twelve chars"),
        (Role.ADMIN, "short pass1", "twelve chars"),
        (Role.STUDENT, "my cat!", "my cat!!"),
    ],
)
def test_minimum_length_depends_on_the_role(english, role, refused, accepted):
    message = STUDENT_LENGTH if role == Role.STUDENT else STAFF_LENGTH
    assert len(refused) == min_password_length(role) - 1 and len(accepted) == min_password_length(role)
    assert problem(refused, role) == message
    assert problem(accepted, role) is None


@pytest.mark.parametrize("role", list(Role))
def test_surrounding_spaces_do_not_count_and_129_characters_is_too_many(english, role):
    padded = "  " + "x" * (min_password_length(role) - 1) + "  "
    assert problem(padded, role) is not None
    assert problem("x" * 128, role) is None
    assert "128" in problem("x" * 129, role)


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize(
    "password",
    [
        "password1234",
        "PassWord1234",
        "  qwerty123456 ",
        "PEANUTBUTTER",
        "peanutbutter\t",
    ],
)
def test_common_passwords_are_refused_for_every_role_whatever_the_case(english, role, password):
    assert problem(password, role) == TOO_COMMON


def test_a_common_password_long_enough_for_students_only_is_refused_as_common(english):
    assert problem("Password1", Role.STUDENT) == TOO_COMMON
    assert problem("Password1", Role.TEACHER) == STAFF_LENGTH


@pytest.mark.parametrize("role", list(Role))
def test_the_username_is_not_a_password(english, role):
    assert problem("Kim.Seonyoung ", role, "kim.seonyoung") == NOT_USERNAME
    assert problem("kim.seonyoung", role, "KIM.SEONYOUNG") == NOT_USERNAME  # as typed at sign-up
    assert problem("kim.seonyoung", role) is None
    assert problem("kim.seonyoung!", role, "kim.seonyoung") is None


def test_common_list_is_the_shipped_one_loaded_once():
    passwords = load_common_passwords()
    assert load_common_passwords() is passwords  # cached for the process
    assert len(passwords) > 19_000 and {"password", "123456", "qwerty"} <= passwords
    assert all(p == p.strip().lower() for p in passwords)


def test_the_demo_password_is_good_enough_for_staff(english):
    for username in ("demo-admin", "demo-teacher", "demo-teacher2", "demo-student01"):
        assert problem(DEMO_PASSWORD, Role.ADMIN, username) is None


# Changing one's password (/password) -------------------------------------------------------


def field_error(page: str, field: str) -> str:
    """The error list printed next to one field ("" when it has none)."""
    match = re.search(rf'<ul class="field-errors" id="{field}-error">(.*?)</ul>', page, re.S)
    return match.group(1) if match else ""


def change_password(client, new, current=PASSWORD, confirm=None):
    return client.post(
        "/password",
        data={"current_password": current, "new_password": new, "confirm_password": confirm or new},
    )


@pytest.mark.parametrize(
    "role, weak, message",
    [
        (Role.TEACHER, "short pass1", STAFF_LENGTH),
        (Role.TEACHER, "Password1234", TOO_COMMON),
        (Role.TEACHER, "Kim.Teacher.01", NOT_USERNAME),
        (Role.ADMIN, "my own pass", STAFF_LENGTH),
        (Role.ADMIN, " liverpool123 ", TOO_COMMON),
        (Role.STUDENT, "football1", TOO_COMMON),
        (Role.STUDENT, "short", STUDENT_LENGTH),
    ],
)
def test_password_change_refuses_a_weak_password_next_to_the_field(app, make_user, role, weak, message):
    user_id = make_user(role=role, username="kim.teacher.01")
    before = get_user(app, user_id)
    client = app.test_client()
    login(client, "kim.teacher.01")
    client.set_cookie("lang", "en")
    response = change_password(client, weak)
    assert response.status_code == 200
    assert message in field_error(response.get_data(as_text=True), "new_password")
    after = get_user(app, user_id)
    assert (after.password_hash, after.session_version) == (before.password_hash, before.session_version)
    assert client.get("/").status_code == 302  # still signed in


@pytest.mark.parametrize("role", [Role.TEACHER, Role.ADMIN])
def test_staff_length_error_is_in_korean_by_default(app, client, make_user, role):
    make_user(role=role, username="staff")
    login(client, "staff")
    page = change_password(client, "short pass1").get_data(as_text=True)
    assert "12자 이상 128자 이하로 정해 주세요." in field_error(page, "new_password")


@pytest.mark.parametrize(
    "role, good",
    [
        (Role.TEACHER, "a long walk home"),
        (Role.ADMIN, "twelve chars"),
        (Role.STUDENT, "my cat!!"),  # students keep 8 characters
    ],
)
def test_password_change_accepts_a_good_password_and_ends_other_sessions(app, make_user, role, good):
    user_id = make_user(role=role, username="someone")
    before = get_user(app, user_id).session_version
    here, elsewhere = app.test_client(), app.test_client()
    login(here, "someone")
    login(elsewhere, "someone")
    response = change_password(here, good)
    assert response.status_code == 302
    user = get_user(app, user_id)
    assert check_password_hash(user.password_hash, good) and user.session_version == before + 1
    assert here.get(response.headers["Location"]).status_code == 200
    assert elsewhere.get(response.headers["Location"]).status_code == 302


def test_one_time_password_holder_gets_the_rule_too(app, client, make_user):
    user_id = make_user(role=Role.TEACHER, username="newcomer", must_change_password=True)
    login(client, "newcomer")
    client.set_cookie("lang", "en")
    page = client.post(
        "/password", data={"new_password": "qwerty123456", "confirm_password": "qwerty123456"}
    ).get_data(as_text=True)
    assert TOO_COMMON in field_error(page, "new_password")
    assert get_user(app, user_id).must_change_password
    response = client.post(
        "/password", data={"new_password": "a long walk home", "confirm_password": "a long walk home"}
    )
    assert response.headers["Location"] == "/teach"
    assert not get_user(app, user_id).must_change_password


@pytest.mark.parametrize("role, minimum", [(Role.TEACHER, 12), (Role.ADMIN, 12), (Role.STUDENT, 8)])
def test_password_page_tells_the_roles_minimum(client, make_user, role, minimum):
    make_user(role=role, username="someone")
    login(client, "someone")
    client.set_cookie("lang", "en")
    page = client.get("/password").get_data(as_text=True)
    assert f"At least {minimum} characters." in page


# Sign-up (students) -----------------------------------------------------------------------


@pytest.fixture
def join_code(app, make_school, make_user, make_classroom):
    school_id = make_school(allow_self_signup=True)
    classroom_id = make_classroom(make_user(role=Role.TEACHER, school_id=school_id))
    with app.app_context():
        return db.session.get(Classroom, classroom_id).join_code


def signup(client, code, username, password):
    client.set_cookie("lang", "en")
    return client.post(
        "/signup",
        data={
            "join_code": code,
            "display_name": "새 학생",
            "username": username,
            "password": password,
            "confirm_password": password,
        },
    )


def count_users(app, username):
    with app.app_context():
        return db.session.execute(
            sa.select(sa.func.count()).select_from(User).filter_by(username=username)
        ).scalar_one()


@pytest.mark.parametrize(
    "password, message",
    [
        ("Password1", TOO_COMMON),
        (" iloveyou ", TOO_COMMON),
        ("Kim.Minjun", NOT_USERNAME),
        ("seven!!", STUDENT_LENGTH),
    ],
)
def test_signup_refuses_a_weak_password(app, client, join_code, password, message):
    response = signup(client, join_code, "kim.minjun", password)
    assert response.status_code == 200
    assert message in field_error(response.get_data(as_text=True), "password")
    assert count_users(app, "kim.minjun") == 0


def test_signup_accepts_an_eight_character_password(app, client, join_code):
    assert signup(client, join_code, "kim.minjun", "my cat!!").headers["Location"] == "/learn"
    assert count_users(app, "kim.minjun") == 1
    assert "At least 8 characters." in app.test_client().get(
        "/signup", headers={"Accept-Language": "en"}
    ).get_data(as_text=True)


# Roster import: passwords a teacher gives in the file ------------------------------------


@pytest.mark.parametrize(
    "password, message",
    [
        ("seven!!", "The password must be at least 8 characters."),
        ("Kim.Minjun1", "The password cannot be the username."),
        (" Password1", "The password is too common."),
    ],
)
def test_roster_import_refuses_weak_given_passwords(
    app, client, make_user, make_classroom, password, message
):
    classroom_id = make_classroom(make_user(role=Role.TEACHER, username="kim.teacher"))
    login(client, "kim.teacher")
    client.set_cookie("lang", "en")
    data = f"name,number,username,password\nKim Minjun,7,kim.minjun1,{password}\n".encode()
    page = upload(client, classroom_id, data).get_data(as_text=True)
    assert message in page
    assert count_users(app, "kim.minjun1") == 0


# Command line ----------------------------------------------------------------------------


@pytest.fixture
def school(runner):
    assert runner.invoke(args=["school", "create", "A", "--slug", "ab"]).exit_code == 0


@pytest.mark.parametrize(
    "password, message",
    [
        ("short pass1", STAFF_LENGTH),
        ("Password1234", TOO_COMMON),
        ("principal.kim", NOT_USERNAME),
    ],
)
def test_create_admin_refuses_a_weak_password(app, runner, school, password, message):
    result = runner.invoke(
        args=["users", "create-admin", "principal.kim", "--school", "ab", "--password", password]
    )
    assert result.exit_code == 1 and message in result.output
    assert count_users(app, "principal.kim") == 0


def test_create_admin_checks_a_typed_password(app, runner, school, monkeypatch):
    import click.testing

    # The command only asks when stdin is a terminal; make the runner's input look like one.
    monkeypatch.setattr(click.testing._NamedTextIOWrapper, "isatty", lambda self: True)
    args = ["users", "create-admin", "principal.kim", "--school", "ab"]
    result = runner.invoke(args=args, input="qwerty123456\nqwerty123456\n")
    assert result.exit_code == 1 and TOO_COMMON in result.output
    assert count_users(app, "principal.kim") == 0
    result = runner.invoke(args=args, input="a long walk home\na long walk home\n")
    assert result.exit_code == 0 and "One-time" not in result.output
    with app.app_context():
        admin = db.session.execute(sa.select(User).filter_by(username="principal.kim")).scalar_one()
        assert admin.role == Role.ADMIN and not admin.must_change_password
        assert check_password_hash(admin.password_hash, "a long walk home")


def test_create_admin_without_a_password_still_gets_a_one_time_one(app, runner, school):
    result = runner.invoke(args=["users", "create-admin", "principal.kim", "--school", "ab"])
    assert result.exit_code == 0 and "One-time password" in result.output


def test_demo_seed_refuses_a_password_too_short_for_staff(app, runner):
    result = runner.invoke(args=["demo", "seed", "--password", "dongui-demo"])
    assert result.exit_code == 1 and STAFF_LENGTH in result.output
    with app.app_context():
        assert db.session.execute(sa.select(sa.func.count()).select_from(School)).scalar_one() == 0
