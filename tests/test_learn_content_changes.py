"""The answer key never leaks, and a module edited mid-term keeps what students did."""

import re
import shutil

import pytest
import sqlalchemy as sa

from dongui import create_app
from dongui.extensions import db
from dongui.models import ModuleProgress
from tests.conftest import FIXTURE_CONTENT, base_config, login

RIGHT = {"q-q1": "a", "q-q2": ["a", "b"], "q-q3": "b"}


def copy_content(target):
    shutil.copytree(FIXTURE_CONTENT, target)
    return target


def build_app(database_url, content_dir, clock=None, create=True):
    config = base_config(
        database_url, LESSONS_DIR=str(content_dir / "lessons"), QUIZZES_DIR=str(content_dir / "quizzes")
    )
    if clock is not None:
        config["CLOCK"] = clock
    app = create_app(config)
    if create:
        with app.app_context():
            db.create_all()
    return app


def drop(app):
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def move_correct_flags(quiz_path):
    text = quiz_path.read_text(encoding="utf-8")
    # q1: the right answer becomes b instead of a.
    text = text.replace(
        '        correct: true\n        feedback: {ko: "맞아요 이유"',
        '        feedback: {ko: "맞아요 이유"',
        1,
    )
    text = text.replace(
        '      - id: b\n        text: {ko: "틀린 답", en: "Wrong answer"}',
        '      - id: b\n        text: {ko: "틀린 답", en: "Wrong answer"}\n        correct: true',
        1,
    )
    quiz_path.write_text(text, encoding="utf-8")


def test_quiz_page_is_identical_whatever_choice_is_correct(tmp_path, monkeypatch, make_user_in):
    monkeypatch.setattr("dongui.learn.submission.new_nonce", lambda: "fixed-nonce")
    original = copy_content(tmp_path / "a")
    moved = copy_content(tmp_path / "b")
    move_correct_flags(moved / "quizzes" / "sample.yaml")
    pages = []
    for name, content in (("a", original), ("b", moved)):
        app = build_app(f"sqlite:///{tmp_path / name}.db", content)
        make_user_in(app, "pupil")
        client = app.test_client()
        login(client, "pupil")
        page = client.get("/learn/sample/quiz").get_data(as_text=True)
        # The CSRF token is random per session; everything else must be byte-identical.
        page = re.sub(r'data-csrf="[^"]+"', 'data-csrf=""', page)  # quick exit's sign-out beacon
        pages.append(re.sub(r'name="csrf_token" value="[^"]+"', 'name="csrf_token" value=""', page))
        drop(app)
    import difflib

    assert pages[0] == pages[1], "\n".join(
        difflib.unified_diff(pages[0].splitlines(), pages[1].splitlines(), lineterm="")
    )
    assert 'name="q-q1"' in pages[0]


@pytest.fixture
def make_user_in():
    from dongui.models import Role, School
    from dongui.school.accounts import create_user

    def make(app, username):
        with app.app_context():
            school = School(name="S", slug=f"s-{username}")
            db.session.add(school)
            user, _ = create_user(school, username, "학생", Role.STUDENT, "correct horse battery")
            db.session.commit()
            return user.id

    return make


def test_module_edited_mid_term_keeps_completions_and_clamps_the_step(
    tmp_path, database_url, clock, make_user_in
):
    content = copy_content(tmp_path / "content")
    app = build_app(database_url, content, clock)
    try:
        user_id = make_user_in(app, "pupil")
        client = app.test_client()
        login(client, "pupil")
        for step in (1, 2, 3):
            client.post(f"/learn/sample/{step}", data={"action": "next"})
        client.post("/learn/sample/4", data={"action": "finish"})
        page = client.get("/learn/sample/quiz").get_data(as_text=True)
        token = re.search(r'name="token" value="([^"]+)"', page).group(1)
        client.post("/learn/sample/quiz", data={"token": token, **RIGHT})

        # The school edits the module: two steps go, a question is removed.
        for name in ("ko.md", "en.md"):
            path = content / "lessons" / "sample" / name
            text = path.read_text(encoding="utf-8")
            cut = text.index("\n## ", text.index("## ") + 3)
            path.write_text(text[:cut] + "\n", encoding="utf-8")
        quiz = content / "quizzes" / "sample.yaml"
        quiz_text = quiz.read_text(encoding="utf-8")
        quiz.write_text(quiz_text[: quiz_text.index("  - id: q3")], encoding="utf-8")

        edited = build_app(database_url, content, clock, create=False)
        client = edited.test_client()
        login(client, "pupil")
        listing = client.get("/learn").get_data(as_text=True)
        assert "이수 · 최고 점수 100%" in listing  # completion and best score stand
        with edited.app_context():
            row = db.session.execute(sa.select(ModuleProgress).filter_by(user_id=user_id)).scalar_one()
            assert row.lesson_done_at is not None and row.quiz_passed_at is not None
        assert client.get("/learn/sample/2").status_code == 404
        assert client.post("/learn/sample/start").headers["Location"] == "/learn/sample/1"
        client.post("/learn/sample/1", data={"action": "next"})
        with edited.app_context():
            row = db.session.execute(sa.select(ModuleProgress).filter_by(user_id=user_id)).scalar_one()
            assert row.last_step == 1  # clamped to the one step the module has now
        attempt = client.get("/learn/sample?note=read").get_data(as_text=True)
        attempt_url = re.search(r'href="(/learn/sample/attempts/\d+)"', attempt).group(1)
        result = client.get(attempt_url).get_data(as_text=True)
        assert "단원 내용이 바뀌었어요" in result and "참일까요?" not in result
        with edited.app_context():
            db.engine.dispose()
    finally:
        drop(app)


def test_not_now_leaves_no_trace_in_any_table(app, client, make_user):
    make_user(username="pupil")
    login(client, "pupil")
    client.get("/learn")

    def snapshot():
        with app.app_context():
            return {
                table.name: sorted(map(tuple, db.session.execute(sa.select(table)).all()))
                for table in db.metadata.sorted_tables
            }

    before = snapshot()
    client.get("/learn/sample")  # the content note
    client.get("/learn")  # "Not now" is a plain link back
    assert snapshot() == before
