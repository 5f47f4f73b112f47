"""Flask commands: school create, users create-admin / reset-password, demo seed."""

import pytest
from werkzeug.security import check_password_hash

from dongui.demo import DEMO_PASSWORD
from dongui.extensions import db
from dongui.models import Classroom, ClassTeacher, Enrollment, Role, School, User
from tests.conftest import login


def count(app, model):
    with app.app_context():
        return db.session.execute(db.select(db.func.count()).select_from(model)).scalar_one()


def test_school_create(app, runner):
    result = runner.invoke(
        args=[
            "school",
            "create",
            "한빛중학교",
            "--slug",
            "hanbit",
            "--timezone",
            "Asia/Seoul",
            "--locale",
            "ko",
        ]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        school = db.session.execute(db.select(School)).scalar_one()
        assert (school.name, school.slug, school.timezone, school.default_locale) == (
            "한빛중학교",
            "hanbit",
            "Asia/Seoul",
            "ko",
        )


@pytest.mark.parametrize(
    "args, message",
    [
        (["--slug", "Bad Slug"], "Slug"),
        (["--slug", "ok-slug", "--timezone", "Mars/Base"], "Unknown time zone"),
    ],
)
def test_school_create_rejects_bad_input(app, runner, args, message):
    result = runner.invoke(args=["school", "create", "X", *args])
    assert result.exit_code == 1 and message in result.output
    assert count(app, School) == 0


def test_school_slug_must_be_unique(app, runner):
    runner.invoke(args=["school", "create", "A", "--slug", "same"])
    result = runner.invoke(args=["school", "create", "B", "--slug", "same"])
    assert result.exit_code == 1 and "already exists" in result.output


def test_create_admin_with_generated_password(app, runner, client):
    runner.invoke(args=["school", "create", "A", "--slug", "ab"])
    result = runner.invoke(args=["users", "create-admin", "Principal", "--school", "ab"])
    assert result.exit_code == 0, result.output
    password = result.output.strip().rsplit(" ", 1)[1]
    with app.app_context():
        admin = db.session.execute(db.select(User)).scalar_one()
        assert admin.username == "principal" and admin.role == Role.ADMIN
        assert admin.must_change_password and check_password_hash(admin.password_hash, password)
    assert login(client, "principal", password).headers["Location"] == "/password"


def test_create_admin_with_given_password(app, runner, client):
    runner.invoke(args=["school", "create", "A", "--slug", "ab"])
    result = runner.invoke(
        args=["users", "create-admin", "boss", "--school", "ab", "--password", "a fine password"]
    )
    assert result.exit_code == 0 and "One-time" not in result.output
    assert login(client, "boss", "a fine password").headers["Location"] == "/admin"


@pytest.mark.parametrize(
    "args, message",
    [
        (["boss", "--school", "nowhere"], "No school"),
        (["김 교장", "--school", "ab"], "Cannot create"),
    ],
)
def test_create_admin_rejects_bad_input(app, runner, args, message):
    runner.invoke(args=["school", "create", "A", "--slug", "ab"])
    result = runner.invoke(args=["users", "create-admin", *args])
    assert result.exit_code == 1 and message in result.output
    assert count(app, User) == 0


def test_reset_password_prints_a_one_time_password_and_ends_sessions(app, runner, make_user):
    make_user(username="pupil")
    old_browser = app.test_client()
    login(old_browser, "pupil")
    result = runner.invoke(args=["users", "reset-password", "PUPIL"])
    assert result.exit_code == 0, result.output
    password = result.output.split(": ", 1)[1].split()[0]
    assert old_browser.get("/learn").status_code == 302
    assert login(app.test_client(), "pupil", password).headers["Location"] == "/password"


def test_reset_password_for_unknown_user(runner):
    result = runner.invoke(args=["users", "reset-password", "nobody"])
    assert result.exit_code == 1 and "No user" in result.output


def test_demo_seed_builds_the_demo_school(app, runner, client):
    result = runner.invoke(args=["demo", "seed", "--password", "try-it-out-today"])
    assert result.exit_code == 0, result.output
    assert "demo data" in result.output and "demo-teacher" in result.output
    assert count(app, School) == 1 and count(app, Classroom) == 2 and count(app, ClassTeacher) == 2
    assert count(app, Enrollment) == 30
    with app.app_context():
        students = (
            db.session.execute(db.select(User).filter_by(role=Role.STUDENT).order_by(User.username))
            .scalars()
            .all()
        )
        assert [s.username for s in students][:2] == ["demo-student01", "demo-student02"]
        assert students[-1].username == "demo-student30"
        assert all("\uac00" <= s.display_name[0] <= "\ud7a3" for s in students)  # Korean names
        numbers = db.session.execute(db.select(Enrollment.number).order_by(Enrollment.id)).scalars().all()
        assert numbers[:15] == list(range(1, 16))
    for username, landing in (
        ("demo-admin", "/admin"),
        ("demo-teacher", "/teach"),
        ("demo-teacher2", "/teach"),
        ("demo-student17", "/learn"),
    ):
        browser = app.test_client()
        assert login(browser, username, "try-it-out-today").headers["Location"] == landing
        assert browser.get(landing).status_code == 200


def test_demo_seed_is_idempotent(app, runner):
    assert "http://127.0.0.1:5000/login" in runner.invoke(args=["demo", "seed"]).output
    result = runner.invoke(args=["demo", "seed"], env={"DONGUI_DEMO_URL": "http://127.0.0.1:8080"})
    assert result.exit_code == 0 and "already there" in result.output
    assert "http://127.0.0.1:8080/login" in result.output  # make run PORT=8080 says so
    assert count(app, User) == 33


def test_demo_seed_is_refused_in_production(app, runner):
    app.config["DONGUI_ENV"] = "production"
    result = runner.invoke(args=["demo", "seed"])
    assert result.exit_code == 1 and "not for production" in result.output
    assert count(app, School) == 0


def test_demo_pages_show_the_classes(app, runner, client):
    runner.invoke(args=["demo", "seed"])
    login(client, "demo-teacher", DEMO_PASSWORD)
    page = client.get("/teach").get_data(as_text=True)
    assert "2학년 3반" in page and "2학년 4반" not in page
    login(app.test_client(), "demo-admin", DEMO_PASSWORD)
    admin = app.test_client()
    login(admin, "demo-admin", DEMO_PASSWORD)
    report = admin.get("/admin").get_data(as_text=True)
    assert "김선영" in report and "박준호" in report  # plain names: sentences add 선생님 themselves
    student = app.test_client()
    login(student, "demo-student16", DEMO_PASSWORD)
    assert "2학년 4반" in student.get("/learn").get_data(as_text=True)


def test_demo_seed_gives_the_real_course_a_live_dashboard(tmp_path):
    """With the shipped modules, the demo has assignments, progress and attempts of every kind."""
    import sqlalchemy as sa

    from dongui import create_app
    from dongui.config import ROOT
    from dongui.models import Assignment, ModuleProgress, QuizAttempt
    from tests.conftest import base_config

    app = create_app(
        base_config(
            f"sqlite:///{tmp_path / 'demo.db'}",
            LESSONS_DIR=str(ROOT / "lessons"),
            QUIZZES_DIR=str(ROOT / "quizzes"),
        )
    )
    with app.app_context():
        db.create_all()
        assert app.test_cli_runner().invoke(args=["demo", "seed"]).exit_code == 0
        progress = db.session.execute(sa.select(ModuleProgress)).scalars().all()
        assert db.session.execute(sa.select(sa.func.count()).select_from(Assignment)).scalar_one() == 8
        assert any(p.is_completed for p in progress)
        assert any(p.lesson_done_at is None for p in progress)
        assert any(p.lesson_done_at and not p.quiz_passed_at for p in progress)
        attempts = db.session.execute(sa.select(QuizAttempt)).scalars().all()
        assert any(not a.passed for a in attempts) and any(a.passed for a in attempts)
        db.engine.dispose()
