"""The anonymous question box: what is stored, who sees what, limits, and nothing that points
at the asker (DESIGN.md, "Data model" and "Security and privacy")."""

import hashlib
import hmac
import logging
import threading
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from dongui.anonymity import is_anonymous_path
from dongui.extensions import db
from dongui.models import AuditEvent, ClassQuestion, PendingQuestion, QuestionStatus, Role, School
from dongui.school import question_limit
from dongui.school import questions as box
from dongui.school.questions import next_release, release_all_due, render_answer

from .conftest import TEST_SECRET_KEY, get_user, login, release_questions

QUESTION = "딥페이크 사진을 봤는데 신고하면 제 이름이 알려지나요?"


@pytest.fixture(autouse=True)
def english(client):
    client.set_cookie("lang", "en")


@pytest.fixture
def world(app, make_school, make_user, make_classroom):
    school = make_school()
    teacher = make_user(Role.TEACHER, school, username="teacher")
    other_teacher = make_user(Role.TEACHER, school, username="other-teacher")
    student = make_user(Role.STUDENT, school, username="student")
    classmate = make_user(Role.STUDENT, school, username="classmate")
    outsider = make_user(Role.STUDENT, school, username="outsider")
    classroom = make_classroom(teacher, [student, classmate])
    other_class = make_classroom(other_teacher, [outsider], name="1학년 1반")
    return dict(
        school=school,
        teacher=teacher,
        other_teacher=other_teacher,
        student=student,
        classmate=classmate,
        outsider=outsider,
        classroom=classroom,
        other_class=other_class,
    )


def ask(client, class_id, body=QUESTION):
    return client.post(f"/learn/classes/{class_id}", data={"body": body})


def only_question(app):
    release_questions(app)
    with app.app_context():
        question = db.session.execute(db.select(ClassQuestion)).scalar_one()
        db.session.expunge(question)
        return question


def test_the_page_says_what_anonymous_means_before_the_box(client, world):
    login(client, "student")
    page = client.get(f"/learn/classes/{world['classroom']}").get_data(as_text=True)
    explanation = page.index('What "anonymous" means here')
    assert explanation < page.index('name="body"')
    assert "cannot ask you anything back" in page
    assert 'href="/help"' in page


def test_a_question_keeps_only_class_date_and_a_random_id(app, client, world, clock):
    login(client, "student")
    response = ask(client, world["classroom"])
    assert response.status_code == 302
    question = only_question(app)
    assert question.classroom_id == world["classroom"]
    assert question.body == QUESTION
    assert str(question.created_on) == "2026-11-25"  # asked at 12:00 in Seoul
    assert question.status == QuestionStatus.NEW
    assert len(question.id) >= 20 and not question.id.isdigit()
    columns = {c.name for c in ClassQuestion.__table__.columns}
    assert columns == {"id", "classroom_id", "body", "created_on", "answer", "answered_at", "status"}
    assert isinstance(ClassQuestion.__table__.c.created_on.type, sa.Date)


def test_the_date_is_the_school_local_date(app, client, world, clock):
    clock.advance(hours=16)  # 2026-11-25 19:00 UTC is already the 26th in Seoul
    login(client, "student")
    ask(client, world["classroom"])
    clock.advance(days=1)  # past the release (midnight in Seoul), run by the next request
    login(client, "teacher")
    assert "November 26, 2026" in client.get(f"/teach/classes/{world['classroom']}/questions").get_data(
        as_text=True
    )
    with app.app_context():
        assert str(db.session.execute(db.select(ClassQuestion.created_on)).scalar_one()) == "2026-11-26"


def test_the_date_uses_the_installs_zone_not_the_schools_editable_one(app, client, world, clock):
    """An admin who flips the school's time zone cannot move a question's date (finding "the
    date"): 12:00 UTC is the 25th in Seoul (QUESTION_TIMEZONE) but the 26th at UTC+14."""
    with app.app_context():
        db.session.get(School, world["school"]).timezone = "Pacific/Kiritimati"
        db.session.commit()
    clock.advance(hours=9)
    login(client, "student")
    ask(client, world["classroom"])
    assert str(only_question(app).created_on) == "2026-11-25"


