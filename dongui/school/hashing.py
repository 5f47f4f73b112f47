"""Password hashes: argon2id for chosen passwords, older hashes still accepted, and a bound on
how many hashes a server computes at once.

A method is named the way Werkzeug names its own: `argon2id:<memory KiB>:<passes>:<lanes>`
(the default, `argon2id:7168:5:1`: 7 MiB, 5 passes, 1 lane, one of the five settings OWASP's
Password Storage Cheat Sheet lists as an equal defence, the one that costs a server the least:
15 ms of a core here against 20 ms for 19 MiB and 2 passes, and a third of the memory)
or any Werkzeug method (`scrypt:32768:8:1`, `pbkdf2:sha256:600000`). Hashes made by an older
method keep working; `needs_rehash` tells the sign-in to store a new one while it still has the
password in hand.

Why a bound: a class signs in within the same ten seconds, and every hash is tens of
milliseconds of a core. Without a bound, every worker can be hashing at once and no page is
served until they are done. With it, at most HASH_CONCURRENCY hashes run at a time on this
server (a lock file per slot in the instance folder, so the bound holds across gunicorn's
workers); a sign-in waits its turn in its own thread while the other threads serve pages, and
gives back its place among the worker's running requests while it waits and hashes
(dongui/gate.py).

Under gunicorn, each worker computes its hashes in a child process that runs at a lower CPU
priority (HashingProcess): when pages and hashes want the same cores, the kernel serves the
pages first, and a sign-in, whose budget is a second, waits instead of a page, whose budget is
300 ms. A lower priority is no use for a thread of the worker itself: a thread put aside by the
kernel while it holds the interpreter's lock stalls every thread of its worker.
"""

import fcntl
import multiprocessing
import os
import signal
import threading
from contextlib import contextmanager
from pathlib import Path

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

from ..gate import stepped_aside

ARGON2 = "argon2id"
ARGON2_PREFIX = "$argon2id$"

_hashers: dict[str, PasswordHasher] = {}
_verifier = PasswordHasher()
_slot_counter = threading.Lock()
_next_slot = 0


def _argon2(method: str) -> PasswordHasher:
    """The hasher for `argon2id:<memory KiB>:<passes>:<lanes>` (made once per method)."""
    if method not in _hashers:
        name, *numbers = method.split(":")
        if name != ARGON2 or len(numbers) != 3 or not all(n.isdigit() for n in numbers):
            raise ValueError(f"not an argon2id method: {method!r} (argon2id:<memory KiB>:<passes>:<lanes>)")
        memory, passes, lanes = (int(n) for n in numbers)
        _hashers[method] = PasswordHasher(
            time_cost=passes, memory_cost=memory, parallelism=lanes, type=Type.ID
        )
    return _hashers[method]


_turn = threading.local()


@contextmanager
def hashing_turn():
    """This thread's turn at hashing: its place among the worker's running requests given back
    (dongui/gate.py) and one of the server's hashing slots held. Inside a turn, a further hash
    takes no second one: a sign-in checks its two hashes in one turn, so it queues once."""
    if getattr(_turn, "held", False):
        yield
        return
    with stepped_aside(), _process_turn(), hash_slot():
        _turn.held = True
        try:
            yield
        finally:
            _turn.held = False


@contextmanager
def _process_turn():
    """One hash at a time in this worker's hashing process, taken before a server-wide slot, so
    that a worker never holds a slot its process cannot use yet."""
    process = _process
    if process is None:
        yield
        return
    with process.lock:
        yield


def make_hash(password: str, method: str) -> str:
    with hashing_turn():
        return _computed("hash", password, method)


def verify(password_hash: str, password: str) -> bool:
    """Does `password` match the hash, whichever method made it?"""
    with hashing_turn():
        return _computed("verify", password_hash, password)


def _hash_here(password: str, method: str) -> str:
    if method.startswith(ARGON2):
        return _argon2(method).hash(password)
    return generate_password_hash(password, method=method)


def _verify_here(password_hash: str, password: str) -> bool:
    if password_hash.startswith(ARGON2_PREFIX):
        try:
            return _verifier.verify(password_hash, password)  # the parameters are in the hash
        except (VerificationError, InvalidHashError):
            return False
    return check_password_hash(password_hash, password)


OPERATIONS = {"hash": _hash_here, "verify": _verify_here}
NOT_DONE = object()  # what a hashing process answers when the caller must compute it itself


def _computed(operation: str, *args):
    """In this worker's hashing process when it has one; here otherwise, or when the process could
    not answer (it is gone, or the input made it fail: here it fails the same way, visibly)."""
    if _process is not None:
        answer = _process.ask(operation, *args)
        if answer is not NOT_DONE:
            return answer
    return OPERATIONS[operation](*args)


# How much lower than its worker the hashing process runs (`nice`: 10 gives it about a tenth of a
# core's share when a page wants the same core, and the whole core when none does).
HASHING_NICENESS = 10
# An answer later than this means the process is stuck: the worker hashes for itself from then on.
ANSWER_SECONDS = 30

