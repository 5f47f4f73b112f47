"""Teachers preview any module in either language, with notes and the answer key."""

import pytest
import sqlalchemy as sa

from dongui.extensions import db
from dongui.models import ModuleProgress, QuizAttempt, Role
from tests.conftest import login


@pytest.fixture(params=[Role.TEACHER, Role.ADMIN])
def staff(request, client, make_user):
    make_user(role=request.param, username="staff")
    login(client, "staff")


def test_module_list_shows_every_module_including_staff_ones(client, staff):
    page = client.get("/teach/modules").get_data(as_text=True)
    for title in ("표본 수업", "한국어만 있는 수업", "Staff module ko"):
        assert title in page


def test_preview_shows_all_steps_notes_and_answer_key(client, staff):
    page = client.get("/teach/modules/sample").get_data(as_text=True)
    assert "교사용 비밀 메모" in page and "15세 이상을 위한 단계예요." in page
    assert "정답" in page and "맞아요 이유" in page and "핵심 정리" in page
    assert "https://example.org/source" in page and "A source, as published" in page
    assert "예시 신문" in page and "예시 출처" in page
    assert '<div class="protocol protocol-disclosure">' in page and "처음 10분" in page


def test_preview_in_the_other_language(client, staff):
    page = client.get("/teach/modules/sample?lang=en").get_data(as_text=True)
    assert "Secret teacher note" in page and "First step body." in page
    assert 'lang="en"' in page
    assert client.get("/teach/modules/sample?lang=fr").status_code == 404


def test_preview_of_a_missing_language_shows_the_notice(client, staff):
    page = client.get("/teach/modules/korean-only?lang=en").get_data(as_text=True)
    assert "아직 선택한 언어로 준비되지 않아" in page


def test_preview_records_nothing(app, client, staff):
    client.get("/teach/modules/sample")
    client.get("/teach/modules/sample?lang=en")
    with app.app_context():
        for model in (ModuleProgress, QuizAttempt):
            assert db.session.execute(sa.select(sa.func.count()).select_from(model)).scalar_one() == 0


def test_unknown_module_is_404(client, staff):
    assert client.get("/teach/modules/nope").status_code == 404
    assert client.get("/learn/nope").status_code == 404