def test_asking_does_not_move_last_active(app, client, world, clock):
    login(client, "student")
    client.get("/learn")
    seen = get_user(app, world["student"]).last_seen_at
    clock.advance(minutes=20)
    ask(client, world["classroom"])
    assert get_user(app, world["student"]).last_seen_at == seen


@pytest.mark.parametrize("path", ["/learn/classes/{id}", "//learn/classes/{id}", "/learn/classes/{id}/"])
def test_opening_the_box_does_not_move_last_active(app, client, world, clock, path):
    """Visiting the class page is as silent as asking: "last active" stays put (today's code moved it
    on the GET)."""
    login(client, "student")
    client.get("/learn")
    seen = get_user(app, world["student"]).last_seen_at
    clock.advance(minutes=20)
    path = path.format(id=world["classroom"])
    # PATH_INFO as a server passes it (the test client would read "//learn" as a host).
    assert client.get("/", environ_overrides={"PATH_INFO": path}).status_code in (200, 308, 404)
    assert get_user(app, world["student"]).last_seen_at == seen
    client.get("/learn")
    assert get_user(app, world["student"]).last_seen_at > seen  # any other page still counts


def test_no_audit_event_and_no_user_column_ties_a_question_to_anyone(app, client, world):
    login(client, "student")
    ask(client, world["classroom"])
    with app.app_context():
        assert db.session.execute(db.select(AuditEvent)).scalars().all() == []


def test_empty_and_too_long_questions_are_refused_with_a_message(app, client, world):
    login(client, "student")
    page = ask(client, world["classroom"], "   ").get_data(as_text=True)
    assert "Write your question first." in page
    page = ask(client, world["classroom"], "가" * 1001).get_data(as_text=True)
    assert "At most 1000 characters." in page
    with app.app_context():
        for table in (ClassQuestion, PendingQuestion):
            assert db.session.execute(db.select(sa.func.count()).select_from(table)).scalar() == 0


def test_korean_messages(client, world):
    client.set_cookie("lang", "ko")
    login(client, "student")
    page = ask(client, world["classroom"], "").get_data(as_text=True)
    assert "질문을 먼저 써 주세요." in page


def test_korean_pages_name_dongui_by_its_brand_not_as_consent(app, client, world):
    """Bare "동의" reads as "consent" (GLOSSARY): the brand stays "Dongui" in Korean."""
    client.set_cookie("lang", "ko")
    login(client, "student")
    ask(client, world["classroom"])
    release_questions(app)
    page = client.get(f"/learn/classes/{world['classroom']}").get_data(as_text=True)
    assert "Dongui는 질문 내용, 학급, 날짜만 저장해요." in page and "동의는" not in page
    assert "도움 받기: 전화하거나 연락할 곳" in page
    client.post("/logout")
    login(client, "teacher")
    page = client.get(f"/teach/classes/{world['classroom']}/questions").get_data(as_text=True)
    assert "Dongui도, 선생님도 누가 물었는지 알 수 없어요." in page and "동의도" not in page
    assert "학교의 사안 처리 절차를 따르고" in page
    assert "2026년 11월 25일" in page  # the question's date, in the one date format


def test_students_of_other_classes_and_staff_cannot_use_the_box(client, world):
    login(client, "outsider")
    assert client.get(f"/learn/classes/{world['classroom']}").status_code == 404
    assert ask(client, world["classroom"]).status_code == 404
    client.post("/logout")
    login(client, "teacher")
    assert client.get(f"/learn/classes/{world['classroom']}").status_code == 403


def test_signed_out_is_sent_to_sign_in(client, world):
    response = client.get(f"/learn/classes/{world['classroom']}")
    assert response.status_code == 302 and "/login?next=" in response.location


