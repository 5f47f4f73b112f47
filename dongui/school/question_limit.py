"""The question box's daily limit, counted so that the count cannot point at a student or a time.

Each student's count is kept under HMAC(pepper, user id), where the pepper is random, made for
one day, and lives only in this process's memory, or in Redis when the limits are counted there
(so every worker and server counts alike). It is never derived from SECRET_KEY, so the key, a
backup or the store alone cannot name who asked; when the day ends, the pepper and every count
expire together. The window is the box's day (QUESTION_TIMEZONE), ending at local midnight, and
every count of a day expires at that same moment: nothing in the store says when a student
first asked.

What it cannot hide: while the day lasts, whoever holds both this process's memory (or Redis) and
the user ids could tell which students have asked that day (never which question is whose).
"""

import hashlib
import hmac
import secrets
import threading
from datetime import UTC, date, datetime, time, timedelta

from flask import current_app
from limits import parse

from ..clock import utcnow
from .questions import question_zone

PREFIX = "dongui:questions"


def question_allowance() -> int:
    """How many questions a student may send a day (QUESTION_LIMIT, "N per day")."""
    return parse(current_app.config["QUESTION_LIMIT"]).amount


def box_day(now: datetime | None = None) -> tuple[date, datetime]:
    """Today in the box's zone and the midnight that ends it (aware, UTC)."""
    zone = question_zone()
    today = (now or utcnow()).astimezone(zone).date()
    return today, datetime.combine(today + timedelta(days=1), time(), tzinfo=zone).astimezone(UTC)


class MemoryCounts:
    """The day's pepper and counts in this process's memory; a new day starts both afresh."""

    failures = ()  # what counting here can raise and the caller survives: nothing

    def __init__(self):
        self.lock = threading.Lock()
        self.day = None
        self.pepper = b""
        self.counts: dict[str, int] = {}

    def _today(self, day: date) -> None:
        if self.day != day:
            self.day, self.pepper, self.counts = day, secrets.token_bytes(32), {}

    def pepper_for(self, day: date, ends: datetime) -> bytes:
        with self.lock:
            self._today(day)
            return self.pepper

    def add(self, key: str, day: date, ends: datetime) -> int:
        with self.lock:
            self._today(day)
            count = self.counts.get(key, 0) + 1
            # Kept in key order, not in the order students first asked.
            self.counts = dict(sorted({**self.counts, key: count}.items()))
            return count

    def keys(self) -> list[str]:
        return list(self.counts)


class RedisCounts:
    """The same in Redis: the pepper set once a day by whichever worker comes first, every key
    expiring at the day's end (EXPIREAT, one moment for all)."""

    def __init__(self, uri: str):
        from redis import Redis, RedisError  # only where Redis counts (50 ms at start-up)

        self.failures = (RedisError,)
        self.client = Redis.from_url(uri, socket_timeout=2, socket_connect_timeout=2)

    def pepper_for(self, day: date, ends: datetime) -> bytes:
        name = f"{PREFIX}:pepper:{day.isoformat()}"
        self.client.set(name, secrets.token_bytes(32), nx=True, exat=int(ends.timestamp()))
        return self.client.get(name)

    def add(self, key: str, day: date, ends: datetime) -> int:
        name = f"{PREFIX}:{day.isoformat()}:{key}"
        with self.client.pipeline(transaction=True) as pipe:
            pipe.incr(name)
            pipe.expireat(name, int(ends.timestamp()))
            count, _expiry = pipe.execute()
        return int(count)


def _stores() -> dict:
    return current_app.extensions.setdefault("question_limit", {})


def counts_store():
    """Redis when the limits are counted there, else this process's memory. If Redis cannot be
    reached, this process counts in memory (no log line: its time would mark the asker)."""
    stores = _stores()
    if "memory" not in stores:
        stores["memory"] = MemoryCounts()
        uri = current_app.config["RATELIMIT_STORAGE_URI"]
        if uri.startswith(("redis://", "rediss://")):
            stores["redis"] = RedisCounts(uri)
    return stores.get("redis") or stores["memory"]


def asker_key(pepper: bytes, user_id: int) -> str:
    return hmac.new(pepper, f"question-limit:{user_id}".encode(), hashlib.sha256).hexdigest()


def take_one(user_id: int) -> bool:
    """Count one question for the student; False when today's allowance was already used."""
    day, ends = box_day()
    store = counts_store()
    try:
        count = store.add(asker_key(store.pepper_for(day, ends), user_id), day, ends)
    except store.failures:  # Redis unreachable: count in this process until it answers again
        memory = _stores()["memory"]
        count = memory.add(asker_key(memory.pepper_for(day, ends), user_id), day, ends)
    return count <= question_allowance()
