"""The content loader: every validation rule reports `file:line: what is wrong`."""

import shutil
from datetime import date

import pytest

from dongui import create_app
from dongui.config import ROOT
from dongui.content import load_catalog
from dongui.content.errors import ContentInvalid
from tests.conftest import base_config
from tests.content_helpers import assert_problem, edit, en, ko, line_of, load, meta, quiz


def test_good_fixture_loads_without_errors(content):
    report = load(content)
    assert report.errors == ()
    assert [m.slug for m in report.catalog.modules] == ["sample", "korean-only", "staff-only"]
    sample = report.catalog.module("sample")
    assert sample.step_count == 4 and sample.optional_steps == {4} and sample.last_required_step == 3
    assert sample.texts["ko"].key_points == ("첫째 요점", "둘째 요점")
    assert sample.texts["en"].teacher_notes is not None
    assert len(sample.content_hash) == 16


def test_folders_starting_with_underscore_or_dot_are_not_modules(content):
    (content / "lessons" / ".hidden").mkdir()
    assert load(content).errors == ()


def test_shipped_curriculum_has_no_errors():
    config = {
        "HELP_DIR": str(ROOT / "help"),
        "LESSONS_DIR": str(ROOT / "lessons"),
        "QUIZZES_DIR": str(ROOT / "quizzes"),
    }
    report = load_catalog(config)
    assert report.errors == (), "\n".join(map(str, report.errors))
    assert report.catalog.module("consent-basics") is not None


# (name, which file, old text, new text, needle for the expected line or a number, message)
RULES = [
    ("yaml error in meta", meta, "minutes: 20", "minutes: [20", "minutes", "YAML error"),
    ("missing meta key", meta, 'age: "12+"\n', "", 1, "missing key `age`"),
    ("unknown meta key", meta, "order: 1", "order: 1\ncolour: red", "colour", "unknown key `colour`"),
    ("wrong type", meta, "minutes: 20", "minutes: twenty", "minutes", "`minutes` must be a whole number"),
    (
        "unknown audience",
        meta,
        "audience: students",
        "audience: parents",
        "audience",
        "`audience` must be one of",
    ),
    ("unknown age", meta, 'age: "12+"', 'age: "18+"', "age", "`age` must be one of"),
    (
        "unknown meta schema",
        meta,
        "schema_version: 1",
        "schema_version: 3",
        "schema_version",
        "unknown schema_version 3",
    ),
    (
        "missing front matter key",
        ko,
        "key_points: [첫째 요점, 둘째 요점]\n",
        "",
        2,
        "missing key `key_points`",
    ),
    (
        "unknown front matter key",
        ko,
        "title: 표본 수업",
        "title: 표본 수업\nauthor: 누군가",
        "author",
        "unknown key `author`",
    ),
    (
        "front matter yaml error",
        ko,
        "summary: 시험용 수업이에요.",
        "summary: [시험용",
        "summary",
        "YAML error",
    ),
    (
        "no front matter",
        en,
        "---\ntitle: Sample lesson",
        "title: Sample lesson",
        1,
        "must start with a `---`",
    ),
    (
        "text before first step",
        en,
        "---\n## First step",
        "---\nStray text.\n## First step",
        "Stray text",
        "text before the first",
    ),
    (
        "unknown step marker",
        en,
        "{: .age-15 }",
        "{: .age-18 }",
        "Going further",
        "unknown step marker `.age-18`",
    ),
    (
        "unknown help channel",
        en,
        "[[help:youth-1388]]",
        "[[help:no-such-line]]",
        "no-such-line",
        "unknown help channel `[[help:no-such-line]]`",
    ),
    (
        "unknown quiz schema",
        quiz,
        "schema_version: 1",
        "schema_version: 2",
        "schema_version",
        "unknown schema_version 2",
    ),
    (
        "quiz yaml error",
        quiz,
        'prompt: {ko: "첫 질문", en: "First question"}',
        'prompt: {ko: "첫 질문", en: "First question"',
        "첫 질문",
        "YAML error",
    ),
    ("duplicate question id", quiz, "id: q2", "id: q1", ("id: q1", 2), "duplicate question id `q1`"),
    ("duplicate choice id", quiz, "id: b", "id: a", ("id: a", 2), "duplicate choice id `a`"),
    (
        "single with two correct",
        quiz,
        'text: {ko: "틀린 답", en: "Wrong answer"}',
        'text: {ko: "틀린 답", en: "Wrong answer"}\n        correct: true',
        ("choices:", 1),
        "needs exactly one correct choice, not 2",
    ),
    (
        "true_false with none correct",
        quiz,
        '        correct: true\n        feedback: {ko: "맞아요, 거짓이에요"',
        '        feedback: {ko: "맞아요, 거짓이에요"',
        ("choices:", 3),
        "needs exactly one correct choice, not 0",
    ),
    (
        "missing feedback",
        quiz,
        '        feedback: {ko: "다 피드백", en: "Charlie feedback"}\n',
        "",
        ("id: c", 2),
        "missing key `feedback`",
    ),
    ("unknown question type", quiz, "type: multiple", "type: essay", "type: essay", "`type` must be one of"),
    (
        "pass mark out of range",
        quiz,
        "pass_mark: 0.6",
        "pass_mark: 60",
        "pass_mark",
        "`pass_mark` must be a number above 0",
    ),
    (
        "practice quiz with pass mark",
        quiz,
        "pass_mark: 0.6",
        "pass_mark: 0.6\ngraded: false",
        "pass_mark",
        "has no `pass_mark`",
    ),
    (
        "help reference in quiz feedback",
        quiz,
        'feedback: {ko: "틀린 이유", en: "Why it is wrong"}',
        'feedback: {ko: "틀린 이유 [[help:d4u]]", en: "Why it is wrong"}',
        "[[help:d4u]]",
        "is plain text",
    ),
    (
        "quiz language missing",
        quiz,
        'prompt: {ko: "첫 질문", en: "First question"}',
        'prompt: {ko: "첫 질문"}',
        "첫 질문",
        "must have exactly `ko` and `en`",
    ),
]