def test_teacher_answers_and_the_whole_class_sees_it(app, client, world):
    login(client, "student")
    ask(client, world["classroom"])
    client.post("/logout")
    question = only_question(app)
    login(client, "teacher")
    page = client.get(f"/teach/classes/{world['classroom']}/questions").get_data(as_text=True)
    assert QUESTION in page and "No new questions." not in page
    prefix = f"q{question.id[:8]}"
    response = client.post(
        f"/teach/classes/{world['classroom']}/questions/{question.id}/answer",
        data={f"{prefix}-answer": "**아니요.** 신고는 *익명*으로도 할 수 있어요."},
    )
    assert response.status_code == 302
    client.post("/logout")
    login(client, "classmate")
    page = client.get(f"/learn/classes/{world['classroom']}").get_data(as_text=True)
    assert QUESTION in page
    assert "<strong>아니요.</strong>" in page and "<em>익명</em>" in page


def test_unanswered_and_hidden_questions_are_not_shown_to_students(app, client, world):
    login(client, "student")
    ask(client, world["classroom"])
    assert QUESTION not in client.get(f"/learn/classes/{world['classroom']}").get_data(as_text=True)
    client.post("/logout")
    question = only_question(app)
    login(client, "teacher")
    base = f"/teach/classes/{world['classroom']}/questions/{question.id}"
    client.post(f"{base}/answer", data={f"q{question.id[:8]}-answer": "답변"})
    client.post(f"{base}/hide")
    assert only_question(app).status == QuestionStatus.HIDDEN
    client.post("/logout")
    login(client, "student")
    assert QUESTION not in client.get(f"/learn/classes/{world['classroom']}").get_data(as_text=True)
    client.post("/logout")
    login(client, "teacher")
    client.post(f"{base}/show")
    assert only_question(app).status == QuestionStatus.ANSWERED


def test_empty_answer_is_refused_and_nothing_changes(app, client, world):
    login(client, "student")
    ask(client, world["classroom"])
    client.post("/logout")
    question = only_question(app)
    login(client, "teacher")
    response = client.post(
        f"/teach/classes/{world['classroom']}/questions/{question.id}/answer",
        data={f"q{question.id[:8]}-answer": ""},
    )
    assert response.status_code == 400
    assert "Write an answer first." in response.get_data(as_text=True)
    assert only_question(app).status == QuestionStatus.NEW


def test_delete_is_audited_without_the_question(app, client, world):
    login(client, "student")
    ask(client, world["classroom"])
    client.post("/logout")
    question = only_question(app)
    login(client, "teacher")
    client.post(f"/teach/classes/{world['classroom']}/questions/{question.id}/delete")
    with app.app_context():
        assert db.session.get(ClassQuestion, question.id) is None
        event = db.session.execute(db.select(AuditEvent)).scalar_one()
        assert (event.action, event.target_type, event.target_id) == (
            "question.delete",
            "classroom",
            world["classroom"],
        )
        assert QUESTION not in str(event.detail)


def test_other_teachers_cannot_reach_a_classes_questions(app, client, world):
    login(client, "student")
    ask(client, world["classroom"])
    client.post("/logout")
    question = only_question(app)
    login(client, "other-teacher")
    assert client.get(f"/teach/classes/{world['classroom']}/questions").status_code == 404
    for action in ("answer", "hide", "show", "delete"):
        url = f"/teach/classes/{world['classroom']}/questions/{question.id}/{action}"
        assert client.post(url, data={}).status_code == 404
        # Their own class with this class's question id: still not found.
        url = f"/teach/classes/{world['other_class']}/questions/{question.id}/{action}"
        assert client.post(url, data={}).status_code == 404
    assert only_question(app).status == QuestionStatus.NEW


def test_a_question_id_that_is_too_long_or_unknown_is_404(client, world):
    login(client, "teacher")
    base = f"/teach/classes/{world['classroom']}/questions"
    assert client.post(f"{base}/{'x' * 200}/hide").status_code == 404
    assert client.post(f"{base}/nope/hide").status_code == 404


