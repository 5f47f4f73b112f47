"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py app:app`.

A worker per core with 12 threads each (two running at once), taking a new connection only while
it has room, and a hashing process of its own at a lower priority; an access log that records no
query strings, percent-quotes every path, and never holds a request for an anonymous page (the
question box, GET or POST).
Settings can be overridden on the command line or with GUNICORN_CMD_ARGS.
"""

import ctypes
import multiprocessing
import os

from gunicorn.glogging import Logger

from dongui.anonymity import is_anonymous_path, quote_path

bind = os.environ.get("DONGUI_BIND", "127.0.0.1:8000")
# A worker per core, each with threads, of which two run at once (RUNNING_PER_WORKER,
# dongui/gate.py). The others wait: for a place, or for a password hash, which the worker's
# hashing process computes at a lower priority (dongui/school/hashing.py). At the bell a class's
# sign-ins wait there, so a worker needs threads enough to go on serving pages meanwhile: with 4,
# eight classes' sign-ins held every thread and pages queued behind them (bench/classload.py).
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count()))
# gunicorn's gthread worker, except that it takes a new connection only while it has a running
# place free (dongui/serving.py): new connections wait in one queue for whichever worker is free.
worker_class = "dongui.serving.RoomWorker"
threads = int(os.environ.get("GUNICORN_THREADS", 12))
timeout = 30
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then, as a guard against slow leaks: rarely, and spread widely, because
# a worker being replaced serves nobody for about a second, and workers that share the load
# evenly reach the same count together (gunicorn issues #2422, #3427; the bench saw 1 s stalls
# with 2,000 ± 200).
max_requests = 20000
max_requests_jitter = 10000
preload_app = True  # load content and translations once, before forking
# Each worker's heartbeat touches a file for every request it handles: in memory, not on disk
# (gunicorn's advice wherever /tmp is on a disk or an overlay filesystem).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
accesslog = "-"
errorlog = "-"
# %(U)s is the path without the query string, percent-quoted (DonguiLogger.atoms); no referrer,
# no user agent.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


class DonguiLogger(Logger):
    """The access log without the anonymous pages (a line's address and second could point at
    the student who asked), and with every path percent-quoted (a newline cannot forge a line).
    Which pages are anonymous is dongui.anonymity's one declaration."""

    def access(self, resp, req, environ, request_time):
        if is_anonymous_path(environ.get("PATH_INFO", "")):
            return
        super().access(resp, req, environ, request_time)

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["U"] = path = quote_path(environ.get("PATH_INFO"))
        atoms["r"] = f"{environ.get('REQUEST_METHOD')} {path} {environ.get('SERVER_PROTOCOL')}"
        return atoms


logger_class = DonguiLogger


def return_large_blocks_to_the_system():
    """A password hash takes 7 MiB for a moment. glibc's malloc raises its threshold for handing
    big blocks back to the system each time one is freed, so after the first few hashes every
    thread's arena keeps its own copy for good: with 19 MiB hashes the bench saw the server's
    memory grow from 116 to about 300 MiB PSS over one class period, and to 148 with the threshold
    fixed at 256 KiB (M_MMAP_THRESHOLD; setting it turns the raising off). Set in the master,
    before the fork."""
    try:
        ctypes.CDLL("libc.so.6").mallopt(-3, 256 * 1024)  # M_MMAP_THRESHOLD = -3 (malloc.h)
    except (OSError, AttributeError):
        pass  # not glibc: its own malloc decides


return_large_blocks_to_the_system()


def when_ready(server):
    # In the master, after the app is loaded and before the first fork (dongui/warm.py).
    from app import app
    from dongui.warm import warm_up

    warm_up(app)


def post_fork(server, worker):
    # Connections must not be shared across forked workers: drop any the preloaded app opened.
    from app import app
    from dongui.extensions import db
    from dongui.school.hashing import start_hashing_process

    with app.app_context():
        db.engine.dispose()
    # The worker is still one thread: the time to fork its hashing process.
    start_hashing_process()


def pre_fork(server, worker):
    # What the preloaded app made stays put: the collector's own writes would otherwise copy
    # every shared page into each worker (copy-on-write), and the workers would stop sharing it.
    import gc

    gc.freeze()