@pytest.mark.parametrize("name, file_of, old, new, where, message", RULES, ids=[r[0] for r in RULES])
def test_each_rule_reports_file_and_line(content, name, file_of, old, new, where, message):
    path = file_of(content)
    edit(path, old, new)
    if isinstance(where, int):
        line = where
    elif isinstance(where, tuple):
        line = line_of(path, *where)
    else:
        line = line_of(path, where)
    report = load(content)
    assert_problem(report.errors, path, line, message)
    assert report.catalog.module("sample") is None  # a broken module is never served


def test_multiple_without_a_correct_choice(content):
    path = quiz(content)
    edit(
        path,
        '        correct: true\n        feedback: {ko: "가 피드백"',
        '        feedback: {ko: "가 피드백"',
    )
    edit(
        path,
        '        correct: true\n        feedback: {ko: "나 피드백"',
        '        feedback: {ko: "나 피드백"',
    )
    assert_problem(
        load(content).errors, path, line_of(path, "choices:", 2), "needs at least one correct choice"
    )


def test_quiz_language_must_match_the_lessons(content):
    path = content / "quizzes" / "korean-only.yaml"
    edit(path, 'prompt: {ko: "질문"}', 'prompt: {ko: "질문", en: "Question"}')
    assert_problem(load(content).errors, path, line_of(path, "질문"), "must have exactly `ko`, each")


def test_quiz_without_a_lesson(content):
    orphan = content / "quizzes" / "orphan.yaml"
    shutil.copy(content / "quizzes" / "sample.yaml", orphan)
    assert_problem(load(content).errors, orphan, 0, "a quiz without a lesson")


def test_lesson_without_a_quiz(content):
    (content / "quizzes" / "sample.yaml").unlink()
    assert_problem(load(content).errors, meta(content), 0, "a lesson without a quiz")


def test_legal_lesson_without_sources(content):
    staff_meta = content / "lessons" / "staff-only" / "meta.yaml"
    staff_meta.write_text(staff_meta.read_text() + "legal: {jurisdiction: KR, as_of: 2026-11-01}\n")
    assert_problem(load(content).errors, staff_meta, line_of(staff_meta, "legal"), "needs `sources`")


def test_step_counts_must_match_between_languages(content):
    edit(en(content), "## Third step\n", "")
    assert_problem(load(content).errors, en(content), 0, "3 steps, but ko.md has 4")


def test_a_lesson_with_no_language_file(content):
    (content / "lessons" / "korean-only" / "ko.md").unlink()
    assert_problem(load(content).errors, content / "lessons" / "korean-only", 0, "needs ko.md or en.md")