_process: "HashingProcess | None" = None


class HashingProcess:
    """A child of one gunicorn worker that computes its hashes at a lower CPU priority.

    Forked from the worker while the worker is still one thread (gunicorn's post_fork), so the
    fork copies no lock held by another thread; it shares the worker's memory until it writes.
    The worker's threads take turns (a lock, held for a whole hashing turn) and wait for the answer
    without the interpreter's lock.
    The process ends when the worker does: the pipe closes. If it dies first, or stops answering,
    the worker hashes for itself.
    """

    def __init__(self, niceness: int = HASHING_NICENESS):
        ours, theirs = multiprocessing.Pipe()
        pid = os.fork()
        if pid == 0:
            ours.close()
            _serve(theirs, niceness)  # never returns
        theirs.close()
        self.pid, self.connection, self.lock = pid, ours, threading.RLock()

    def ask(self, operation: str, *args):
        with self.lock:
            if self.connection is None:
                return NOT_DONE
            try:
                self.connection.send((operation, args))
                if not self.connection.poll(ANSWER_SECONDS):
                    raise TimeoutError
                done, value = self.connection.recv()
            except (OSError, EOFError, TimeoutError):
                self._end()
                return NOT_DONE
        return value if done else NOT_DONE

    def stop(self) -> None:
        with self.lock:
            self._end()

    def _end(self) -> None:
        if self.connection is None:
            return
        self.connection.close()
        self.connection = None
        try:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass


def _serve(connection, niceness: int) -> None:
    """The hashing process: answer (operation, args) until the worker's end of the pipe closes."""
    status = 1
    try:
        # The worker's signal handlers came with the fork; this process stops with its pipe, or
        # at once when a signal says so (SIGINT is the terminal's: the worker answers it).
        for number in (
            signal.SIGTERM,
            signal.SIGHUP,
            signal.SIGQUIT,
            signal.SIGUSR1,
            signal.SIGUSR2,
            signal.SIGWINCH,
            signal.SIGTTIN,
            signal.SIGTTOU,
            signal.SIGCHLD,
            signal.SIGABRT,
        ):
            signal.signal(number, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        os.nice(niceness)
        while True:
            try:
                operation, args = connection.recv()
            except (EOFError, OSError):
                status = 0
                break
            try:
                answer = (True, OPERATIONS[operation](*args))
            except Exception:  # the worker computes it again, and sees the error itself
                answer = (False, None)
            connection.send(answer)
    finally:
        os._exit(status)  # never back into the worker's code


def start_hashing_process() -> None:
    """From now on, this process's hashes are computed in a child at a lower priority
    (gunicorn.conf.py's post_fork calls it in every worker)."""
    global _process
    if _process is None:
        _process = HashingProcess()


def method_family(password_hash: str) -> str:
    """What a hash was made with, coarsely: "argon2id", "scrypt", "pbkdf2"."""
    if password_hash.startswith(ARGON2_PREFIX):
        return ARGON2
    return password_hash.split(":", 1)[0].split("$", 1)[0]


def needs_rehash(password_hash: str, method: str) -> bool:
    """Was this hash made by another method (or other parameters) than `method`?"""
    if method.startswith(ARGON2):
        if not password_hash.startswith(ARGON2_PREFIX):
            return True
        try:
            return _argon2(method).check_needs_rehash(password_hash)
        except InvalidHashError:
            return True
    return password_hash.split("$", 1)[0] != method


@contextmanager
def hash_slot():
    """Hold one of this server's HASH_CONCURRENCY hashing slots while hashing.

    Each slot is an exclusive lock on a file in the instance folder: the kernel hands it to one
    thread of one process at a time, and waiting for it blocks only the waiting thread (the
    other threads of the worker go on serving pages). 0 turns the bound off.
    """
    slots = current_app.config["HASH_CONCURRENCY"]
    if slots <= 0:
        yield
        return
    global _next_slot
    with _slot_counter:  # spread this process's waiters over the slots
        _next_slot = (_next_slot + 1) % slots
        first = _next_slot
    folder = Path(current_app.instance_path)
    folder.mkdir(parents=True, exist_ok=True)
    order = [(first + i) % slots for i in range(slots)]
    descriptors = [
        os.open(folder / f"hash-slot-{slot}.lock", os.O_RDWR | os.O_CREAT, 0o600) for slot in order
    ]
    try:
        held = _take_free_slot(descriptors)
        if held is None:
            held = descriptors[0]
            fcntl.flock(held, fcntl.LOCK_EX)  # every slot is busy: wait for ours
        yield
    finally:
        for descriptor in descriptors:  # closing releases the lock
            os.close(descriptor)


def _take_free_slot(descriptors: list[int]) -> int | None:
    for descriptor in descriptors:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return descriptor
        except BlockingIOError:
            continue
    return None