def test_order_within_a_day_does_not_follow_posting_order(app, client, world):
    login(client, "student")
    for n in range(12):
        ask(client, world["classroom"], f"질문 {n:02d}")
    client.post("/logout")
    release_questions(app)
    with app.app_context():
        for question in db.session.execute(db.select(ClassQuestion)).scalars():
            question.answer, question.status = "답", QuestionStatus.ANSWERED
        db.session.commit()
        by_id = [
            q.body for q in db.session.execute(db.select(ClassQuestion).order_by(ClassQuestion.id)).scalars()
        ]
    login(client, "classmate")
    page = client.get(f"/learn/classes/{world['classroom']}").get_data(as_text=True)
    shown = sorted(by_id, key=page.index)
    assert shown == by_id  # listed by random id, which says nothing about who came first


def test_answers_keep_formatting_but_no_links_images_or_script():
    html = str(
        render_answer(
            "**굵게** [link](https://evil.example) ![x](https://evil.example/x.png) "
            '<script>alert(1)</script> <a href="javascript:alert(1)">x</a>'
        )
    )
    assert "<strong>굵게</strong>" in html
    for bad in ("<a", "<img", "<script", "evil.example/x.png", "javascript:"):
        assert bad not in html


def test_questions_are_escaped_everywhere(app, client, world):
    payload = '<script>alert("q")</script><img src=x onerror=alert(1)>'
    login(client, "student")
    ask(client, world["classroom"], payload)
    client.post("/logout")
    release_questions(app)
    login(client, "teacher")
    page = client.get(f"/teach/classes/{world['classroom']}/questions").get_data(as_text=True)
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;" in page


@pytest.mark.parametrize("app_config", [{"QUESTION_LIMIT": "1 per day"}])
def test_the_limit_page_says_when_to_ask_again(client, world):
    login(client, "student")
    ask(client, world["classroom"])
    response = ask(client, world["classroom"], "또")
    assert response.status_code == 429
    assert "You can ask again tomorrow." in response.get_data(as_text=True)


# The daily release (finding "timing through the pages" and "the database's own order") -------


def count(app, model) -> int:
    with app.app_context():
        return db.session.execute(db.select(sa.func.count()).select_from(model)).scalar_one()


def test_a_question_waits_outside_class_questions_until_the_daily_release(app, client, world, clock):
    """Today a question reached the teacher's page the moment it was asked; now it waits, linked to
    nothing but its class, and staff see the day's questions together after the release."""
    login(client, "student")
    ask(client, world["classroom"])
    assert count(app, ClassQuestion) == 0 and count(app, PendingQuestion) == 1
    columns = {c.name for c in PendingQuestion.__table__.columns}
    assert columns == {"id", "classroom_id", "body", "release_at"}  # no user, no time of asking
    with app.app_context():
        waiting = db.session.execute(db.select(PendingQuestion)).scalar_one()
        # Everyone who asks today waits for the same moment: midnight in Seoul.
        assert waiting.release_at == datetime(2026, 11, 25, 15, 0, tzinfo=UTC)
    client.post("/logout")
    login(client, "teacher")
    page = client.get(f"/teach/classes/{world['classroom']}/questions").get_data(as_text=True)
    assert QUESTION not in page and "No new questions." in page
    assert "once a day, at midnight" in page
    clock.advance(hours=12)  # 15:00 UTC: midnight in Seoul
    login(client, "teacher")  # (the session has ended meanwhile)
    page = client.get(f"/teach/classes/{world['classroom']}/questions").get_data(as_text=True)
    assert QUESTION in page and "November 25, 2026" in page
    assert count(app, ClassQuestion) == 1 and count(app, PendingQuestion) == 0


def test_the_release_writes_in_one_transaction_in_random_order(app, client, world, monkeypatch):
    """The table's own order (SQLite rowid, PostgreSQL ctid) follows the release's shuffle, never
    the order of asking; on PostgreSQL every row carries the release's one transaction id."""
    login(client, "student")
    for n in range(5):
        ask(client, world["classroom"], f"질문 {n}")
    monkeypatch.setattr(box, "shuffle", lambda rows: rows.sort(key=lambda row: row["body"], reverse=True))
    assert release_questions(app) == 5
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            stored = (
                db.session.execute(sa.text("SELECT body FROM class_questions ORDER BY rowid")).scalars().all()
            )
        else:
            stored = (
                db.session.execute(sa.text("SELECT body FROM class_questions ORDER BY ctid")).scalars().all()
            )
            xmins = (
                db.session.execute(sa.text("SELECT DISTINCT xmin::text FROM class_questions")).scalars().all()
            )
            assert len(xmins) == 1
    assert stored == [f"질문 {n}" for n in reversed(range(5))]


