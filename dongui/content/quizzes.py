"""Quiz files: quizzes/<slug>.yaml, both languages side by side."""

import re
from pathlib import Path

from .checks import Problems
from .schema import QUESTION_TYPES, Choice, Question, Quiz
from .yamlsrc import LineDict, LineList

SCHEMA_VERSION = 1
DEFAULT_PASS_MARK = 0.7
ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


def read_quiz(path: Path, locales: tuple[str, ...], problems: Problems) -> Quiz | None:
    """Parse and check a quiz whose texts must be in exactly `locales` (the lesson's)."""
    data = problems.read_mapping(path, "a quiz file")
    if data is None:
        return None
    before = problems.count()
    problems.check_keys(data, path, ("schema_version", "questions"), ("pass_mark", "graded"))
    problems.check_schema_version(data, path, SCHEMA_VERSION)
    graded = problems.boolean(data, "graded", path) if "graded" in data else True
    pass_mark = read_pass_mark(data, graded, path, problems)
    questions = read_questions(data, path, locales, problems)
    if problems.count() > before:
        return None
    return Quiz(graded=graded, pass_mark=pass_mark, questions=questions)


def read_pass_mark(data: LineDict, graded: bool, path, problems: Problems) -> float:
    if "pass_mark" not in data:
        return DEFAULT_PASS_MARK
    value = data["pass_mark"]
    line = data.line_of("pass_mark")
    if not graded:
        problems.add(path, line, "a practice quiz (`graded: false`) has no `pass_mark`")
    elif isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 1:
        problems.add(path, line, "`pass_mark` must be a number above 0 and at most 1, like 0.7")
    else:
        return float(value)
    return DEFAULT_PASS_MARK


def read_questions(data: LineDict, path, locales, problems: Problems) -> tuple[Question, ...]:
    entries = data.get("questions")
    if not isinstance(entries, LineList) or not entries:
        problems.add(path, data.line_of("questions"), "`questions` must be a non-empty list")
        return ()
    questions, seen = [], {}
    for entry in entries:
        question = read_question(entry, path, locales, problems, entries.line)
        if question is None:
            continue
        if question.id in seen:
            problems.add(
                path,
                entry.line_of("id"),
                f"duplicate question id `{question.id}` (first on line {seen[question.id]})",
            )
        seen.setdefault(question.id, entry.line_of("id"))
        questions.append(question)
    return tuple(questions)


def read_question(entry, path, locales, problems: Problems, list_line) -> Question | None:
    if not isinstance(entry, LineDict):
        problems.add(path, list_line, "each question must be a mapping")
        return None
    before = problems.count()
    problems.check_keys(entry, path, ("id", "type", "prompt", "choices"))
    question_id = read_id(entry, path, problems)
    kind = problems.choice(entry, "type", path, QUESTION_TYPES) if "type" in entry else None
    prompt = problems.localized(entry, "prompt", path, locales) if "prompt" in entry else None
    check_plain_text(entry, "prompt", prompt, path, problems)
    choices = read_choices(entry, path, locales, problems)
    if problems.count() > before:
        return None
    check_correct_choices(entry, kind, choices, path, problems)
    if problems.count() > before:
        return None
    return Question(id=question_id, type=kind, prompt=prompt, choices=choices, line=entry.line)


def check_plain_text(mapping: LineDict, key, value, path, problems: Problems) -> None:
    """Quiz text is shown as plain text, so a `[[help:…]]` there would show as typed."""
    if value and any("[[help:" in text for text in value.values()):
        problems.add(
            path, mapping.line_of(key), f"`{key}` is plain text: name the service instead of using [[help:…]]"
        )


def read_id(entry: LineDict, path, problems: Problems) -> str | None:
    value = entry.get("id")
    if not isinstance(value, str) or not ID_PATTERN.match(value):
        problems.add(path, entry.line_of("id"), "`id` must be short text: letters, digits, - or _")
        return None
    return value


def read_choices(entry: LineDict, path, locales, problems: Problems) -> tuple[Choice, ...]:
    entries = entry.get("choices")
    if "choices" not in entry:
        return ()
    if not isinstance(entries, LineList) or len(entries) < 2:
        problems.add(path, entry.line_of("choices"), "`choices` must be a list of at least two")
        return ()
    choices, seen = [], set()
    for item in entries:
        if not isinstance(item, LineDict):
            problems.add(path, entries.line, "each choice must be a mapping")
            continue
        before = problems.count()
        problems.check_keys(item, path, ("id", "text", "feedback"), ("correct",))
        choice_id = read_id(item, path, problems)
        text = problems.localized(item, "text", path, locales) if "text" in item else None
        feedback = problems.localized(item, "feedback", path, locales) if "feedback" in item else None
        correct = problems.boolean(item, "correct", path)
        check_plain_text(item, "text", text, path, problems)
        check_plain_text(item, "feedback", feedback, path, problems)
        if choice_id in seen:
            problems.add(path, item.line_of("id"), f"duplicate choice id `{choice_id}` in this question")
        seen.add(choice_id)
        if problems.count() == before:
            choices.append(Choice(id=choice_id, text=text, correct=correct, feedback=feedback))
    return tuple(choices)


def check_correct_choices(entry: LineDict, kind, choices, path, problems: Problems) -> None:
    correct = sum(1 for c in choices if c.correct)
    line = entry.line_of("choices")
    if kind in ("single", "true_false") and correct != 1:
        problems.add(path, line, f"a `{kind}` question needs exactly one correct choice, not {correct}")
    if kind == "true_false" and len(choices) != 2:
        problems.add(path, line, "a `true_false` question has exactly two choices")
    if kind == "multiple" and correct < 1:
        problems.add(path, line, "a `multiple` question needs at least one correct choice")
