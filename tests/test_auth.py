"""Sign-in, sign-out, password change, sessions and role landings."""

import pytest

from dongui.extensions import db
from dongui.models import Role, User
from tests.conftest import PASSWORD, get_user, login
from tests.helpers import statements_counted


def test_sign_in_page_has_labelled_fields(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'for="username"' in page and 'for="password"' in page
    assert 'name="remember"' not in page


@pytest.mark.parametrize(
    "role, landing", [(Role.STUDENT, "/learn"), (Role.TEACHER, "/teach"), (Role.ADMIN, "/admin")]
)
def test_each_role_lands_on_its_own_page(client, make_user, role, landing):
    make_user(role=role, username="someone")
    response = login(client, "someone")
    assert response.status_code == 302 and response.headers["Location"] == landing
    assert client.get(landing).status_code == 200
    assert client.get("/").headers["Location"] == landing


def test_username_is_normalised_at_sign_in(client, make_user):
    make_user(username="kim.minjun")
    assert login(client, "  KIM.MinJun ").headers["Location"] == "/learn"


def test_same_message_for_unknown_user_and_wrong_password(client, make_user):
    make_user(username="exists")
    wrong_password = login(client, "exists", "nope-nope-nope").get_data(as_text=True)
    unknown_user = login(client, "does-not-exist", "nope-nope-nope").get_data(as_text=True)
    message = "아이디와 비밀번호가 맞지 않아요"
    assert message in wrong_password and message in unknown_user
    assert "does-not-exist" in unknown_user  # the form keeps what was typed, nothing more


def test_deactivated_user_cannot_sign_in(app, client, make_user, clock):
    make_user(username="gone", deactivated_at=clock())
    assert login(client, "gone").status_code == 200
    assert client.get("/learn").status_code == 302


def test_empty_form_shows_localized_field_errors(client):
    page = client.post("/login", data={}).get_data(as_text=True)
    assert "아이디를 입력해 주세요." in page and "비밀번호를 입력해 주세요." in page


def test_sign_out_is_a_post_and_ends_the_session(client, make_user):
    make_user(username="pupil")
    login(client, "pupil")
    assert client.get("/logout").status_code == 405
    assert client.get("/learn").status_code == 200
    response = client.post("/logout")
    assert response.headers["Location"] == "/login"
    assert client.get("/learn").status_code == 302


def test_signed_out_request_redirects_to_login_with_next(client):
    response = client.get("/teach")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=%2Fteach"


def test_next_is_followed_only_when_same_site(client, make_user):
    make_user(role=Role.ADMIN, username="boss")
    response = login(client, "boss", next="/teach")
    assert response.headers["Location"] == "/teach"
    client.post("/logout")
    for evil in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = login(client, "boss", next=evil)
        assert response.headers["Location"] == "/admin"
        client.post("/logout")


def test_no_remember_me_cookie_is_set(client, make_user):
    make_user(username="pupil")
    response = login(client, "pupil")
    cookies = response.headers.getlist("Set-Cookie")
    assert not any(c.startswith("remember_token") for c in cookies)
    session_cookie = next(c for c in cookies if c.startswith("dongui_session="))
    assert "HttpOnly" in session_cookie and "SameSite=Lax" in session_cookie
    assert "Expires" not in session_cookie  # a browser-session cookie


@pytest.mark.parametrize(
    "role, path, status",
    [
        (Role.STUDENT, "/teach", 403),
        (Role.STUDENT, "/admin", 403),
        (Role.TEACHER, "/admin", 403),
        (Role.TEACHER, "/learn", 200),
        (Role.ADMIN, "/teach", 200),
        (Role.ADMIN, "/learn", 200),
    ],
)
def test_role_denials_and_allowances(client, make_user, role, path, status):
    make_user(role=role, username="person")
    login(client, "person")
    response = client.get(path)
    assert response.status_code == status
    if status == 403:
        assert "이 계정으로는 볼 수 없는 페이지예요" in response.get_data(as_text=True)


# Forced password change -------------------------------------------------------------


def test_one_time_password_forces_a_change_first(app, client, make_user):
    user_id = make_user(username="newbie", must_change_password=True)
    response = login(client, "newbie")
    assert response.headers["Location"] == "/password"
    assert client.get("/learn").headers["Location"] == "/password"
    assert client.get("/help").status_code == 200  # help stays reachable
    page = client.get("/password").get_data(as_text=True)
    assert "임시 비밀번호로 로그인했어요" in page and 'name="current_password"' not in page
    response = client.post(
        "/password", data={"new_password": "my own secret", "confirm_password": "my own secret"}
    )
    assert response.headers["Location"] == "/learn"
    assert client.get("/learn").status_code == 200
    assert get_user(app, user_id).must_change_password is False


@pytest.mark.parametrize(
    "form, message",
    [
        (
            {
                "current_password": "wrong password",
                "new_password": "another one",
                "confirm_password": "another one",
            },
            "현재 비밀번호가 맞지 않아요.",
        ),
        (
            {"current_password": PASSWORD, "new_password": "short", "confirm_password": "short"},
            "8자 이상 128자 이하로 정해 주세요.",
        ),
        (
            {"current_password": PASSWORD, "new_password": "long enough", "confirm_password": "different"},
            "두 번 입력한 새 비밀번호가 서로 달라요.",
        ),
        (
            {"current_password": PASSWORD, "new_password": PASSWORD, "confirm_password": PASSWORD},
            "지금 쓰는 비밀번호가 아닌 새 비밀번호를 정해 주세요.",
        ),
        (
            {"current_password": PASSWORD, "new_password": "person-one", "confirm_password": "person-one"},
            "아이디를 비밀번호로 쓸 수 없어요.",
        ),
    ],
)
def test_password_change_rejects_bad_input_with_localized_errors(app, client, make_user, form, message):
    user_id = make_user(username="person-one")
    before = get_user(app, user_id).password_hash
    login(client, "person-one")
    response = client.post("/password", data=form)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert get_user(app, user_id).password_hash == before


def test_password_change_ends_other_sessions_but_not_this_one(app, make_user):
    make_user(username="pupil")
    laptop, lab_pc = app.test_client(), app.test_client()
    login(laptop, "pupil")
    login(lab_pc, "pupil")
    response = laptop.post(
        "/password",
        data={
            "current_password": PASSWORD,
            "new_password": "a brand new one",
            "confirm_password": "a brand new one",
        },
    )
    assert response.status_code == 302
    assert laptop.get("/learn").status_code == 200
    assert lab_pc.get("/learn").status_code == 302
    assert login(lab_pc, "pupil", "a brand new one").headers["Location"] == "/learn"


def test_bumped_session_version_ends_sessions(app, client, make_user):
    user_id = make_user(username="pupil")
    login(client, "pupil")
    with app.app_context():
        db.session.get(User, user_id).session_version += 1
        db.session.commit()
    assert client.get("/learn").status_code == 302


# Idle expiry (injected clock) --------------------------------------------------------


def test_active_session_survives_29_minutes_of_use(client, make_user, clock):
    make_user(username="pupil")
    login(client, "pupil")
    for _minute in range(29):
        clock.advance(minutes=1)
        assert client.get("/learn").status_code == 200
    clock.advance(minutes=29)
    assert client.get("/learn").status_code == 200


def test_session_ends_after_31_idle_minutes(client, make_user, clock):
    make_user(username="pupil")
    login(client, "pupil")
    clock.advance(minutes=31)
    response = client.get("/learn")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "30분 동안 아무 활동이 없어서 로그아웃되었어요." in page
    assert client.get("/learn").status_code == 302


def test_signing_in_is_being_seen_so_the_first_page_after_it_does_not_write_it(app, client, make_user, clock):
    user_id = make_user(username="pupil")
    assert login(client, "pupil").status_code == 302
    assert get_user(app, user_id).last_seen_at == clock()
    with app.app_context():
        engine = db.engine
    with statements_counted(engine) as statements:
        assert client.get("/learn").status_code == 200
    assert statements and not [statement for statement in statements if statement.startswith("UPDATE users")]


def test_last_seen_is_written_at_most_every_few_minutes(app, client, make_user, clock):
    user_id = make_user(username="pupil")
    login(client, "pupil")
    client.get("/learn")
    first = get_user(app, user_id).last_seen_at
    assert first == clock()
    clock.advance(minutes=2)
    client.get("/learn")
    assert get_user(app, user_id).last_seen_at == first
    clock.advance(minutes=4)
    client.get("/learn")
    assert get_user(app, user_id).last_seen_at == clock()