def test_the_pending_table_keeps_no_arrival_order_on_sqlite(app):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite's rowid only; PostgreSQL's heap order is in the self-hosting guide")
        sql = db.session.execute(
            sa.text("SELECT sql FROM sqlite_master WHERE name = 'pending_questions'")
        ).scalar_one()
    assert "WITHOUT ROWID" in sql


def test_the_release_is_the_students_school_day_and_a_release_hour_the_admin_sets(app, client, world, clock):
    """A 16:00 release gives that day's date; the admin's change applies after the next release, and
    two releases are never less than a day apart, so no change of setting cuts a day short."""
    login(client, "student")
    ask(client, world["classroom"], "첫째")  # waits for midnight (the admin's hour applies after it)
    client.post("/logout")
    with app.app_context():
        db.session.get(School, world["school"]).question_release_hour = 16
        db.session.commit()
    clock.advance(hours=12, minutes=5)  # 00:05 on the 26th in Seoul: the midnight release is due
    login(client, "student")
    ask(client, world["classroom"], "둘째")
    with app.app_context():
        released = db.session.execute(db.select(ClassQuestion.body, ClassQuestion.created_on)).all()
        assert [(b, str(d)) for b, d in released] == [("첫째", "2026-11-25")]
        school = db.session.get(School, world["school"])
        # Not 16:00 on the 26th (16 hours after midnight's release) but 16:00 on the 27th.
        assert school.question_release_at == datetime(2026, 11, 27, 7, 0, tzinfo=UTC)
        waiting = db.session.execute(db.select(PendingQuestion.release_at)).scalar_one()
        assert waiting == school.question_release_at


def test_next_release_keeps_a_day_between_releases():
    from zoneinfo import ZoneInfo

    seoul = ZoneInfo("Asia/Seoul")
    noon = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)  # 12:00 in Seoul
    assert next_release(noon, 0, seoul) == datetime(2026, 11, 25, 15, 0, tzinfo=UTC)
    assert next_release(noon, 13, seoul) == datetime(2026, 11, 25, 4, 0, tzinfo=UTC)
    just_released = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)  # 11:00 in Seoul
    # Moving the hour from 11 to 13 does not make a two-hour day: the next is tomorrow at 13:00.
    assert next_release(noon, 13, seoul, previous=just_released) == datetime(2026, 11, 26, 4, 0, tzinfo=UTC)


def test_releases_racing_each_other_write_each_question_once(app, client, world):
    """Workers, servers and a cron job may all find the release due at once: one runs it."""
    login(client, "student")
    for n in range(5):
        ask(client, world["classroom"], f"질문 {n}")
    with app.app_context():
        now = box.utcnow()
        db.session.execute(sa.update(PendingQuestion).values(release_at=now))
        db.session.execute(sa.update(School).values(question_release_at=now))
        db.session.commit()
    results, start = [], threading.Barrier(6)

    def run():
        with app.app_context():
            start.wait()
            results.append(release_all_due())
            db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [0, 0, 0, 0, 0, 5]
    assert count(app, ClassQuestion) == 5 and count(app, PendingQuestion) == 0


def test_the_release_command_for_cron(app, client, world, runner, clock):
    login(client, "student")
    ask(client, world["classroom"])
    clock.advance(days=1)
    result = runner.invoke(args=["questions", "release"])
    assert result.exit_code == 0 and "Released 1 question(s)." in result.output
    assert runner.invoke(args=["questions", "release"]).output.strip() == "Released 0 question(s)."


def test_students_are_told_the_box_is_daily_and_urgent_help_is_the_help_panel(client, world):
    login(client, "student")
    page = client.get(f"/learn/classes/{world['classroom']}").get_data(as_text=True)
    assert "Your teacher sees new questions once a day, at midnight" in page
    assert "The box is not for urgent help" in page and 'href="/help"' in page
    response = ask(client, world["classroom"])
    page = client.get(response.location).get_data(as_text=True)
    assert "after the box&#39;s next daily release" in page