def test_bad_slug(content):
    shutil.copytree(content / "lessons" / "sample", content / "lessons" / "Bad_Slug")
    assert_problem(load(content).errors, content / "lessons" / "Bad_Slug", 0, "may use only a-z")


def test_every_problem_is_reported_at_once(content):
    edit(meta(content), "minutes: 20", "minutes: twenty")
    edit(quiz(content), "type: multiple", "type: essay")
    edit(en(content), "[[help:youth-1388]]", "[[help:nope]]")
    assert len(load(content).errors) == 3


def test_missing_language_is_a_warning(content):
    report = load(content)
    assert_problem(
        report.warnings,
        content / "lessons" / "korean-only" / "en.md",
        0,
        "missing language: the module is served in `ko`",
    )
    assert report.catalog.module("korean-only").locales == ("ko",)


def test_old_legal_date_is_a_warning_and_review_is_information(content):
    path = meta(content)
    path.write_text(path.read_text() + "legal: {jurisdiction: KR, as_of: 2025-01-10}\n")
    report = load(content, today=date(2026, 11, 25))
    assert report.errors == ()
    assert_problem(report.warnings, path, line_of(path, "legal"), "over a year ago")
    assert report.info and "lawyer's review" in report.info[0] and "sample" in report.info[0]
    fresh = load(content, today=date(2025, 6, 1))
    assert not [w for w in fresh.warnings if "over a year" in str(w)]


def test_content_hash_changes_with_the_text(content):
    before = load(content).catalog.module("sample").content_hash
    edit(ko(content), "첫 단계 본문이에요.", "첫 단계 본문을 고쳤어요.")
    assert load(content).catalog.module("sample").content_hash != before


def test_markdown_is_sanitised(content):
    edit(
        en(content),
        "First step body.",
        'First <script>alert(1)</script> <a href="javascript:x">x</a> <b onclick="x()">b</b>',
    )
    html = str(load(content).catalog.module("sample").texts["en"].steps[0].html)
    assert "<script" not in html and "javascript:" not in html and "onclick" not in html


# The app and `flask content check` -----------------------------------------------------


def test_app_refuses_to_start_on_content_errors(content, tmp_path):
    edit(meta(content), "minutes: 20", "minutes: twenty")
    with pytest.raises(ContentInvalid) as excinfo:
        create_app(
            base_config(
                f"sqlite:///{tmp_path / 'x.db'}",
                LESSONS_DIR=str(content / "lessons"),
                QUIZZES_DIR=str(content / "quizzes"),
            )
        )
    assert f"{meta(content)}:{line_of(meta(content), 'minutes')}: `minutes` must be a whole number" in str(
        excinfo.value
    )


def content_app(content, tmp_path):
    return create_app(
        base_config(
            f"sqlite:///{tmp_path / 'x.db'}",
            LESSONS_DIR=str(content / "lessons"),
            QUIZZES_DIR=str(content / "quizzes"),
            CONTENT_STRICT=False,
        )
    )


def test_content_check_lists_every_problem_and_fails(content, tmp_path):
    edit(meta(content), "minutes: 20", "minutes: twenty")
    edit(quiz(content), "type: multiple", "type: essay")
    result = content_app(content, tmp_path).test_cli_runner().invoke(args=["content", "check"])
    assert result.exit_code == 1
    assert f"error: {meta(content)}:{line_of(meta(content), 'minutes')}:" in result.output
    assert f"error: {quiz(content)}:{line_of(quiz(content), 'type: essay')}:" in result.output
    assert "warning: " in result.output and "missing language" in result.output
    assert "2 error(s)" in result.output


def test_content_check_passes_on_the_fixture(content, tmp_path):
    result = content_app(content, tmp_path).test_cli_runner().invoke(args=["content", "check"])
    assert result.exit_code == 0, result.output
    assert "3 module(s), 0 error(s), 1 warning(s)." in result.output


def test_content_check_passes_on_the_shipped_content(tmp_path):
    app = create_app(
        base_config(
            f"sqlite:///{tmp_path / 'x.db'}",
            LESSONS_DIR=str(ROOT / "lessons"),
            QUIZZES_DIR=str(ROOT / "quizzes"),
        )
    )
    result = app.test_cli_runner().invoke(args=["content", "check"])
    assert result.exit_code == 0, result.output
