"""A live gunicorn, started with the production gunicorn.conf.py: asking a question leaves no
trace in the access log or the application log, and no log line records a query string."""

import time

import pytest

from dongui import create_app
from dongui.demo import seed_demo
from dongui.extensions import db
from dongui.models import ClassQuestion, Enrollment, User
from tests.conftest import TEST_SECRET_KEY
from tests.live import GUNICORN, Client, csrf_token, gunicorn

MARKER = "로그에-남으면-안-되는-질문-7f3a"
PASSWORD = "live-demo-password"


@pytest.fixture
def demo_database(tmp_path):
    url = f"sqlite:///{tmp_path / 'live.db'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": TEST_SECRET_KEY,
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    with app.app_context():
        db.create_all()
        seed_demo(PASSWORD)
        db.session.commit()
        student = db.session.execute(db.select(User).filter_by(username="demo-student01")).scalar_one()
        class_id = db.session.execute(db.select(Enrollment.classroom_id).filter_by(
            student_id=student.id)).scalars().first()
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
        status, page = student.request(f"/learn/classes/{class_id}", {"csrf_token": csrf_token(page), "body": MARKER})
        assert status == 200 and MARKER not in page  # sent; not answered, so not shown
        student.request("/help?private-query=1")
        time.sleep(0.5)  # let the workers write their access log lines

    with demo_database["app"].app_context():
        assert [q.body for q in db.session.execute(db.select(ClassQuestion)).scalars()] == [MARKER]
        db.session.remove()
        db.engine.dispose()
    text = log_path.read_text()
    assert "GET /learn/classes" in text and "POST /login" in text  # the access log is on
    assert "POST /learn/classes" not in text
    assert MARKER not in text
    assert "demo-student01" not in text
    request_lines = [line for line in text.splitlines() if '"GET ' in line or '"POST ' in line]
    assert request_lines and not any("?" in line for line in request_lines)
