"""Helpers that several test modules share: counting SQL statements, a class with progress,
a random school, a roster upload, and gunicorn's access log as production writes it."""

import importlib.util
import io
import logging
import random
import re
import threading
import time
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import sqlalchemy as sa
from gunicorn.config import Config

from dongui.config import ROOT
from dongui.content import get_catalog
from dongui.extensions import db, limiter
from dongui.models import Assignment, Enrollment, Excusal, ModuleProgress, QuizAttempt, Role, School, User
from dongui.school.accounts import create_user
from dongui.school.classes import create_classroom

DONE = datetime(2026, 11, 20, tzinfo=UTC)


@contextmanager
def statements_counted(engine):
    """Yields a list that holds each SQL statement run inside the block, in order."""
    statements = []

    def listener(_connection, _cursor, statement, *_args):
        statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)


def count_statements(app, client, path) -> int:
    client.get(path)  # warm up: last-seen writes and the like happen once
    with app.app_context():
        engine = db.engine
    with statements_counted(engine) as statements:
        assert client.get(path).status_code == 200
    return len(statements)


def load_gunicorn_logger():
    spec = importlib.util.spec_from_file_location("gunicorn_conf_for_test", ROOT / "gunicorn.conf.py")
    conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conf)
    return conf


class AccessLog:
    """WSGI middleware that writes, for every request, the line gunicorn would write with the
    production settings and logger class (its clock is the test's)."""

    def __init__(self, wsgi_app, path, clock):
        conf = load_gunicorn_logger()
        config = Config()
        config.set("accesslog", str(path))
        config.set("access_log_format", conf.access_log_format)

        class Logger(conf.DonguiLogger):
            def now(self):
                return clock().strftime("[%d/%b/%Y:%H:%M:%S +0000]")

        self.logger, self.wsgi_app = Logger(config), wsgi_app

    def close(self):
        for handler in self.logger.access_log.handlers:
            handler.close()

    def __call__(self, environ, start_response):
        seen = {}

        def remember(status, headers, exc_info=None):
            seen.update(status=status, headers=headers)
            return start_response(status, headers, exc_info)

        body = b"".join(self.wsgi_app(environ, remember))
        environ.setdefault("RAW_URI", environ.get("PATH_INFO", ""))
        environ.setdefault("SERVER_PROTOCOL", "HTTP/1.1")
        response = SimpleNamespace(status=seen["status"], sent=len(body), headers=seen["headers"])
        self.logger.access(response, SimpleNamespace(headers=[]), environ, timedelta(milliseconds=3))
        return [body]


def client_from(app, address):
    """A browser on its own address."""
    browser = app.test_client()
    browser.environ_base["REMOTE_ADDR"] = address
    return browser


