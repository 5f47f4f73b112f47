"""Sign-in limits: a progressive delay per (username, address) that a classmate cannot turn into
a lock-out, a high ceiling per username, a generous ceiling per address, ProxyFix."""

import re

import pytest

from dongui.models import Role
from tests.conftest import PASSWORD, login


def from_address(client, address, username, password="wrong guess"):
    return client.post(
        "/login", data={"username": username, "password": password}, environ_base={"REMOTE_ADDR": address}
    )


def test_a_classmate_cannot_lock_a_student_out(client, make_user, make_school, clock):
    """Today 30 wrong guesses for a known username locked it for 15 minutes from anywhere."""
    school_id = make_school()
    make_user(username="target", school_id=school_id)
    for username in (f"pupil{n:02d}" for n in range(30)):
        make_user(username=username, school_id=school_id)

    for _guess in range(30):
        from_address(client, "10.1.1.1", "target")  # the classmate's phone, guessing
    # The student, from their own device on another network: at once.
    assert from_address(client.application.test_client(), "10.2.2.2", "target", PASSWORD).status_code == 302
    # Behind the same school address as the guesser: within a minute at worst.
    same_address = client.application.test_client()
    clock.advance(seconds=61)
    assert from_address(same_address, "10.1.1.1", "target", PASSWORD).status_code == 302
    # Thirty classmates behind that same school address sign in within the same minute.
    for n in range(30):
        classmate = client.application.test_client()
        assert from_address(classmate, "10.1.1.1", f"pupil{n:02d}", PASSWORD).status_code == 302, n


def test_failures_per_username_and_address_wait_longer_and_longer(client, make_user, clock):
    make_user(username="target")
    for _free in range(5):
        assert from_address(client, "10.1.1.1", "target").status_code == 200
    waits = []
    for _round in range(6):
        refused = from_address(client, "10.1.1.1", "target", PASSWORD)  # too soon: not even checked
        assert refused.status_code == 429
        waits.append(int(re.search(r"(\d+)초", refused.get_data(as_text=True)).group(1)))
        clock.advance(seconds=waits[-1])
        assert from_address(client, "10.1.1.1", "target").status_code == 200
    assert waits == [1, 2, 4, 8, 16, 32]
    # Another address is not slowed down by this one's failures.
    assert from_address(client, "10.9.9.9", "target").status_code == 200
    # Nor is another username from this address.
    make_user(username="other")
    assert from_address(client, "10.1.1.1", "other", PASSWORD).status_code == 302


@pytest.mark.parametrize("app_config", [{"LOGIN_LIMIT_PER_USERNAME": "12 per hour"}])
def test_a_high_ceiling_per_username_stops_guessing_from_many_addresses(client, make_user):
    make_user(username="target")
    for n in range(12):
        assert from_address(client, f"10.0.{n}.1", "target").status_code == 200
    assert from_address(client, "10.0.99.1", "target", PASSWORD).status_code == 429


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
        response = client.post(
            "/login", data={"username": "x", "password": "y"}, headers={"X-Forwarded-For": "10.9.9.9"}
        )
        assert response.status_code == 429


class TestBehindAProxy:
    @pytest.fixture
    def app_config(self):
        return {"LOGIN_LIMIT_PER_ADDRESS": "5 per minute", "TRUSTED_PROXIES": 1}

    def test_each_forwarded_address_gets_its_own_ceiling(self, client):
        def attempt(address):
            return client.post(
                "/login",
                data={"username": f"u-{address}", "password": "y"},
                headers={"X-Forwarded-For": address},
            )

        for _ in range(5):
            assert attempt("10.0.0.1").status_code == 200
        assert attempt("10.0.0.1").status_code == 429
        assert attempt("10.0.0.2").status_code == 200


def test_get_requests_to_login_are_not_limited(client):
    for _ in range(30):
        assert client.get("/login").status_code == 200


def test_staff_are_limited_the_same_way(client, make_user):
    make_user(role=Role.TEACHER, username="teacher")
    for _ in range(5):
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
        for _attempt in range(5):
            assert login(client, "steady", "wrong guess").status_code == 200
        assert login(client, "steady", "wrong guess").status_code == 429
