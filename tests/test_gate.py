"""A worker's running places (dongui/gate.py): at most RUNNING_PER_WORKER requests run at once,
and a sign-in gives its place back while it waits for and computes its password hash."""

import threading

import pytest

from dongui import gate
from dongui.school import hashing


@pytest.fixture
def places():
    def make(count):
        gate.set_places(count)

    yield make
    gate.set_places(0)


def most_running_at_once(threads: int, work) -> int:
    inside, most, lock = [0], [0], threading.Lock()

    def run():
        with gate.running():
            with lock:
                inside[0] += 1
                most[0] = max(most[0], inside[0])
            work()
            with lock:
                inside[0] -= 1

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(10)
    return most[0]


def test_no_more_than_the_places_run_at_once(places):
    places(2)
    assert most_running_at_once(6, lambda: threading.Event().wait(0.05)) == 2


def test_no_places_means_no_limit(places):
    places(0)
    assert most_running_at_once(4, lambda: threading.Event().wait(0.1)) == 4


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

    threads = [threading.Thread(target=signing_in), threading.Thread(target=page)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert other_ran.is_set()


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

    threads = [threading.Thread(target=sign_in), threading.Thread(target=page)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert page_ran.is_set()


def test_every_request_runs_holding_a_place(app, client):
    held = []
    app.before_request(lambda: held.append(getattr(gate._holding, "places", None) is not None))
    assert client.get("/healthz").status_code == 200
    assert held == [True]
    assert getattr(gate._holding, "places", None) is None  # and gives it back
