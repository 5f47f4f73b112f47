"""Sessions that end (issue 14): sign-out ends the session everywhere, a session's absolute
lifetime, quick exit that also signs out, sign-in that costs the same for every account, and
links built from PUBLIC_URL, never from the request's Host header."""

import hashlib
import re

import pytest

from dongui import create_app
from dongui.config import ConfigurationError
from dongui.models import Role
from tests.conftest import base_config, login

# Sign-out ends the session everywhere -------------------------------------------------------


def copy_cookie(source, target) -> None:
    """What someone who copied the session cookie (from a shared PC, a proxy) holds."""
    cookie = source.get_cookie("dongui_session")
    target.set_cookie("dongui_session", cookie.value)


def test_a_cookie_copied_before_sign_out_is_refused_after_it(app, client, make_user):
    """Today the copy kept working after sign-out: the cookie alone was the session."""
    make_user(username="pupil")
    login(client, "pupil")
    thief = app.test_client()
    copy_cookie(client, thief)
    assert thief.get("/learn").status_code == 200
    client.post("/logout")
    assert client.get("/learn").status_code == 302
    response = thief.get("/learn")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_sign_out_ends_the_users_other_sessions_too(app, make_user):
    make_user(username="pupil")
    phone, lab_pc = app.test_client(), app.test_client()
    login(phone, "pupil")
    login(lab_pc, "pupil")
    lab_pc.post("/logout")
    assert phone.get("/learn").status_code == 302
    assert login(phone, "pupil").status_code == 302 and phone.get("/learn").status_code == 200


def test_a_session_ends_8_hours_after_sign_in_whatever_the_activity(client, make_user, clock):
    """Today a session in use every 20 minutes lasted for ever."""
    make_user(username="pupil")
    login(client, "pupil")
    for _ in range(23):  # 7 h 40 min of steady use
        clock.advance(minutes=20)
        assert client.get("/learn").status_code == 200
    clock.advance(minutes=21)  # 8 h 1 min after signing in
    response = client.get("/learn")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "로그인한 지 오래되어 로그아웃되었어요" in page


@pytest.mark.parametrize("app_config", [{"SESSION_LIFETIME_HOURS": 2}])
def test_the_lifetime_is_a_setting(client, make_user, clock):
    make_user(username="pupil")
    login(client, "pupil")
    for _ in range(5):
        clock.advance(minutes=20)
        assert client.get("/learn").status_code == 200
    clock.advance(minutes=21)
    assert client.get("/learn").status_code == 302


# Quick exit signs out ------------------------------------------------------------------------


def test_quick_exit_carries_what_its_sign_out_beacon_needs(client, make_user):
    """The button and the Shift shortcut post /logout as a beacon (static/js/dongui.js), with the
    page's token; no inline script (CSP script-src 'self')."""
    make_user(username="pupil")
    signed_out = client.get("/help").get_data(as_text=True)
    assert "data-sign-out" not in signed_out
    login(client, "pupil")
    response = client.get("/learn")
    page = response.get_data(as_text=True)
    link = re.search(r"<a class=\"quick-exit\"[^>]*>", page).group(0)
    assert 'data-sign-out="/logout"' in link and re.search(r'data-csrf="[^"]+"', link)
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "<script>" not in page and "onclick" not in page
    from dongui.config import ROOT

    script = (ROOT / "static/js/dongui.js").read_text()
    assert "navigator.sendBeacon" in script and "location.replace" in script


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_the_beacons_post_signs_out_everywhere(app, client, make_user):
    make_user(username="pupil")
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    client.post(
        "/login", data={"username": "pupil", "password": "correct horse battery", "csrf_token": token}
    )
    other = app.test_client()
    copy_cookie(client, other)
    page = client.get("/learn").get_data(as_text=True)
    beacon_token = re.search(r'data-csrf="([^"]+)"', page).group(1)
    # What navigator.sendBeacon sends: a multipart form with the token.
    response = client.post("/logout", data={"csrf_token": beacon_token}, content_type="multipart/form-data")
    assert response.status_code == 302
    assert client.get("/learn").status_code == 302 and other.get("/learn").status_code == 302


