"""Each gunicorn worker hashes passwords in a child process at a lower CPU priority, and hashes
for itself whenever that process cannot answer (dongui/school/hashing.py)."""

import os
import signal

import pytest

from dongui.school import hashing

SMALL_ARGON2 = "argon2id:1024:1:1"


@pytest.fixture
def process(monkeypatch):
    started = hashing.HashingProcess()
    monkeypatch.setattr(hashing, "_process", started)
    yield started
    started.stop()


def computed_here_fails(monkeypatch):
    """From now on, a hash computed in this process raises: what still works was computed in
    the hashing process (forked before this change, so it keeps the real functions)."""

    def here(*args):
        raise AssertionError("computed in the worker")

    monkeypatch.setitem(hashing.OPERATIONS, "hash", here)
    monkeypatch.setitem(hashing.OPERATIONS, "verify", here)


def test_the_hashing_process_answers_as_the_worker_would(app, process, monkeypatch):
    here = {
        method: hashing._hash_here("a long walk home", method) for method in (SMALL_ARGON2, "scrypt:2048:8:1")
    }
    computed_here_fails(monkeypatch)
    with app.app_context():
        stored = hashing.make_hash("a long walk home", SMALL_ARGON2)
        assert stored.startswith("$argon2id$v=19$m=1024,t=1,p=1$")
        assert hashing.verify(stored, "a long walk home")
        assert not hashing.verify(stored, "a long walk hom")
        assert not hashing.verify("$argon2id$broken", "a long walk home")
        for made_here in here.values():
            assert hashing.verify(made_here, "a long walk home")
            assert not hashing.verify(made_here, "another walk")


def test_it_runs_at_a_lower_priority_than_its_worker(app, process):
    with app.app_context():
        hashing.make_hash("x", SMALL_ARGON2)  # it has set its priority before its first answer
    ours = os.getpriority(os.PRIO_PROCESS, 0)
    assert os.getpriority(os.PRIO_PROCESS, process.pid) == min(19, ours + hashing.HASHING_NICENESS)


def test_a_worker_whose_hashing_process_died_hashes_for_itself(app, process):
    os.kill(process.pid, signal.SIGKILL)
    with app.app_context():
        stored = hashing.make_hash("still works", SMALL_ARGON2)
        assert hashing.verify(stored, "still works")
    assert process.connection is None
    with pytest.raises(ChildProcessError):
        os.waitpid(process.pid, os.WNOHANG)  # reaped, not left a zombie


def test_an_input_that_fails_there_fails_here_the_same_way(app, process):
    with app.app_context(), pytest.raises(ValueError):
        hashing.make_hash("x", "md5")  # Werkzeug refuses the method, in the worker too
    assert process.connection is not None  # and the process goes on answering


def test_the_hashing_process_ends_when_its_worker_does(process):
    process.connection.close()  # what the worker's exit does to its end of the pipe
    _pid, status = os.waitpid(process.pid, 0)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
    process.connection = None


def test_without_a_hashing_process_the_worker_hashes_itself(app, monkeypatch):
    monkeypatch.setattr(hashing, "_process", None)
    with app.app_context():
        assert hashing.verify(hashing.make_hash("plain", SMALL_ARGON2), "plain")
