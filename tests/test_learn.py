"""The student's journey through a module, on both databases."""

import re

import pytest
import sqlalchemy as sa

from dongui.extensions import db
from dongui.models import ModuleProgress, QuizAttempt, Role
from tests.conftest import login

RIGHT = {"q-q1": "a", "q-q2": ["a", "b"], "q-q3": "b"}
WRONG = {"q-q1": "b", "q-q2": ["a"], "q-q3": "a"}


@pytest.fixture
def student(client, make_user):
    user_id = make_user(username="pupil")
    login(client, "pupil")
    return user_id


def progress_of(app, user_id, slug="sample"):
    with app.app_context():
        row = db.session.execute(
            sa.select(ModuleProgress).filter_by(user_id=user_id, module_slug=slug)
        ).scalar_one_or_none()
        if row is not None:
            db.session.expunge(row)
        return row


def table_counts(app):
    with app.app_context():
        return {
            model.__tablename__: db.session.execute(
                sa.select(sa.func.count()).select_from(model)
            ).scalar_one()
            for model in (ModuleProgress, QuizAttempt)
        }


def quiz_token(client, slug="sample"):
    page = client.get(f"/learn/{slug}/quiz").get_data(as_text=True)
    return re.search(r'name="token" value="([^"]+)"', page).group(1)


def submit(client, answers, slug="sample", token=None):
    return client.post(f"/learn/{slug}/quiz", data={"token": token or quiz_token(client, slug), **answers})


def test_learn_lists_modules_in_order_with_status(client, student):
    page = client.get("/learn").get_data(as_text=True)
    assert page.index("표본 수업") < page.index("한국어만 있는 수업")
    assert "Staff module" not in page
    assert "시작 전" in page and "20분" in page and "12세 이상" in page


def test_module_page_shows_the_content_note_first_and_not_now_records_nothing(app, client, student):
    page = client.get("/learn/sample").get_data(as_text=True)
    assert "이 수업은 어려운 이야기를 다뤄요." in page
    assert "다음에 할게요" in page and 'href="/learn"' in page
    assert "수업 시작하기" not in page
    assert table_counts(app) == {"module_progress": 0, "quiz_attempts": 0}
    after_note = client.get("/learn/sample?note=read").get_data(as_text=True)
    assert "수업 시작하기" in after_note and "시험용 수업이에요." in after_note
    assert table_counts(app) == {"module_progress": 0, "quiz_attempts": 0}


def test_page_titles_stay_neutral(client, student):
    for path in ("/learn/sample", "/learn/sample/1", "/learn/sample/end", "/learn/sample/quiz"):
        title = re.search(r"<title>(.*?)</title>", client.get(path).get_data(as_text=True)).group(1)
        assert "표본" not in title and title in ("수업 · Dongui", "확인 문제 · Dongui"), (path, title)


def test_step_get_changes_nothing(app, client, student):
    for step in (1, 2, 3, 4):
        assert client.get(f"/learn/sample/{step}").status_code == 200
    assert table_counts(app)["module_progress"] == 0
    assert client.get("/learn/sample/5").status_code == 404
    assert client.get("/learn/sample/0").status_code == 404


def test_start_step_skip_resume_and_finish(app, client, student):
    response = client.post("/learn/sample/start")
    assert response.headers["Location"] == "/learn/sample/1"
    assert client.post("/learn/sample/1", data={"action": "next"}).headers["Location"] == "/learn/sample/2"
    assert progress_of(app, student).last_step == 2
    # "Skip this step" is recorded exactly like Next: only as a read step.
    client.post("/learn/sample/2", data={"action": "next"})
    assert progress_of(app, student).last_step == 3
    assert "진행 중: 4단계 중 3단계" in client.get("/learn").get_data(as_text=True)
    assert client.post("/learn/sample/start").headers["Location"] == "/learn/sample/3"  # resume
    page = client.get("/learn/sample/3").get_data(as_text=True)
    assert "수업 마치기" in page  # step 4 is 15+: optional for completion
    response = client.post("/learn/sample/3", data={"action": "finish"})
    assert response.headers["Location"] == "/learn/sample/end"
    end = client.get("/learn/sample/end").get_data(as_text=True)
    assert "첫째 요점" in end and "/help" in end and "/learn/sample/quiz" in end
    progress = progress_of(app, student)
    assert progress.lesson_done_at is not None and progress.last_step == 3
    assert "수업 완료" in client.get("/learn").get_data(as_text=True)


def test_finishing_before_the_required_steps_is_refused(app, client, student):
    assert client.post("/learn/sample/2", data={"action": "finish"}).status_code == 400
    assert table_counts(app)["module_progress"] == 0


def test_fifteen_plus_step_is_shown_to_all_and_marked_optional(client, student):
    page = client.get("/learn/sample/4").get_data(as_text=True)
    assert "15세 이상을 위한 단계예요." in page and "15세 이상: 선택" in page


