"""Localized error pages, never a traceback; CSRF on in one test."""

import pytest

from tests.conftest import login


def test_404_is_localized(client):
    response = client.get("/nowhere")
    assert response.status_code == 404
    assert "페이지를 찾을 수 없어요" in response.get_data(as_text=True)
    client.set_cookie("lang", "en")
    assert "Page not found" in client.get("/nowhere").get_data(as_text=True)


def test_405_is_localized(client):
    response = client.get("/logout")
    assert response.status_code == 405
    assert "그렇게는 할 수 없어요" in response.get_data(as_text=True)


def test_500_shows_a_localized_page_and_no_traceback(app, client):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internal detail")

    response = client.get("/boom")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Dongui에 문제가 생겼어요" in body
    assert "secret internal detail" not in body and "Traceback" not in body
    assert response.headers["Cache-Control"] == "no-store"


def test_413_for_an_oversized_request(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 100
    response = client.post("/login", data={"username": "x" * 500, "password": "y"})
    assert response.status_code == 413
    assert "파일이 너무 커요" in response.get_data(as_text=True)


class TestWithCsrf:
    @pytest.fixture
    def app_config(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_post_without_token_is_rejected(self, client, make_user):
        make_user(username="pupil")
        response = login(client, "pupil")
        assert response.status_code == 400
        assert "요청에 문제가 있어요" in response.get_data(as_text=True)
        for path in ("/logout", "/lang", "/password"):
            assert client.post(path, data={"lang": "en"}).status_code in (400, 302)

    def test_post_with_token_works(self, client, make_user):
        import re

        make_user(username="pupil")
        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        response = login(client, "pupil", csrf_token=token)
        assert response.status_code == 302 and response.headers["Location"] == "/learn"

    def test_language_switch_and_sign_out_need_the_token(self, client, make_user):
        make_user(username="pupil")
        assert client.post("/lang", data={"lang": "en", "next": "/"}).status_code == 400
        assert client.post("/logout").status_code == 400
