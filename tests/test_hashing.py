"""Password hashes: argon2id, older hashes re-hashed at sign-in, and the bound on hashes at once."""

import subprocess
import sys
import threading
from contextlib import contextmanager

import pytest
from werkzeug.security import generate_password_hash

from dongui import create_app
from dongui.config import ConfigurationError, settings_from_environment
from dongui.extensions import db
from dongui.models import User
from dongui.school import hashing
from dongui.school.accounts import reset_password
from tests.conftest import PASSWORD, base_config, login
from tests.helpers import most_inside_at_once

# A small argon2id, so the tests stay quick; the default is argon2id:7168:5:1.
SMALL_ARGON2 = "argon2id:1024:1:1"


def stored_hash(app, user_id) -> str:
    with app.app_context():
        return db.session.get(User, user_id).password_hash


def test_argon2id_hashes_carry_their_parameters_and_verify(app):
    with app.app_context():
        stored = hashing.make_hash("a long walk home", "argon2id:19456:2:1")
        assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
        assert hashing.verify(stored, "a long walk home")
        assert not hashing.verify(stored, "a long walk hom")
        assert not hashing.verify("$argon2id$broken", "a long walk home")
        assert not hashing.needs_rehash(stored, "argon2id:19456:2:1")
        assert hashing.needs_rehash(stored, "argon2id:1024:1:1")
        assert hashing.needs_rehash(generate_password_hash("x", method="scrypt"), "argon2id:19456:2:1")


def test_the_shipped_default_is_argon2id_at_owasps_parameters(monkeypatch, tmp_path):
    """7 MiB and 5 passes: one of the settings OWASP's cheat sheet lists as equal to its first
    (19 MiB, 2 passes); a hash made with that first one is replaced at the next sign-in."""
    monkeypatch.delenv("PASSWORD_HASH_METHOD", raising=False)
    default = settings_from_environment(tmp_path)["PASSWORD_HASH_METHOD"]
    assert default == "argon2id:7168:5:1"
    assert hashing.needs_rehash("$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA", default)


@pytest.mark.parametrize("app_config", [{"PASSWORD_HASH_METHOD": SMALL_ARGON2}])
def test_an_older_hash_is_replaced_by_argon2id_at_the_next_sign_in(app, client, make_user):
    user_id = make_user(username="old-hash")
    with app.app_context():
        user = db.session.get(User, user_id)
        user.password_hash = generate_password_hash(PASSWORD, method="scrypt:1024:8:1")
        db.session.commit()
    before = stored_hash(app, user_id)

    assert login(client, "old-hash", "not the password").status_code == 200
    assert stored_hash(app, user_id) == before  # a wrong password changes nothing

    assert login(client, "old-hash").status_code == 302
    after = stored_hash(app, user_id)
    assert after.startswith("$argon2id$v=19$m=1024,t=1,p=1$")
    with app.app_context():
        assert hashing.verify(after, PASSWORD)
    client.post("/logout")
    assert login(client, "old-hash").status_code == 302  # the new hash signs in
    assert stored_hash(app, user_id) == after  # and is not made again


@pytest.mark.parametrize("app_config", [{"PASSWORD_HASH_METHOD": SMALL_ARGON2}])
def test_a_one_time_password_is_not_rehashed_it_is_replaced(app, client, make_user):
    user_id = make_user(username="card-holder")
    with app.app_context():
        password = reset_password(db.session.get(User, user_id))
        db.session.commit()
    before = stored_hash(app, user_id)
    assert login(client, "card-holder", password).headers["Location"].endswith("/password")
    assert stored_hash(app, user_id) == before


@pytest.mark.parametrize("method", ["argon2id", "argon2id:big:2:1", "md5", "scrypt:x"])
def test_an_unknown_hash_method_is_refused_at_start(method):
    with pytest.raises(ConfigurationError, match="PASSWORD_HASH_METHOD"):
        create_app(base_config("sqlite://", PASSWORD_HASH_METHOD=method))


def most_at_once(app, threads: int) -> int:
    @contextmanager
    def in_a_slot():
        with app.app_context(), hashing.hash_slot():
            yield

    return most_inside_at_once(threads, in_a_slot)


@pytest.mark.parametrize("app_config", [{"HASH_CONCURRENCY": 1}])
def test_one_slot_means_one_hash_at_a_time(app):
    assert most_at_once(app, 6) == 1


@pytest.mark.parametrize("app_config", [{"HASH_CONCURRENCY": 2}])
def test_two_slots_allow_two_at_once_and_no_more(app):
    assert most_at_once(app, 8) <= 2


@pytest.mark.parametrize("app_config", [{"HASH_CONCURRENCY": 1}])
def test_the_bound_holds_across_processes(app, tmp_path):
    """Another worker (here a child process) holding the slot makes this one wait for it."""
    lock_file = f"{app.instance_path}/hash-slot-0.lock"
    script = (
        "import fcntl, os, sys\n"
        f"fd = os.open({lock_file!r}, os.O_RDWR | os.O_CREAT, 0o600)\n"
        "fcntl.flock(fd, fcntl.LOCK_EX)\n"
        "print('held', flush=True)\n"
        "sys.stdin.readline()\n"
    )
    entered = threading.Event()

    def hash_once():
        with app.app_context(), hashing.hash_slot():
            entered.set()

    with subprocess.Popen(
        [sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    ) as holder:
        assert holder.stdout.readline().strip() == "held"
        waiter = threading.Thread(target=hash_once)
        waiter.start()
        assert not entered.wait(0.3)  # still waiting while the other process hashes
        holder.stdin.write("done\n")
        holder.stdin.flush()
        assert entered.wait(10)
        waiter.join(10)


@pytest.mark.parametrize("app_config", [{"PASSWORD_HASH_METHOD": SMALL_ARGON2}])
def test_a_sign_in_waits_for_a_hashing_slot_once(app, client, make_user, monkeypatch):
    """Its two checks (its own hash and the other kind's, so that every sign-in costs the same)
    run in one turn: at the bell each wait for a slot is a wait in the queue."""
    make_user(username="pupil")
    login(client, "nobody", "a first guess")  # makes the dummy hashes
    turns = []
    real_slot = hashing.hash_slot

    @contextmanager
    def counted_slot():
        turns.append(1)
        with real_slot():
            yield

    monkeypatch.setattr(hashing, "hash_slot", counted_slot)
    for username, password in (("pupil", PASSWORD), ("pupil", "wrong"), ("nobody", "wrong")):
        turns.clear()
        client.post("/logout")
        login(client, username, password)
        assert len(turns) == 1, username
