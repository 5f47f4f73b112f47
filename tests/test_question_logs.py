"""A live gunicorn, started with the production gunicorn.conf.py: opening the question box or
asking leaves no trace in the access log or the application log (however the path is written),
no log line records a query string, and a path cannot forge a line."""

import time

import pytest

from dongui import create_app
from dongui.demo import seed_demo
from dongui.extensions import db
from dongui.models import Enrollment, PendingQuestion, User
from tests.conftest import TEST_SECRET_KEY
from tests.live import GUNICORN, Client, csrf_token, gunicorn

MARKER = "로그에-남으면-안-되는-질문-7f3a"
PASSWORD = "live-demo-password"


@pytest.fixture
def demo_database(tmp_path):
    url = f"sqlite:///{tmp_path / 'live.db'}"
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": TEST_SECRET_KEY,
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        }
    )
    with app.app_context():
        db.create_all()
        seed_demo(PASSWORD)
        db.session.commit()
        student = db.session.execute(db.select(User).filter_by(username="demo-student01")).scalar_one()
        class_id = (
            db.session.execute(db.select(Enrollment.classroom_id).filter_by(student_id=student.id))
            .scalars()
            .first()
        )
        db.session.remove()
        db.engine.dispose()
    return {"url": url, "app": app, "class_id": class_id}


def test_asking_leaves_nothing_in_the_logs(demo_database, tmp_path):
    if not GUNICORN.exists():
        pytest.skip("gunicorn is not installed in this environment")
    log_path = tmp_path / "gunicorn.log"
    class_id = demo_database["class_id"]
    with gunicorn(demo_database["url"], log_path) as base:
        student = Client(base)
        assert student.sign_in("demo-student01", PASSWORD) == 200
        _status, page = student.request(f"/learn/classes/{class_id}")
        status, page = student.request(
            f"/learn/classes/{class_id}", {"csrf_token": csrf_token(page), "body": MARKER}
        )
        assert status == 200 and MARKER not in page  # sent; not answered, so not shown
        # The same page however its path is written (today `//learn/classes/N` slipped through).
        encoded = "".join(f"%{ord(c):02X}" for c in str(class_id))
        for path in (
            f"//learn/classes/{class_id}",
            f"/learn//classes/{class_id}",
            f"/learn/classes/{class_id}/",
            f"/learn/./classes/{class_id}",
            f"/learn/classes/{encoded}",
        ):
            student.request(path)
        student.request(f"//learn/classes/{class_id}", {"csrf_token": csrf_token(page), "body": "두 번째"})
        student.request("/help?private-query=1")
        # A newline in a path must not start a line of its own.
        student.request(
            "/help%0A127.0.0.1%20[01/Jan/2026:00:00:00%20+0000]%20%22POST%20/forged%20HTTP/1.1%22%20200"
        )
        time.sleep(0.5)  # let the workers write their access log lines

    with demo_database["app"].app_context():
        waiting = [q.body for q in db.session.execute(db.select(PendingQuestion)).scalars()]
        assert sorted(waiting) == sorted([MARKER, "두 번째"])
        db.session.remove()
        db.engine.dispose()
    text = log_path.read_text()
    assert "GET /learn" in text and "POST /login" in text  # the access log is on
    assert "/classes" not in text  # not the box, however it was written, GET or POST
    assert MARKER not in text
    assert "demo-student01" not in text
    request_lines = [line for line in text.splitlines() if '"GET ' in line or '"POST ' in line]
    assert request_lines and not any("?" in line for line in request_lines)
    assert not any(line.startswith("127.0.0.1 [01/Jan/2026") for line in text.splitlines())
    assert "GET /help%0A127.0.0.1" in text


def werkzeug_lines(caplog, *request_lines):
    import logging

    caplog.set_level(logging.DEBUG)
    werkzeug = logging.getLogger("werkzeug")
    for line in request_lines:
        werkzeug.info('"%s" %s %s', line, "200", "-")
    return [r.getMessage() for r in caplog.records if r.name == "werkzeug"]


def test_the_development_servers_log_keeps_out_the_box_however_written(app, caplog):
    """Today only the box's POST was dropped, and only when written plainly."""
    lines = werkzeug_lines(
        caplog,
        "POST /learn/classes/3 HTTP/1.1",
        "GET /learn/classes/3 HTTP/1.1",
        "GET //learn/classes/3 HTTP/1.1",
        "GET /learn/classes/%33 HTTP/1.1",
        "GET /learn/classes/3?x=1 HTTP/1.1",
        "GET /learn/sample/1 HTTP/1.1",
    )
    assert lines == ['"GET /learn/sample/1 HTTP/1.1" 200 -']


def test_the_development_servers_log_quotes_paths_and_drops_queries(app, caplog):
    lines = werkzeug_lines(
        caplog, 'GET /help\n127.0.0.1 - - "GET /forged HTTP/1.1" HTTP/1.1', "GET /help?private=1 HTTP/1.1"
    )
    assert lines == [
        '"GET /help%0A127.0.0.1%20-%20-%20%22GET%20/forged%20HTTP/1.1%22 HTTP/1.1" 200 -',
        '"GET /help HTTP/1.1" 200 -',
    ]
    assert not any("\n" in line for line in lines)


def test_an_error_on_the_box_writes_no_log_line(app, client, caplog, monkeypatch):
    """Today a failed question POST was logged as "unhandled error on the question box", with a
    traceback whose text can hold what was sent. Now nothing at all; other pages still log, with
    their path quoted."""
    import logging

    from dongui.learn import questions as view
    from dongui.models import Role
    from tests.conftest import login

    with app.app_context():
        from dongui.models import Classroom, Enrollment, School
        from dongui.school.accounts import create_user

        school = School(name="S", slug="s")
        db.session.add(school)
        db.session.flush()
        student, _ = create_user(school, "pupil", "학생", Role.STUDENT, "correct horse battery")
        classroom = Classroom(school_id=school.id, name="1반", year=2026, join_code="JOINCODE")
        db.session.add(classroom)
        db.session.flush()
        db.session.add(Enrollment(classroom_id=classroom.id, student_id=student.id))
        db.session.commit()
        class_id = classroom.id
    app.config["PROPAGATE_EXCEPTIONS"] = False
    login(client, "pupil")

    def broken(*args, **kwargs):
        raise RuntimeError(f"could not store {args[-1]!r}")

    monkeypatch.setattr(view.questions, "ask", broken)
    caplog.set_level(logging.DEBUG)
    assert client.post(f"/learn/classes/{class_id}", data={"body": MARKER}).status_code == 500
    assert client.get(f"/learn/classes/{class_id}").status_code == 200
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert MARKER not in caplog.text
    monkeypatch.setattr("dongui.learn.lessons.render_template", broken)
    client.get("/learn")
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == ["unhandled error on GET /learn"]
