"""The anonymous question box: what is stored, who sees what, limits, and nothing that points
at the asker (DESIGN.md, "Data model" and "Security and privacy")."""

import logging

import pytest
import sqlalchemy as sa

from dongui.extensions import db
from dongui.models import AuditEvent, ClassQuestion, QuestionStatus, Role
from dongui.school.questions import asker_limit_key, is_question_post, render_answer

from .conftest import get_user, login

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
    return dict(school=school, teacher=teacher, other_teacher=other_teacher, student=student,
                classmate=classmate, outsider=outsider, classroom=classroom, other_class=other_class)


def ask(client, class_id, body=QUESTION):
    return client.post(f"/learn/classes/{class_id}", data={"body": body})


def only_question(app):
    with app.app_context():
        question = db.session.execute(db.select(ClassQuestion)).scalar_one()
        db.session.expunge(question)
        return question


def test_the_page_says_what_anonymous_means_before_the_box(client, world):
    login(client, "student")
    page = client.get(f"/learn/classes/{world['classroom']}").get_data(as_text=True)
    explanation = page.index("What \"anonymous\" means here")
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
    assert str(question.created_on) == "2026-11-25"  # 12:00 in Seoul
    assert question.status == QuestionStatus.NEW
    assert len(question.id) >= 20 and not question.id.isdigit()
    columns = {c.name for c in ClassQuestion.__table__.columns}
    assert columns == {"id", "classroom_id", "body", "created_on", "answer", "answered_at", "status"}
    assert isinstance(ClassQuestion.__table__.c.created_on.type, sa.Date)


def test_the_date_is_the_school_local_date(app, client, world, clock):
    clock.advance(hours=16)  # 2026-11-25 19:00 UTC is already the 26th in Seoul
    login(client, "student")
    ask(client, world["classroom"])
    assert str(only_question(app).created_on) == "2026-11-26"


def test_asking_does_not_move_last_active(app, client, world, clock):
    login(client, "student")
    seen = get_user(app, world["student"]).last_seen_at
    clock.advance(minutes=20)
    ask(client, world["classroom"])
    assert get_user(app, world["student"]).last_seen_at == seen


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
        assert db.session.execute(db.select(sa.func.count()).select_from(ClassQuestion)).scalar() == 0


def test_korean_messages(client, world):
    client.set_cookie("lang", "ko")
    login(client, "student")
    page = ask(client, world["classroom"], "").get_data(as_text=True)
    assert "질문을 먼저 써 주세요." in page


def test_korean_pages_name_dongui_by_its_brand_not_as_consent(client, world):
    """Bare "동의" reads as "consent" (GLOSSARY): the brand stays "Dongui" in Korean."""
    client.set_cookie("lang", "ko")
    login(client, "student")
    ask(client, world["classroom"])
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
    response = client.post(f"/teach/classes/{world['classroom']}/questions/{question.id}/answer",
                           data={f"{prefix}-answer": "**아니요.** 신고는 *익명*으로도 할 수 있어요."})
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
    response = client.post(f"/teach/classes/{world['classroom']}/questions/{question.id}/answer",
                           data={f"q{question.id[:8]}-answer": ""})
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
        assert (event.action, event.target_type, event.target_id) == ("question.delete", "classroom", world["classroom"])
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
    with app.app_context():
        for question in db.session.execute(db.select(ClassQuestion)).scalars():
            question.answer, question.status = "답", QuestionStatus.ANSWERED
        db.session.commit()
        by_id = [q.body for q in db.session.execute(
            db.select(ClassQuestion).order_by(ClassQuestion.id)).scalars()]
    login(client, "classmate")
    page = client.get(f"/learn/classes/{world['classroom']}").get_data(as_text=True)
    shown = sorted(by_id, key=page.index)
    assert shown == by_id  # listed by random id, which says nothing about who came first


@pytest.mark.parametrize("app_config", [{"QUESTION_LIMIT": "3 per day"}])
def test_a_daily_limit_per_student_keyed_by_an_hmac(app, client, world, clock):
    login(client, "student")
    for n in range(3):
        assert ask(client, world["classroom"], f"질문 {n}").status_code == 302
    assert ask(client, world["classroom"], "하나 더").status_code == 429
    client.post("/logout")
    login(client, "classmate")
    assert ask(client, world["classroom"], "제 질문").status_code == 302
    with app.test_request_context():
        key = asker_limit_key(world["student"])
    from dongui.extensions import limiter

    stored = [k for k in limiter.storage.storage if "questions" in k]
    # Each stored key is "LIMITER/<who>/<endpoint>:questions/<limit>": <who> is an HMAC, never the id.
    assert {k.split("/")[1] for k in stored} == {key, asker_limit_key_of(app, world["classmate"])}


def asker_limit_key_of(app, user_id):
    with app.test_request_context():
        return asker_limit_key(user_id)


def test_the_limiter_breach_and_the_dev_server_line_are_not_logged(app, client, world, caplog):
    caplog.set_level(logging.DEBUG)
    werkzeug = logging.getLogger("werkzeug")
    werkzeug.info('"%s" %s %s', "POST /learn/classes/3 HTTP/1.1", "302", "-")
    werkzeug.info('"%s" %s %s', "GET /learn/classes/3 HTTP/1.1", "200", "-")
    logging.getLogger("flask-limiter").info("ratelimit %s (%s) exceeded at endpoint: %s", "5/day", "k", "questions")
    lines = [r.getMessage() for r in caplog.records]
    assert not any("POST /learn/classes" in line for line in lines)
    assert any("GET /learn/classes/3" in line for line in lines)
    assert not any("ratelimit" in line for line in lines)


def test_question_post_matcher():
    assert is_question_post("POST", "/learn/classes/12")
    assert is_question_post("POST", "/learn/classes/12/")
    assert not is_question_post("GET", "/learn/classes/12")
    assert not is_question_post("POST", "/learn/consent-basics/2")


def test_answers_keep_formatting_but_no_links_images_or_script():
    html = str(render_answer('**굵게** [link](https://evil.example) ![x](https://evil.example/x.png) '
                             '<script>alert(1)</script> <a href="javascript:alert(1)">x</a>'))
    assert "<strong>굵게</strong>" in html
    for bad in ("<a", "<img", "<script", "evil.example/x.png", "javascript:"):
        assert bad not in html


def test_questions_are_escaped_everywhere(app, client, world):
    payload = '<script>alert("q")</script><img src=x onerror=alert(1)>'
    login(client, "student")
    ask(client, world["classroom"], payload)
    client.post("/logout")
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
