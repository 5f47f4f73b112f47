"""Sign-in throttling that a classmate cannot turn into a lock-out (DESIGN.md, "Security").

Wrong passwords are counted per (username, address): after LOGIN_FREE_FAILURES of them, each
further try from that address for that username waits longer than the one before (1 s, 2 s,
4 s … up to LOGIN_DELAY_MAX_SECONDS). Nothing locks a username from everywhere: the same
student signs in at once from another address, and from the same address within a minute at
worst. Against guessing from many addresses, a high ceiling per username
(LOGIN_LIMIT_PER_USERNAME) stays, declared on the view. The counts live where the other limits
live (memory, or Redis with RATELIMIT_STORAGE_URI), and times come from the app's clock.
"""

import math

from flask import current_app
from limits.errors import StorageError
from limits.storage import MemoryStorage

from ..clock import utcnow
from ..extensions import limiter

# When the limit store cannot be reached, this process counts on its own until it answers.
_fallback = MemoryStorage()


def _keys(username: str, address: str) -> tuple[str, str]:
    who = f"{username[:64]}/{address}"
    return f"login-failures/{who}", f"login-last-failure/{who}"


def _run(work):
    try:
        return work(limiter.limiter.storage)
    except StorageError:
        return work(_fallback)


def wait_seconds(username: str, address: str) -> int:
    """How long this address must wait before it may try this username again (0: now)."""
    failures_key, last_key = _keys(username, address)
    config = current_app.config

    def read(store):
        failures = store.get(failures_key)
        if failures < config["LOGIN_FREE_FAILURES"]:
            return 0
        delay = min(2 ** (failures - config["LOGIN_FREE_FAILURES"]), config["LOGIN_DELAY_MAX_SECONDS"])
        return max(0, math.ceil(store.get(last_key) + delay - utcnow().timestamp()))

    return _run(read)


def record_failure(username: str, address: str) -> None:
    failures_key, last_key = _keys(username, address)
    window = current_app.config["LOGIN_FAILURE_WINDOW_MINUTES"] * 60

    def write(store):
        store.incr(failures_key, window)
        store.clear(last_key)
        store.incr(last_key, window, amount=int(utcnow().timestamp()))

    _run(write)


def record_success(username: str, address: str) -> None:
    failures_key, last_key = _keys(username, address)

    def clear(store):
        store.clear(failures_key)
        store.clear(last_key)

    _run(clear)
