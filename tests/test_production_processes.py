"""Several gunicorn workers: sign-in limits hold across processes with Redis, and concurrent quiz
submissions (duplicates included) make exactly one attempt per token on SQLite and PostgreSQL.

Bounded: a handful of workers, a few hundred requests, timeouts on every call."""

import os
import re
import shutil
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa

from dongui import create_app
from dongui.demo import seed_demo
from dongui.extensions import db
from dongui.models import QuizAttempt, User
from dongui.school.hashing import make_hash
from tests.conftest import PG_SKIP_REASON, PG_URL, TEST_SECRET_KEY
from tests.helpers import child_processes, has_ended
from tests.live import GUNICORN, Client, csrf_token, free_port, gunicorn

PASSWORD = "live-demo-password"
pytestmark = pytest.mark.skipif(not GUNICORN.exists(), reason="gunicorn is not installed")


def seeded_app(url: str):
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": TEST_SECRET_KEY,
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        }
    )
    with app.app_context():
        db.drop_all()
        db.create_all()
        seed_demo(PASSWORD)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return app


@pytest.fixture
def redis_url(tmp_path):
    server_path = shutil.which("redis-server")
    if server_path is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server); CI installs it")
    port = free_port()
    server = subprocess.Popen(
        [
            server_path,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(0.3)
        yield f"redis://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_each_worker_hashes_in_a_process_of_its_own_that_ends_with_the_server(tmp_path):
    url = f"sqlite:///{tmp_path / 'live.db'}"
    seeded_app(url)
    pid_file = tmp_path / "gunicorn.pid"
    with gunicorn(url, tmp_path / "server.log", workers=2, extra_args=("--pid", str(pid_file))) as base:
        for number in (1, 2, 3, 4):
            student = Client(base)
            assert student.sign_in(f"demo-student{number:02d}", PASSWORD) == 200
            assert student.request("/learn")[0] == 200
        workers = child_processes(int(pid_file.read_text()))
        assert len(workers) == 2
        hashers = []
        for worker in workers:
            (hasher,) = child_processes(worker)
            assert os.getpriority(os.PRIO_PROCESS, hasher) == min(
                19, os.getpriority(os.PRIO_PROCESS, worker) + 10
            )
            hashers.append(hasher)
    # gunicorn stopped within the fixture's 20 s, and each hashing process went with its worker
    assert all(has_ended(hasher) for hasher in hashers)


def test_sign_in_limits_hold_across_workers_with_redis(tmp_path, redis_url):
    url = f"sqlite:///{tmp_path / 'limits.db'}"
    app = seeded_app(url)
    # Spread by construction: sync workers (one thread) take one request at a time, and each failed check of this
    # slow hash (~0.2 s) keeps its worker busy while the other idle workers accept the rest. (A
    # gthread worker accepts every connection it sees, so one of them may take all six.)
    with app.app_context():
        student = db.session.scalar(sa.select(User).filter_by(username="demo-student01"))
        student.password_hash = make_hash(PASSWORD, "pbkdf2:sha256:1000000")
        db.session.commit()
        db.engine.dispose()
    log_path = tmp_path / "gunicorn.log"
    # The worker's pid in each access log line shows the attempts really went to several processes.
    with gunicorn(
        url,
        log_path,
        workers=4,
        RATELIMIT_STORAGE_URI=redis_url,
        LOGIN_LIMIT_PER_USERNAME="6 per 15 minutes",
        extra_args=("--worker-class=sync", "--threads=1", "--access-logformat", '%(p)s "%(m)s %(U)s" %(s)s'),
    ) as base:
        clients = []
        for _ in range(8):
            client = Client(base)  # its own connection, so any worker may take it
            _status, page = client.request("/login")
            clients.append((client, csrf_token(page)))

        def fail_sign_in(numbered):
            attempt, (client, token) = numbered
            return client.request(
                "/login", {"csrf_token": token, "username": "demo-student01", "password": f"wrong-{attempt}"}
            )[0]

        # Six failures at once, so several workers take part; then two more, one at a time.
        with ThreadPoolExecutor(max_workers=6) as pool:
            first = list(pool.map(fail_sign_in, enumerate(clients[:6]), timeout=60))
        later = [fail_sign_in(numbered) for numbered in enumerate(clients[6:], start=6)]
        assert first == [200] * 6  # the form again, with "don't match"
        assert later == [429, 429]  # blocked, whichever worker answered
        time.sleep(0.3)
    pids = set(re.findall(r'^<(\d+)> "POST /login"', log_path.read_text(), re.M))
    assert len(pids) > 1, "all attempts reached one worker: the test proves nothing"


@pytest.fixture(params=["sqlite", "postgresql"])
def live_database(request, tmp_path):
    if request.param == "postgresql":
        if not PG_URL:
            pytest.skip(PG_SKIP_REASON)
        url = PG_URL
    else:
        url = f"sqlite:///{tmp_path / 'quiz.db'}"
    app = seeded_app(url)
    yield url, app
    with app.app_context():
        db.drop_all()
        db.session.remove()
        db.engine.dispose()


def attempt_nonces(app) -> list[str]:
    with app.app_context():
        nonces = db.session.execute(sa.select(QuizAttempt.submit_token)).scalars().all()
        db.session.remove()
        db.engine.dispose()
    return nonces


def test_concurrent_quiz_submissions_make_one_attempt_per_token(tmp_path, live_database):
    url, app = live_database
    before = set(attempt_nonces(app))  # the demo school comes with some attempts
    with gunicorn(url, tmp_path / "gunicorn.log", workers=4) as base:
        forms = []
        for n in range(1, 11):
            client = Client(base, follow_redirects=False)
            assert client.sign_in(f"demo-student{n:02d}", PASSWORD) == 302
            for _ in range(2):  # two quiz forms per student, each with its own one-time token
                _status, page = client.request("/learn/consent-basics/quiz")
                fields = {
                    "csrf_token": csrf_token(page),
                    "token": re.search(r'name="token" value="([^"]+)"', page).group(1),
                }
                for name in sorted(set(re.findall(r'name="(q-[^"]+)"', page))):
                    fields[name] = re.search(rf'name="{name}" value="([^"]+)"', page).group(1)
                forms.append((client, fields))

        def submit(job):
            client, fields = job
            return client.request("/learn/consent-basics/quiz", fields)[0]

        # Every form sent three times at once: a double click and a resend on a slow network.
        with ThreadPoolExecutor(max_workers=12) as pool:
            statuses = list(pool.map(submit, [job for job in forms for _ in range(3)], timeout=120))
    assert all(status == 302 for status in statuses), statuses  # the result page, never a 5xx
    new = [nonce for nonce in attempt_nonces(app) if nonce not in before]
    assert len(new) == len(set(new)) == len(forms) == 20
