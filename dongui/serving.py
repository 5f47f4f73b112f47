"""gunicorn's threaded worker, taking a new connection only while it has room for it.

A gthread worker accepts every connection it sees, however busy it is; with two workers the
one that accepts first may hold several requests while the other idles. This worker stops
accepting while it has as many requests in hand as running places (RUNNING_PER_WORKER,
dongui/gate.py), not counting requests waiting aside for a password hash: a new connection
then waits in the kernel's queue for whichever worker has room first (one queue for all the
workers, not one per worker).

But a worker always serves the requests of connections it already holds, and under a long
overload those alone can keep it full: a class period of twelve classes kept some new
connections waiting 20 s. So a worker that has been full for LONGEST_WAIT takes one new
connection anyway, and the next one LONGEST_WAIT later.
"""

import time

from gunicorn.workers.gthread import ThreadWorker

from . import gate

LONGEST_WAIT = 0.05  # seconds


class RoomWorker(ThreadWorker):
    def init_process(self):
        self.in_hand = 0  # requests handed to the threads and not finished (main thread only)
        self.full_since = None  # since when it has had no room (reset when it takes one anyway)
        # A request stepping aside makes room without any event the main loop would see.
        gate.call_when_aside(lambda: self.method_queue.defer(self.look_for_room))
        super().init_process()

    def look_for_room(self):
        if self.alive:
            self.set_accept_enabled(self.nr_conns < self.worker_connections)

    def has_room(self) -> bool:
        places = gate.place_count()
        if not places or self.in_hand - gate.aside_count() < places:
            self.full_since = None
            return True
        now = time.monotonic()
        if self.full_since is None:
            self.full_since = now
        return now - self.full_since >= LONGEST_WAIT

    def set_accept_enabled(self, enabled):
        super().set_accept_enabled(enabled and self.has_room())

    def enqueue_req(self, conn):
        self.in_hand += 1
        super().enqueue_req(conn)

    def accept(self, listener):
        super().accept(listener)
        if self.full_since is not None:  # taken without room: the next one waits again
            self.full_since = time.monotonic()
        if not self.has_room():
            self.set_accept_enabled(False)

    def finish_request(self, conn, fs):
        self.in_hand -= 1
        super().finish_request(conn, fs)
        self.look_for_room()
