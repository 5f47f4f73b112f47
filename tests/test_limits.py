"""Sign-in limits: per username on failures, a generous ceiling per address, ProxyFix."""

import pytest

from dongui.models import Role
from tests.conftest import login


def test_username_locks_after_repeated_failures_while_classmates_sign_in(client, make_user, make_school):
    school_id = make_school()
    make_user(username="target", school_id=school_id)
    for username in (f"pupil{n:02d}" for n in range(30)):
        make_user(username=username, school_id=school_id)

    for _attempt in range(10):
        assert login(client, "target", "wrong guess").status_code == 200
    locked = login(client, "target", "wrong guess")
    assert locked.status_code == 429
    assert "시도가 너무 많아요" in locked.get_data(as_text=True)
    # Even the right password waits until the window has passed.
    assert login(client, "TARGET").status_code == 429

    # Thirty classmates behind the same school address sign in within the same minute.
    for n in range(30):
        classmate = client.application.test_client()
        response = login(classmate, f"pupil{n:02d}")
        assert response.status_code == 302, n


def test_successful_sign_ins_do_not_count_against_a_username(client, make_user):
    make_user(username="regular")
    for _ in range(12):
        assert login(client, "regular").status_code == 302
        client.post("/logout")


class TestAddressCeiling:
    @pytest.fixture
    def app_config(self):
        return {"LOGIN_LIMIT_PER_ADDRESS": "5 per minute"}

    def test_per_address_ceiling_answers_a_localized_429(self, client, make_user):
        make_user(username="someone")
        for n in range(5):
            login(client, f"user{n}", "whatever")
        response = login(client, "someone")
        assert response.status_code == 429
        assert "몇 분 기다렸다가 다시 시도해 주세요" in response.get_data(as_text=True)

    def test_forwarded_for_is_ignored_without_trusted_proxies(self, client):
        for n in range(5):
            login(client, f"user{n}", "whatever")
        response = client.post("/login", data={"username": "x", "password": "y"},
                               headers={"X-Forwarded-For": "10.9.9.9"})
        assert response.status_code == 429


class TestBehindAProxy:
    @pytest.fixture
    def app_config(self):
        return {"LOGIN_LIMIT_PER_ADDRESS": "5 per minute", "TRUSTED_PROXIES": 1}

    def test_each_forwarded_address_gets_its_own_ceiling(self, client):
        def attempt(address):
            return client.post("/login", data={"username": f"u-{address}", "password": "y"},
                               headers={"X-Forwarded-For": address})

        for _ in range(5):
            assert attempt("10.0.0.1").status_code == 200
        assert attempt("10.0.0.1").status_code == 429
        assert attempt("10.0.0.2").status_code == 200


def test_get_requests_to_login_are_not_limited(client):
    for _ in range(30):
        assert client.get("/login").status_code == 200


def test_staff_are_limited_the_same_way(client, make_user):
    make_user(role=Role.TEACHER, username="teacher")
    for _ in range(10):
        login(client, "teacher", "bad guess")
    assert login(client, "teacher").status_code == 429


class TestRedisDown:
    @pytest.fixture
    def app_config(self):
        # Port 9 (discard) on 127.0.0.1 refuses connections: the limit store is down.
        return {"RATELIMIT_STORAGE_URI": "redis://127.0.0.1:9/0"}

    @pytest.fixture(autouse=True)
    def store_marked_alive(self):
        # The limiter is one object for the whole test process, and it remembers a dead store
        # (Flask-Limiter's private flag); each run here, and every test after, starts alive.
        from dongui.extensions import limiter

        limiter._storage_dead = False
        yield
        limiter._storage_dead = False

    def test_sign_in_works_and_stays_limited_in_memory(self, client, make_user, caplog):
        make_user(username="steady")
        assert login(client, "steady").status_code == 302
        assert "falling back to in-memory storage" in caplog.text.lower()
        client.post("/logout")
        for _attempt in range(10):
            assert login(client, "steady", "wrong guess").status_code == 200
        assert login(client, "steady", "wrong guess").status_code == 429
