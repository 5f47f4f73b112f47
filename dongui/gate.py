"""How many of a worker's requests run at once: RUNNING_PER_WORKER, fewer than its threads.

A gunicorn worker runs Python on one core at a time (the GIL). Four threads all running pages
only take turns on it, each turn costing a switch, so every page takes longer: at the bell of
eight classes (bench/classload.py), pages' p95 after the sign-ins was 335-630 ms with four
running at a time and 66-234 ms with two. But a worker needs
spare threads: a sign-in spends most of its time waiting for a hashing slot and then hashing
(school/hashing.py), with the GIL released, and a thread doing that must not keep a page from
running. So the worker keeps its threads, and a request holds one of RUNNING_PER_WORKER places
while it runs; a sign-in gives its place back while it waits for and computes its hash
(`stepped_aside`), and takes one again to finish. The worker class (dongui/serving.py) asks
`place_count` and `aside_count` whether it has room for another connection.
"""

import threading
from contextlib import contextmanager

_places: threading.Semaphore | None = None
_place_count = 0
_holding = threading.local()
_aside = 0
_aside_lock = threading.Lock()
_on_aside = None


def place_count() -> int:
    """RUNNING_PER_WORKER, as set for this process (0: no limit)."""
    return _place_count


def aside_count() -> int:
    """How many of this process's requests are waiting aside (for a password hash) right now."""
    return _aside


def call_when_aside(callback) -> None:
    """`callback()` runs (in the request's thread) each time a request steps aside: the worker
    uses it to look again at whether it has room for another connection."""
    global _on_aside
    _on_aside = callback


def set_places(count: int) -> None:
    """RUNNING_PER_WORKER places for this process (0: no limit). Called when the app is made;
    the semaphore is created unheld, so gunicorn's fork after preloading copies it free."""
    global _places, _place_count
    _places = threading.Semaphore(count) if count > 0 else None
    _place_count = max(0, count)


@contextmanager
def running():
    """Hold a place for the request's whole run (a thread already holding one keeps it)."""
    places = _places
    if places is None or getattr(_holding, "places", None) is not None:
        yield
        return
    places.acquire()
    _holding.places = places
    try:
        yield
    finally:
        _holding.places = None
        places.release()


@contextmanager
def stepped_aside():
    """Give this thread's place back while it waits for something other than the interpreter
    (a hashing slot, then the hash itself), and take one again afterwards."""
    places = getattr(_holding, "places", None)
    if places is None:
        yield
        return
    global _aside
    _holding.places = None
    with _aside_lock:
        _aside += 1
    places.release()
    if _on_aside is not None:
        _on_aside()
    try:
        yield
    finally:
        with _aside_lock:
            _aside -= 1
        places.acquire()
        _holding.places = places


class RunningGate:
    """WSGI middleware: every request runs holding a place (`running`)."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        with running():
            return self.wsgi_app(environ, start_response)
