"""Helpers for tests of the content loader and its rules: a breakable copy of the fixture
curriculum (the `content` fixture is in conftest.py), an edit that must find its text, and assertions on `file:line: message`."""

from datetime import date
from pathlib import Path

from dongui.config import ROOT
from dongui.content import load_catalog


def load(content_dir, today=date(2026, 11, 25)):
    config = {
        "HELP_DIR": str(ROOT / "help"),
        "LESSONS_DIR": str(content_dir / "lessons"),
        "QUIZZES_DIR": str(content_dir / "quizzes"),
    }
    return load_catalog(config, today=today)


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text {old!r} not found in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def line_of(path: Path, needle: str, nth: int = 1) -> int:
    found = [n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line]
    return found[nth - 1]


def assert_problem(problems, path: Path, line, message):
    prefix = f"{path}:{line}: " if line else f"{path}: "
    texts = [str(p) for p in problems]
    assert any(t.startswith(prefix) and message in t for t in texts), texts


def meta(c):
    return c / "lessons" / "sample" / "meta.yaml"


def ko(c):
    return c / "lessons" / "sample" / "ko.md"


def en(c):
    return c / "lessons" / "sample" / "en.md"


def quiz(c):
    return c / "quizzes" / "sample.yaml"