def test_step_renders_reflect_callout_footnote_and_help_reference(client, student):
    first = client.get("/learn/sample/1").get_data(as_text=True)
    assert 'class="admonition reflect"' in first and "생각해 보기" in first
    assert "<textarea" not in first and '<input type="text"' not in first
    second = client.get("/learn/sample/2").get_data(as_text=True)
    assert 'href="tel:1388"' in second and "청소년상담" in second
    third = client.get("/learn/sample/3").get_data(as_text=True)
    assert 'class="footnote"' in third
    assert '<progress id="step-progress" max="4" value="3">' in third


def test_fail_then_pass_on_retake_keeps_the_best_score(app, client, student):
    response = submit(client, WRONG)
    assert response.status_code == 302
    result = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "3문제 중 0문제 맞힘" in result and "틀린 이유" in result and "맞아요 이유" in result
    progress = progress_of(app, student)
    assert progress.attempts == 1 and progress.best_score == 0 and progress.quiz_passed_at is None
    response = submit(client, RIGHT)
    result = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "3문제 중 3문제 맞힘" in result and "통과했어요" in result
    submit(client, {"q-q1": "a", "q-q2": ["a"], "q-q3": "b"})  # 2 of 3: passes, but not the best
    progress = progress_of(app, student)
    assert progress.attempts == 3 and progress.best_score == 1.0
    assert progress.quiz_passed_at is not None
    module_page = client.get("/learn/sample?note=read").get_data(as_text=True)
    assert module_page.count("/learn/sample/attempts/") == 3


def test_completed_needs_lesson_and_quiz(app, client, student):
    submit(client, RIGHT)
    assert "이수" not in client.get("/learn").get_data(as_text=True).split("표본 수업")[1][:400]
    client.post("/learn/sample/3", data={"action": "finish"})
    listing = client.get("/learn").get_data(as_text=True)
    assert "이수 · 최고 점수 100%" in listing


def test_multiple_scores_only_the_exact_set(app, client, student):
    submit(client, {"q-q1": "a", "q-q2": ["a", "b", "c"], "q-q3": "b"})
    with app.app_context():
        attempt = db.session.execute(sa.select(QuizAttempt)).scalar_one()
        assert attempt.score == 2 and attempt.answers["q2"] == ["a", "b", "c"]


def test_double_submit_makes_one_attempt(app, client, student):
    token = quiz_token(client)
    first = submit(client, RIGHT, token=token)
    second = submit(client, RIGHT, token=token)
    assert first.headers["Location"] == second.headers["Location"]
    assert table_counts(app)["quiz_attempts"] == 1
    assert progress_of(app, student).attempts == 1


def test_unanswered_question_keeps_answers_and_records_nothing(app, client, student):
    token = quiz_token(client)
    response = submit(client, {"q-q1": "b"}, token=token)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "모든 문제에 답해 주세요." in page
    assert re.search(r'value="b" checked', page)
    assert f'value="{token}"' in page
    assert table_counts(app) == {"module_progress": 0, "quiz_attempts": 0}


@pytest.mark.parametrize(
    "form",
    [
        {"q-q1": "z", "q-q2": "a", "q-q3": "a"},  # unknown choice
        {"q-q9": "a", "q-q1": "a", "q-q2": "a", "q-q3": "a"},  # unknown question
        {"q-q1": ["a", "b"], "q-q2": "a", "q-q3": "a"},  # two answers to a single question
        {"q-q1": "", "q-q2": "a", "q-q3": "a"},  # empty value
    ],
)
def test_tampered_quiz_forms_get_a_localized_400_and_record_nothing(app, client, student, form):
    response = submit(client, form)
    assert response.status_code == 400
    assert "요청에 문제가 있어요" in response.get_data(as_text=True)
    assert table_counts(app) == {"module_progress": 0, "quiz_attempts": 0}


@pytest.mark.parametrize("token", [None, "", "not-a-token", "eyJ1IjoxfQ.forged"])
def test_missing_or_forged_token_is_refused(app, client, student, token):
    data = dict(RIGHT)
    if token is not None:
        data["token"] = token
    assert client.post("/learn/sample/quiz", data=data).status_code == 400
    assert table_counts(app)["quiz_attempts"] == 0


def test_token_of_another_module_or_user_is_refused(app, client, student, make_user):
    other_module_token = quiz_token(client, "korean-only")
    assert submit(client, RIGHT, token=other_module_token).status_code == 400
    make_user(username="other")
    other = app.test_client()
    login(other, "other")
    assert submit(other, RIGHT, token=quiz_token(client)).status_code == 400
    assert table_counts(app)["quiz_attempts"] == 0


