"""A worker's running places (dongui/gate.py): at most RUNNING_PER_WORKER requests run at once,
and a sign-in gives its place back while it waits for and computes its password hash."""

import threading

import pytest

from dongui import gate
from dongui.school import hashing
from tests.helpers import most_inside_at_once, run_together


@pytest.fixture
def places():
    def make(count):
        gate.set_places(count)

    yield make
    gate.set_places(0)


def test_no_more_than_the_places_run_at_once(places):
    places(2)
    assert most_inside_at_once(6, gate.running, hold=0.05) == 2


def test_no_places_means_no_limit(places):
    places(0)
    assert most_inside_at_once(4, gate.running, hold=0.1) == 4


def test_a_thread_that_steps_aside_lets_another_run(places):
    places(1)
    aside, other_ran = threading.Event(), threading.Event()

    def signing_in():
        with gate.running(), gate.stepped_aside():
            aside.set()
            assert other_ran.wait(5)  # it waits aside while the page runs

    def page():
        assert aside.wait(5)
        with gate.running():
            other_ran.set()

    run_together(signing_in, page)
    assert other_ran.is_set()


def test_a_thread_stepping_aside_is_counted_and_announced(places):
    """What the worker class (dongui/serving.py) reads to know whether it has room."""
    places(1)
    announced = []
    gate.call_when_aside(lambda: announced.append(gate.aside_count()))
    try:
        with gate.running():
            assert gate.aside_count() == 0
            with gate.stepped_aside():
                assert gate.aside_count() == 1
            assert gate.aside_count() == 0
    finally:
        gate.call_when_aside(None)
    assert announced == [1]
    assert gate.place_count() == 1


def test_a_thread_holding_a_place_does_not_wait_for_a_second(places):
    places(1)
    with gate.running(), gate.running():
        pass


@pytest.mark.parametrize("app_config", [{"RUNNING_PER_WORKER": 1, "HASH_CONCURRENCY": 1}])
def test_a_password_check_gives_the_place_back_while_it_hashes(app, monkeypatch):
    """With one place, a page runs while a sign-in's hash is being computed."""
    hashing_now, page_ran = threading.Event(), threading.Event()

    def slow_check(_stored, _password):
        hashing_now.set()
        return page_ran.wait(5)

    monkeypatch.setattr(hashing, "check_password_hash", slow_check)

    def sign_in():
        with app.app_context(), gate.running():
            assert hashing.verify("scrypt:2048:8:1$salt$hash", "pw")

    def page():
        assert hashing_now.wait(5)
        with gate.running():
            page_ran.set()

    run_together(sign_in, page)
    assert page_ran.is_set()


def test_every_request_runs_holding_a_place(app, client):
    held = []
    app.before_request(lambda: held.append(getattr(gate._holding, "places", None) is not None))
    assert client.get("/healthz").status_code == 200
    assert held == [True]
    assert getattr(gate._holding, "places", None) is None  # and gives it back
