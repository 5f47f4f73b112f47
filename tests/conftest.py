"""Fixtures: an app per test on SQLite and (when TEST_DATABASE_URL is set) PostgreSQL."""

import os
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from dongui import create_app, translations
from dongui.extensions import db, limiter
from dongui.models import Enrollment, Role, School
from dongui.school.accounts import create_user
from dongui.school.classes import create_classroom

PASSWORD = "correct horse battery"
TEST_SECRET_KEY = "test-secret-key-that-is-long-enough-for-tests-0123456789"
PG_URL = os.environ.get("TEST_DATABASE_URL")
FIXTURE_CONTENT = Path(__file__).resolve().parent / "content" / "good"
PG_SKIP_REASON = "TEST_DATABASE_URL is not set: the PostgreSQL runs are skipped (CI sets it)"


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogs():
    translations.compile_catalogs()


class FakeClock:
    """A clock the test moves by hand; the app reads it through the CLOCK setting."""

    def __init__(self):
        self.now = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)

    def __call__(self):
        return self.now

    def advance(self, **kwargs):
        self.now += timedelta(**kwargs)


def base_config(database_url: str, **overrides) -> dict:
    config = {
        "TESTING": True,
        "SECRET_KEY": TEST_SECRET_KEY,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "ONE_TIME_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "RATELIMIT_STORAGE_URI": "memory://",
        "QUICK_EXIT_URL": "https://www.weather.go.kr/",
        # A small, stable curriculum for tests; one test checks the shipped one.
        "LESSONS_DIR": str(FIXTURE_CONTENT / "lessons"),
        "QUIZZES_DIR": str(FIXTURE_CONTENT / "quizzes"),
        "SURVEYS_DIR": str(FIXTURE_CONTENT / "surveys"),
        "CONTENT_STRICT": True,
        "CONTENT_CACHE_DIR": None,  # every test app loads its content afresh
    }
    config.update(overrides)
    return config


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "postgresql":
        if not PG_URL:
            pytest.skip(PG_SKIP_REASON)
        return PG_URL
    return f"sqlite:///{tmp_path / 'test.db'}"


@pytest.fixture
def app_config():
    """Tests override settings by filling this mapping before `app` is built."""
    return {}


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def app(database_url, app_config, clock):
    app = create_app(base_config(database_url, CLOCK=clock, **app_config))
    with app.app_context():
        db.create_all()
        if app.config["RATELIMIT_STORAGE_URI"] == "memory://":
            limiter.reset()  # the in-memory limits live as long as the process: start each test clean
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        if database_url.startswith("postgresql"):
            with db.engine.begin() as connection:
                connection.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_school(app):
    counter = iter(range(1, 1000))

    def make(**fields):
        n = next(counter)
        with app.app_context():
            school = School(
                name=fields.pop("name", f"School {n}"), slug=fields.pop("slug", f"school-{n}"), **fields
            )
            db.session.add(school)
            db.session.commit()
            return school.id

    return make


@pytest.fixture
def make_user(app, make_school):
    """Create a user and return its id; a school is made when none is given."""
    counter = iter(range(1, 10000))

    def make(role=Role.STUDENT, school_id=None, username=None, password=PASSWORD, **fields):
        school_id = school_id or make_school()
        with app.app_context():
            school = db.session.get(School, school_id)
            user, _ = create_user(
                school,
                username or f"{role}{next(counter)}",
                fields.pop("display_name", "테스트 사용자"),
                role,
                password,
            )
            for key, value in fields.items():
                setattr(user, key, value)
            db.session.commit()
            return user.id

    return make


@pytest.fixture
def make_classroom(app):
    def make(teacher_id, students=(), name="2학년 3반", year=2026):
        with app.app_context():
            from dongui.models import User

            teacher = db.session.get(User, teacher_id)
            classroom = create_classroom(teacher.school, teacher, name, year)
            for number, student_id in enumerate(students, start=1):
                db.session.add(Enrollment(classroom_id=classroom.id, student_id=student_id, number=number))
            db.session.commit()
            return classroom.id

    return make


def login(client, username, password=PASSWORD, **extra):
    return client.post("/login", data={"username": username, "password": password, **extra})


def get_user(app, user_id):
    from dongui.models import User

    with app.app_context():
        user = db.session.get(User, user_id)
        db.session.expunge(user)
        return user


@pytest.fixture
def content(tmp_path):
    """A copy of the good fixture curriculum that a test may break."""
    shutil.copytree(FIXTURE_CONTENT, tmp_path / "content")
    return tmp_path / "content"


def release_questions(app):
    """Run the question box's daily release now, as if its hour had come (school/questions.py):
    for tests that need an asked question in class_questions without moving the clock."""
    from dongui.clock import utcnow
    from dongui.models import PendingQuestion
    from dongui.school.questions import release_all_due

    with app.app_context():
        now = utcnow()
        db.session.execute(sa.update(PendingQuestion).values(release_at=now))
        db.session.execute(sa.update(School).values(question_release_at=now))
        db.session.commit()
        released = release_all_due()
        db.session.remove()
        return released