# No timing oracle for one-time passwords -----------------------------------------------------


@pytest.fixture
def hashing_work(monkeypatch):
    """Every PBKDF2 run, as its iteration count: the work a sign-in costs, without timing it."""
    runs = []
    real = hashlib.pbkdf2_hmac

    def counted(name, password, salt, iterations, *args, **kwargs):
        runs.append(iterations)
        return real(name, password, salt, iterations, *args, **kwargs)

    monkeypatch.setattr(hashlib, "pbkdf2_hmac", counted)
    return runs


@pytest.mark.parametrize(
    "app_config",
    [{"PASSWORD_HASH_METHOD": "pbkdf2:sha256:4000", "ONE_TIME_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"}],
)
def test_a_sign_in_costs_the_same_for_every_kind_of_account(app, client, make_user, hashing_work):
    """Today an account with a card's one-time password (hashed cheaply) answered in 42 ms against
    273 ms: a classmate could tell who had never signed in. Now each attempt hashes the same."""
    from dongui.extensions import db
    from dongui.models import User
    from dongui.school.accounts import reset_password

    make_user(username="chosen")
    card_id = make_user(username="card")
    with app.app_context():
        reset_password(db.session.get(User, card_id))
        db.session.commit()
    login(client, "nobody", "wrong guess 1")  # warms the dummy hashes
    work = {}
    for username in ("chosen", "card", "nobody"):
        hashing_work.clear()
        login(client, username, "wrong guess 2")
        work[username] = sorted(hashing_work)
    assert work["chosen"] == work["card"] == work["nobody"] == [1000, 4000]


# Links and cards from PUBLIC_URL --------------------------------------------------------------


@pytest.mark.parametrize("app_config", [{"PUBLIC_URL": "https://dongui.school.example"}])
def test_cards_and_redirects_use_the_public_address_not_the_host_header(app, client, make_user, make_school):
    """Today the staff card printed whatever Host the request came with."""
    school = make_school()
    make_user(role=Role.ADMIN, school_id=school, username="boss")
    evil = {"base_url": "http://evil.example", "headers": {"X-Forwarded-Host": "evil.example"}}
    client.post("/login", data={"username": "boss", "password": "correct horse battery"}, **evil)
    page = client.post(
        "/admin/teachers", data={"display_name": "새 선생님", "username": "new-teacher"}, **evil
    ).get_data(as_text=True)
    assert "https://dongui.school.example" in page and "evil.example" not in page
    # A redirect that werkzeug writes in full (a doubled slash, merged).
    response = client.get("/", environ_overrides={"PATH_INFO": "/teach//classes/1"}, **evil)
    assert response.status_code == 308
    assert response.headers["Location"] == "https://dongui.school.example/teach/classes/1"
    assert "evil.example" not in client.get("/login", **evil).headers.get("Location", "")


def test_production_needs_public_url(monkeypatch, tmp_path):
    monkeypatch.setattr("dongui.config.TEMPORARY_FOLDERS", ("/nonexistent-temporary",))
    monkeypatch.setattr("dongui.config.tempfile.gettempdir", lambda: "/nonexistent-temporary")
    key = "k" * 16 + "-production-key-from-the-environment"
    monkeypatch.setenv("DONGUI_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", key)
    monkeypatch.delenv("PUBLIC_URL", raising=False)
    config = base_config(f"sqlite:///{tmp_path / 'p.db'}", SECRET_KEY=key)
    with pytest.raises(ConfigurationError, match="PUBLIC_URL"):
        create_app(config)
    monkeypatch.setenv("PUBLIC_URL", "https://dongui.example.kr/")
    assert create_app(config).config["PUBLIC_URL"] == "https://dongui.example.kr"


@pytest.mark.parametrize("url", ["dongui.example.kr", "https://dongui.example.kr/path", "ftp://x.kr"])
def test_a_public_url_must_be_a_scheme_and_a_host(tmp_path, url):
    with pytest.raises(ConfigurationError, match="PUBLIC_URL must be"):
        create_app(base_config(f"sqlite:///{tmp_path / 'x.db'}", PUBLIC_URL=url))