def test_attempts_are_private(app, client, student, make_user):
    location = submit(client, RIGHT).headers["Location"]
    make_user(username="other")
    other = app.test_client()
    login(other, "other")
    assert other.get(location).status_code == 404
    attempt_id = location.rsplit("/", 1)[1]
    assert client.get(f"/learn/korean-only/attempts/{attempt_id}").status_code == 404
    assert client.get("/learn/sample/attempts/999999").status_code == 404


def test_quiz_page_hides_the_answer_key(client, student):
    page = client.get("/learn/sample/quiz").get_data(as_text=True)
    assert "correct" not in page.lower().replace("csrf", "")
    assert "맞아요 이유" not in page and "틀린 이유" not in page


def test_choices_are_shuffled_per_attempt(client, student):
    orders = set()
    for _ in range(8):
        page = client.get("/learn/sample/quiz").get_data(as_text=True)
        orders.add(tuple(re.findall(r'id="q-q1-([a-z])"', page)))
    assert len(orders) > 1


def test_practice_quiz_completes_on_submission(app, client, make_user):
    make_user(role=Role.TEACHER, username="coach")
    login(client, "coach")
    response = submit(client, {"q-q1": "b"}, slug="staff-only")
    assert "연습 문제를 마쳤어요." in client.get(response.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        row = db.session.execute(sa.select(ModuleProgress)).scalar_one()
        assert row.quiz_passed_at is not None and row.best_score == 0


def test_staff_only_module_is_invisible_to_students(client, student):
    assert "Staff module" not in client.get("/learn").get_data(as_text=True)
    for path in (
        "/learn/staff-only",
        "/learn/staff-only/1",
        "/learn/staff-only/quiz",
        "/learn/staff-only/end",
    ):
        assert client.get(path).status_code == 404, path
    assert client.post("/learn/staff-only/1", data={"action": "finish"}).status_code == 404


def test_staff_take_staff_modules_and_progress_is_recorded(app, client, make_user):
    teacher_id = make_user(role=Role.TEACHER, username="coach")
    login(client, "coach")
    assert "Staff module" in client.get("/learn").get_data(as_text=True)
    client.post("/learn/staff-only/1", data={"action": "finish"})
    assert progress_of(app, teacher_id, "staff-only").lesson_done_at is not None


def test_missing_language_is_served_in_the_other_with_a_notice(client, student):
    client.set_cookie("lang", "en")
    client.post("/lang", data={"lang": "en"})
    page = client.get("/learn/korean-only").get_data(as_text=True)
    assert "not available in your language yet" in page and "한국어만 있는 수업" in page
    assert '<article class="module-page" lang="ko">' in page
    assert "Choose an answer" not in client.get("/learn/korean-only/quiz").get_data(as_text=True)


def test_english_student_sees_english_content(client, student):
    client.post("/lang", data={"lang": "en"})
    assert "First step body." in client.get("/learn/sample/1").get_data(as_text=True)
    assert "Sample lesson" in client.get("/learn").get_data(as_text=True)


def test_teacher_notes_are_never_shown_to_students(client, student):
    for path in (
        "/learn/sample",
        "/learn/sample?note=read",
        "/learn/sample/1",
        "/learn/sample/end",
        "/learn/sample/quiz",
    ):
        assert "교사용 비밀 메모" not in client.get(path).get_data(as_text=True)
    assert client.get("/teach/modules/sample").status_code == 403
    assert client.get("/teach/modules").status_code == 403


def test_signed_out_learn_pages_redirect_to_login(client):
    for path in ("/learn/sample", "/learn/sample/1", "/learn/sample/quiz"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=")


def test_students_see_outlet_short_title_and_date_never_the_address(client, student):
    page = client.get("/learn/sample/end").get_data(as_text=True)
    assert "예시 신문" in page and "예시 출처" in page and "2024" in page
    assert "example.org" not in page and "A source, as published" not in page
    client.set_cookie("lang", "en")
    page = client.get("/learn/sample/end").get_data(as_text=True)
    assert "Example Times" in page and "A sample source" in page


def test_choices_are_shuffled_per_form_except_true_or_false():
    from dongui.content.schema import Choice, Question
    from dongui.learn.submission import ordered_choices

    def question(kind, n):
        return Question(
            f"q-{kind}",
            kind,
            {"ko": "?", "en": "?"},
            tuple(Choice(f"c{i}", {"ko": str(i), "en": str(i)}, i == 0, {}) for i in range(n)),
        )

    true_false, single = question("true_false", 2), question("single", 4)
    nonces = [f"nonce-{n}" for n in range(20)]
    assert all([c.id for c in ordered_choices(true_false, n)] == ["c0", "c1"] for n in nonces)
    orders = {tuple(c.id for c in ordered_choices(single, n)) for n in nonces}
    assert len(orders) > 1 and ordered_choices(single, "a") == ordered_choices(single, "a")