def test_the_box_in_korean(client, world):
    client.set_cookie("lang", "ko")
    login(client, "student")
    page = client.get(f"/learn/classes/{world['classroom']}").get_data(as_text=True)
    assert "하루에 한 번, 자정에" in page and "급한 도움" in page


# The daily limit (finding "the limit key") ---------------------------------------------------


def store_keys(app) -> list[str]:
    return app.extensions["question_limit"]["memory"].keys()


@pytest.mark.parametrize("app_config", [{"QUESTION_LIMIT": "3 per day"}])
def test_the_limit_key_is_not_derived_from_the_secret_key(app, client, world):
    """Today the key was HMAC(SECRET_KEY, user id): anyone with the key and the store could name
    the askers. Now a random pepper made for the day, in memory only."""
    login(client, "student")
    for n in range(3):
        assert ask(client, world["classroom"], f"질문 {n}").status_code == 302
    assert ask(client, world["classroom"], "하나 더").status_code == 429
    client.post("/logout")
    login(client, "classmate")
    assert ask(client, world["classroom"], "제 질문").status_code == 302
    keys = store_keys(app)
    assert len(keys) == 2
    for user_id in (world["student"], world["classmate"]):
        old_key = hmac.new(
            TEST_SECRET_KEY.encode(), f"question-limit:{user_id}".encode(), hashlib.sha256
        ).hexdigest()
        assert old_key not in keys
    from dongui.extensions import limiter

    assert not any("question" in key for key in getattr(limiter.storage, "storage", {}))


@pytest.mark.parametrize("app_config", [{"QUESTION_LIMIT": "2 per day"}])
def test_the_window_ends_at_local_midnight_and_the_pepper_changes(app, client, world, clock):
    """Today the window started at the first question (its expiry told when that was). Now every
    count of a day ends at midnight in Seoul, and the next day has a new pepper."""
    clock.advance(hours=11, minutes=30)  # 23:30 in Seoul
    login(client, "student")
    assert ask(client, world["classroom"], "하나").status_code == 302
    assert ask(client, world["classroom"], "둘").status_code == 302
    assert ask(client, world["classroom"], "셋").status_code == 429
    before = set(store_keys(app))
    clock.advance(minutes=25)  # 23:55: the session is still alive, the day is not over
    assert ask(client, world["classroom"], "넷").status_code == 429
    clock.advance(minutes=10)  # 00:05 on the 26th
    assert ask(client, world["classroom"], "다섯").status_code == 302
    after = set(store_keys(app))
    assert after and not (before & after)  # yesterday's counts are gone, and today's key is new


@pytest.fixture
def redis_url():
    import shutil
    import socket
    import subprocess
    import time

    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        import redis

        client = redis.Redis(port=port)
        for _ in range(100):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def redis_app(redis_url, database_url, clock):
    from dongui import create_app

    from .conftest import base_config

    clock.now = datetime.now(UTC)  # Redis expires keys on its own clock: keep the app's near it
    app = create_app(
        base_config(database_url, CLOCK=clock, RATELIMIT_STORAGE_URI=redis_url, QUESTION_LIMIT="2 per day")
    )
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def test_in_redis_every_count_of_a_day_expires_at_the_same_moment(redis_app, redis_url):
    """With Redis, the pepper lives there too (every worker and server counts alike), and every key
    of the day expires at local midnight: the store says who counted, never when."""
    import redis

    app = redis_app
    with app.app_context():
        school = School(name="S", slug="s")
        db.session.add(school)
        db.session.commit()
        for n in range(3):
            assert question_limit.take_one(1000 + n)
        assert question_limit.take_one(1000) and not question_limit.take_one(1000)
        _day, midnight = question_limit.box_day()
    store = redis.Redis.from_url(redis_url)
    keys = [k.decode() for k in store.keys("dongui:questions:*")]
    counts = [k for k in keys if ":pepper:" not in k]
    assert len(counts) == 3 and not any(str(1000 + n) in k.split(":")[-1] for n in range(3) for k in counts)
    expiries = {store.expiretime(k) for k in keys}
    assert expiries == {int(midnight.timestamp())}


