"""What a start can skip: templates compiled by an earlier start are loaded from the content
cache's folder, and gunicorn's master makes the first pages' templates and translations before
it forks (dongui/warm.py)."""

import pytest

from dongui import create_app
from dongui.extensions import db
from dongui.warm import CLASS_PERIOD_TEMPLATES, warm_up
from tests.conftest import base_config


def start(tmp_path, **settings):
    app = create_app(
        base_config(f"sqlite:///{tmp_path / 'app.db'}", CONTENT_CACHE_DIR=str(tmp_path / "cache"), **settings)
    )
    with app.app_context():
        db.create_all()
    return app


def count_compiles(app, monkeypatch) -> list[str]:
    compiled = []
    real = app.jinja_env.compile
    monkeypatch.setattr(
        app.jinja_env,
        "compile",
        lambda source, name=None, *a, **k: compiled.append(name) or real(source, name, *a, **k),
    )
    return compiled


def test_a_second_start_loads_the_templates_the_first_compiled(tmp_path, monkeypatch):
    first = start(tmp_path)
    page = first.test_client().get("/login").get_data(as_text=True)
    assert list((tmp_path / "cache" / "templates").glob("*.cache"))

    second = start(tmp_path)
    compiled = count_compiles(second, monkeypatch)
    assert second.test_client().get("/login").get_data(as_text=True).count("<form") == page.count("<form")
    assert compiled == []


def test_a_damaged_compiled_template_is_compiled_again(tmp_path, monkeypatch):
    start(tmp_path).test_client().get("/login")
    for kept in (tmp_path / "cache" / "templates").glob("*.cache"):
        kept.write_bytes(b"not a template")
    app = start(tmp_path)
    compiled = count_compiles(app, monkeypatch)
    response = app.test_client().get("/login")
    assert response.status_code == 200 and "auth/login.html" in compiled


def test_pages_are_served_where_nothing_can_be_kept(tmp_path):
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / "templates").write_text("a file where the folder would go")
    app = start(tmp_path)
    assert app.jinja_env.bytecode_cache is None
    assert app.test_client().get("/login").status_code == 200


@pytest.mark.parametrize("settings", [{"CONTENT_CACHE_DIR": None}, {"CONTENT_STRICT": False}])
def test_templates_are_kept_only_beside_a_kept_curriculum(tmp_path, settings):
    app = create_app(base_config(f"sqlite:///{tmp_path / 'app.db'}", **settings))
    assert app.jinja_env.bytecode_cache is None


def test_the_master_makes_the_first_pages_before_the_workers_fork(tmp_path, monkeypatch):
    app = start(tmp_path)
    warm_up(app)
    compiled = count_compiles(app, monkeypatch)
    for language in ("ko", "en"):
        assert app.test_client().get("/login", headers={"Accept-Language": language}).status_code == 200
    for name in CLASS_PERIOD_TEMPLATES:
        app.jinja_env.get_template(name)
    assert compiled == []
    with app.app_context():
        assert db.engine.pool.checkedout() == 0  # no connection for a forked worker to share