def upload(client, class_id, data: bytes, filename="명단.csv"):
    return client.post(
        f"/teach/classes/{class_id}/import",
        data={"file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def make_random_school(app, make_user, make_school, make_classroom, seed: int):
    rng = random.Random(seed)
    school = make_school(slug=f"random-{seed}")
    teacher = make_user(role=Role.TEACHER, username=f"teacher-{seed}", school_id=school)
    students = [make_user(username=f"r{seed}-{n}", school_id=school) for n in range(24)]
    class_ids = []
    for c in range(4):
        members = rng.sample(students, rng.randint(0, 12))  # some students are in two classes
        class_ids.append(make_classroom(teacher, students=members, name=f"{c + 1}반"))
    with app.app_context():
        slugs = [m.slug for m in get_catalog().student_modules()]
        for class_id in class_ids:
            for position, slug in enumerate(rng.sample(slugs, rng.randint(0, len(slugs))), start=1):
                db.session.add(Assignment(classroom_id=class_id, module_slug=slug, position=position))
        for student in students:
            for slug in slugs:
                state = rng.choice(["none", "started", "read", "passed_only", "completed"])
                if state != "none":
                    db.session.add(
                        ModuleProgress(
                            user_id=student,
                            module_slug=slug,
                            last_step=1,
                            attempts=1,
                            lesson_done_at=DONE if state in ("read", "completed") else None,
                            quiz_passed_at=DONE if state in ("passed_only", "completed") else None,
                        )
                    )
            # Excusals: mostly for the student's classes, some for modules not assigned there,
            # some left over from a class the student is not in.
            for class_id in rng.sample(class_ids, 2):
                if rng.random() < 0.4:
                    db.session.add(
                        Excusal(classroom_id=class_id, student_id=student, module_slug=rng.choice(slugs))
                    )
            if rng.random() < 0.15:
                db.session.get(User, student).deactivated_at = DONE
        db.session.commit()
    return class_ids


def make_class_of(app, make_user, make_school, make_classroom, size):
    school = make_school(slug=f"q{size}")
    teacher = make_user(role=Role.TEACHER, username=f"teacher{size}", school_id=school)
    students = [make_user(username=f"q{size}-{n}", school_id=school) for n in range(size)]
    class_id = make_classroom(teacher, students=students)
    with app.app_context():
        for position, slug in enumerate(["sample", "korean-only"], start=1):
            db.session.add(Assignment(classroom_id=class_id, module_slug=slug, position=position))
            for student in students:
                db.session.add(
                    ModuleProgress(user_id=student, module_slug=slug, last_step=2, attempts=1, best_score=0.5)
                )
                db.session.add(
                    QuizAttempt(
                        user_id=student,
                        module_slug=slug,
                        content_hash="x",
                        score=1,
                        max_score=2,
                        passed=False,
                        answers={},
                        submit_token=f"{student}-{slug}",
                    )
                )
        db.session.commit()
    return class_id


def start_a_day(app, clock, log_path):
    """An empty database, fresh limits, 09:00 in Seoul on 25 Nov 2026, and gunicorn's access log
    (the production logger) written to `log_path`: the start of a day the anonymity tests live."""
    with app.app_context():
        db.drop_all()
        db.create_all()
    limiter.reset()
    app.extensions.pop("question_limit", None)
    clock.now = datetime(2026, 11, 25, 0, 0, tzinfo=UTC)
    inner = app.wsgi_app.wsgi_app if isinstance(app.wsgi_app, AccessLog) else app.wsgi_app
    app.wsgi_app = AccessLog(inner, log_path, clock)


def class_of_pupils(app, students: int, **school) -> int:
    """한빛중학교 with an admin (boss), a teacher and one class of pupil01…pupilNN, numbered, with the
    fixture module assigned; returns the class id."""
    with app.app_context():
        hanbit = School(name="한빛중학교", slug="hanbit", **school)
        db.session.add(hanbit)
        db.session.flush()
        create_user(hanbit, "boss", "교감 선생님", Role.ADMIN, "correct horse battery")
        teacher, _ = create_user(hanbit, "teacher", "박선생", Role.TEACHER, "correct horse battery")
        classroom = create_classroom(hanbit, teacher, "2학년 3반", 2026)
        for n in range(1, students + 1):
            student, _ = create_user(
                hanbit, f"pupil{n:02d}", f"학생{n:02d}", Role.STUDENT, "correct horse battery"
            )
            db.session.add(Enrollment(classroom_id=classroom.id, student_id=student.id, number=n))
        db.session.add(Assignment(classroom_id=classroom.id, module_slug="sample", position=1))
        db.session.commit()
        return classroom.id


@contextmanager
def every_log_record():
    """Yields a list of every record any logger writes inside the block, DEBUG and up."""
    records = []
    handler = logging.Handler()
    handler.emit = lambda record: records.append(f"{record.name} {record.levelname} {record.getMessage()}")
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield records
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)


def run_together(*targets, timeout: float = 10) -> None:
    """Run each function in a thread of its own, all at once, and wait for them."""
    threads = [threading.Thread(target=target) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)


def most_inside_at_once(threads: int, inside, hold: float = 0.02) -> int:
    """How many of `threads` threads were within the context manager `inside()` at once, each
    staying `hold` seconds."""
    now, most, lock = [0], [0], threading.Lock()

    def work():
        with inside():
            with lock:
                now[0] += 1
                most[0] = max(most[0], now[0])
            time.sleep(hold)
            with lock:
                now[0] -= 1

    run_together(*[work] * threads)
    return most[0]


def child_processes(pid: int) -> list[int]:
    """The processes whose parent is `pid` (Linux /proc)."""
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            if re.search(rf"^PPid:\s+{pid}$", status.read_text(), re.M):
                found.append(int(status.parent.name))
        except OSError:
            continue
    return found


def has_ended(pid: int, seconds: float = 5.0) -> bool:
    """Has the process exited within `seconds` (gone, or a zombie nobody has reaped yet)?"""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            state = re.search(r"^State:\s+(\S)", Path(f"/proc/{pid}/status").read_text(), re.M).group(1)
        except OSError:
            return True
        if state == "Z":
            return True
        time.sleep(0.05)
    return False