# One declaration (finding "one declaration") ---------------------------------------------------


@pytest.mark.parametrize(
    "path, anonymous",
    [
        ("/learn/classes/12", True),
        ("/learn/classes/12/", True),
        ("//learn/classes/12", True),
        ("/learn//classes/12", True),
        ("/learn/classes/%31%32", True),
        ("/learn/./classes/12", True),
        ("/learn/x/../classes/12", True),
        ("/learn/classes/012", True),
        ("/learn/classes/12/extra", False),
        ("/learn/consent-basics/2", False),
        ("/help", False),
        ("/teach/classes/12/questions", False),
        ("/learn/classes/" + "9" * 30, True),  # no such class (404), but the box's address: no line either
    ],
)
def test_anonymous_paths_are_matched_as_the_app_routes_them(app, path, anonymous):
    assert is_anonymous_path(path) is anonymous


def test_the_declaration_names_real_pages():
    from dongui import create_app
    from dongui.anonymity import ANONYMOUS_ENDPOINTS

    from .conftest import base_config

    app = create_app(base_config("sqlite://"))
    assert ANONYMOUS_ENDPOINTS <= {rule.endpoint for rule in app.url_map.iter_rules()}


def test_every_consumer_asks_the_one_declaration(app, client, world, clock, monkeypatch, caplog):
    """Declare /help anonymous, and every consumer follows: gunicorn's access log, the development
    server's log filter, the error log and the last-seen hook."""
    import importlib.util

    from dongui import anonymity
    from dongui.config import ROOT
    from dongui.logs import AnonymousRequestFilter

    monkeypatch.setattr(anonymity, "ANONYMOUS_ENDPOINTS", frozenset({"help.help_page"}))
    # the last-seen hook
    login(client, "student")
    client.get("/learn")
    seen = get_user(app, world["student"]).last_seen_at
    clock.advance(minutes=20)
    client.get("/help")
    assert get_user(app, world["student"]).last_seen_at == seen
    # the development server's request line
    record = logging.LogRecord(
        "werkzeug", logging.INFO, "", 0, '"%s" %s %s', ("GET /help HTTP/1.1", "200", "-"), None
    )
    assert AnonymousRequestFilter().filter(record) is False
    # gunicorn's access log
    spec = importlib.util.spec_from_file_location("gunicorn_conf", ROOT / "gunicorn.conf.py")
    conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conf)
    written = []
    monkeypatch.setattr(conf.Logger, "access", lambda self, *args: written.append(args))
    logger = conf.DonguiLogger.__new__(conf.DonguiLogger)
    logger.access(None, None, {"PATH_INFO": "/help", "REQUEST_METHOD": "GET"}, None)
    logger.access(None, None, {"PATH_INFO": "/learn", "REQUEST_METHOD": "GET"}, None)
    assert len(written) == 1
    # the error log
    from dongui.help import pages

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(pages, "render_template", broken)
    caplog.set_level(logging.DEBUG)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    assert client.get("/help").status_code == 500
    assert not [r for r in caplog.records if "unhandled error" in r.getMessage()]


@pytest.mark.parametrize(
    "lang, guarantees, limits",
    [
        (
            "en",
            [
                "once a day",
                "in a mixed order",
                "never the time",
                "don't record that anyone opened the box",
                "changes every day",
            ],
            ["only student of your class who used Dongui on a day", "A backup made in that time holds it"],
        ),
        (
            "ko",
            ["하루에 한 번", "섞인 순서로", "시각 없이 날짜만", "누가 질문함을 열었는지", "매일 바뀌고"],
            ["Dongui를 쓴 학생이 나 혼자였다면", "그동안 만든 백업에도"],
        ),
    ],
)
def test_the_privacy_notice_says_what_the_box_guarantees_and_what_it_cannot(client, lang, guarantees, limits):
    client.set_cookie("lang", lang)
    page = client.get("/privacy").get_data(as_text=True).replace("&#39;", "'")
    for text in guarantees + limits:
        assert text in page, text
