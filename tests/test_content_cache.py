"""The validated curriculum is kept between starts, and never outlives a change to it."""

import pytest

from dongui import content as content_package
from dongui import create_app
from dongui.content.errors import ContentInvalid
from tests.conftest import base_config
from tests.content_helpers import edit, en


def start(tmp_path, content_dir):
    return create_app(
        base_config(
            f"sqlite:///{tmp_path / 'app.db'}",
            CONTENT_CACHE_DIR=str(tmp_path / "cache"),
            LESSONS_DIR=str(content_dir / "lessons"),
            QUIZZES_DIR=str(content_dir / "quizzes"),
        )
    )


def count_loads(monkeypatch):
    calls = []
    real = content_package.load_catalog
    monkeypatch.setattr(content_package, "load_catalog", lambda *a, **k: calls.append(1) or real(*a, **k))
    return calls


def test_an_unchanged_curriculum_is_loaded_once_and_reused(tmp_path, content, monkeypatch):
    loads = count_loads(monkeypatch)
    first = start(tmp_path, content)
    second = start(tmp_path, content)
    assert len(loads) == 1
    assert second.extensions["dongui.catalog"] == first.extensions["dongui.catalog"]
    assert len(list((tmp_path / "cache").glob("content-*.pickle"))) == 1


def test_a_changed_file_is_loaded_afresh(tmp_path, content, monkeypatch):
    loads = count_loads(monkeypatch)
    start(tmp_path, content)
    edit(en(content), "Third body.", "Third body, edited.")
    app = start(tmp_path, content)
    assert len(loads) == 2
    step = app.extensions["dongui.catalog"].module("sample").texts["en"].steps[2]
    assert "Third body, edited." in str(step.html)


def test_broken_content_is_never_kept_and_still_refuses_to_start(tmp_path, content):
    start(tmp_path, content)
    edit(en(content), "## First step", "## First step {: .age-18 }")
    with pytest.raises(ContentInvalid):
        start(tmp_path, content)
    with pytest.raises(ContentInvalid):  # again: nothing of the broken load was kept
        start(tmp_path, content)
    assert len(list((tmp_path / "cache").glob("content-*.pickle"))) == 1  # the good one only


def test_an_unreadable_cache_file_is_ignored(tmp_path, content, monkeypatch):
    start(tmp_path, content)
    for cached in (tmp_path / "cache").glob("content-*.pickle"):
        cached.write_bytes(b"not a pickle")
    loads = count_loads(monkeypatch)
    app = start(tmp_path, content)
    assert len(loads) == 1 and app.extensions["dongui.catalog"].module("sample") is not None
