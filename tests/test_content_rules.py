"""Course-wide content rules, each on a mutated copy of the fixture curriculum: the shared
disclosure protocol, fair quizzes, one name per statute, characters that keep one role, and
sources a student can read."""

import shutil

import pytest

from tests.content_helpers import assert_problem, edit, en, ko, line_of, load, meta, quiz


def notes(c, locale="en"):
    return c / "lessons" / "sample" / f"teacher.{locale}.md"


def staff_lesson(c):
    return c / "lessons" / "staff-only" / "en.md"


def messages(problems):
    return [str(p) for p in problems]


# The disclosure protocol ---------------------------------------------------------------


def test_the_protocol_is_rendered_into_teacher_notes_in_each_language(content):
    sample = load(content).catalog.module("sample")
    english, korean = str(sample.texts["en"].teacher_notes), str(sample.texts["ko"].teacher_notes)
    assert '<div class="protocol protocol-disclosure">' in english and "The first ten minutes" in english
    assert "처음 10분" in korean and "[[protocol" not in korean
    # the protocol's ### sits one level under the notes' own ## (h3 in the preview's h2)
    assert "<h4>The first ten minutes</h4>" in english
    assert 'href="tel:112"' in english  # help references inside the protocol are rendered


def test_teacher_notes_without_the_protocol_are_an_error(content):
    edit(notes(content), "[[protocol:disclosure]]\n", "Tell the office.\n")
    report = load(content)
    assert_problem(report.errors, notes(content), 1, "must include the disclosure protocol")
    assert report.catalog.module("sample") is None


def test_an_unknown_shared_text_is_an_error_at_its_line(content):
    edit(notes(content), "[[protocol:disclosure]]", "[[protocol:discloser]]")
    assert_problem(
        load(content).errors,
        notes(content),
        line_of(notes(content), "discloser"),
        "unknown shared text `[[protocol:discloser]]`",
    )


def test_a_student_lesson_never_includes_staff_text(content):
    edit(en(content), "Third body.", "Third body.\n\n[[protocol:disclosure]]\n")
    assert_problem(
        load(content).errors,
        en(content),
        line_of(en(content), "[[protocol:"),
        "is for teachers: a student lesson never includes it",
    )


def test_a_staff_module_lesson_may_include_the_protocol(content):
    edit(
        staff_lesson(content), "Handling a disclosure.", "Handling a disclosure.\n\n[[protocol:disclosure]]\n"
    )
    report = load(content)
    assert report.errors == ()
    step = report.catalog.module("staff-only").texts["en"].steps[0]
    assert "<h3>The first ten minutes</h3>" in str(step.html)


def test_a_missing_protocol_file_is_an_error(content):
    shared = content / "lessons" / "_shared"
    (shared / "disclosure.ko.md").unlink()
    assert_problem(load(content).errors, shared / "disclosure.ko.md", 0, "the disclosure protocol is missing")


def test_the_protocol_has_no_step_headings(content):
    shared = content / "lessons" / "_shared" / "disclosure.en.md"
    edit(shared, "### The first ten minutes", "## The first ten minutes")
    assert_problem(load(content).errors, shared, 1, "has no `## ` headings")


# Fair quizzes ----------------------------------------------------------------------------


def test_a_quiz_whose_right_answer_is_the_longest_is_warned_about_per_language(content):
    edit(
        quiz(content),
        'text: {ko: "맞는 답", en: "Right answer"}',
        'text: {ko: "맞는 답", en: "The right answer, explained at great length"}',
    )
    report = load(content)
    assert report.errors == ()
    assert_problem(
        report.warnings,
        quiz(content),
        line_of(quiz(content), "id: q1"),
        "the right answer is the longest option in 1 of 1 single-choice questions (en)",
    )
    assert not any("(ko)" in w for w in messages(report.warnings))


def test_a_tie_for_longest_gives_nothing_away(content):
    edit(
        quiz(content),
        'text: {ko: "맞는 답", en: "Right answer"}',
        'text: {ko: "맞는 답", en: "Right answer, here we go"}',
    )
    edit(
        quiz(content),
        'text: {ko: "다른 틀린 답", en: "Another wrong answer"}',
        'text: {ko: "다른 틀린 답", en: "Wrong answer, here we go"}',
    )
    assert not any("the right answer is the longest" in w for w in messages(load(content).warnings))


# Statute names ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "file_of, old, new, needle, name",
    [
        (
            en,
            "Third body.",
            "Under the Youth Protection Act, this is a crime.",
            "Youth Protection Act",
            "“Youth Protection Act”",
        ),
        (en, "Third body.", "Korea's Sexual Crimes Act says so.", "Sexual Crimes Act", "“Sexual Crimes Act”"),
        (
            en,
            "Third body.",
            "the Act on Youth Safety applies.",
            "Act on Youth",
            "“Act on Youth Safety applies”",
        ),
        (ko, "세 번째 본문이에요.", "청소년 보호법이 적용돼요.", "청소년 보호법", "“청소년 보호법”"),
        (ko, "세 번째 본문이에요.", "성폭력특례법이 적용돼요.", "성폭력특례법", "“성폭력특례법”"),
    ],
)
def test_a_statute_name_outside_the_list_is_an_error(content, file_of, old, new, needle, name):
    path = file_of(content)
    edit(path, old, new)
    assert_problem(load(content).errors, path, line_of(path, needle), f"statute name {name}")


def test_listed_statute_names_and_ordinary_words_pass(content):
    edit(
        en(content),
        "Third body.",
        "The Juvenile Act and the Act on the Protection of Children "
        "and Youth against Sex Offenses apply. Under the same Act, no.",
    )
    edit(
        ko(content),
        "세 번째 본문이에요.",
        "청소년성보호법과 소년법이 적용돼요. 예방법을 배워요. 보호법이라는 말.",
    )
    assert load(content).errors == ()


def test_statute_names_in_quizzes_are_checked_too(content):
    edit(
        quiz(content),
        'feedback: {ko: "틀린 이유", en: "Why it is wrong"}',
        'feedback: {ko: "틀린 이유", en: "The Youth Protection Act says so"}',
    )
    assert_problem(
        load(content).errors,
        quiz(content),
        line_of(quiz(content), "Youth Protection"),
        "statute name “Youth Protection Act”",
    )


# Characters ------------------------------------------------------------------------------


def second_module(content, role="bystander", en_name="Minjae"):
    """Copy the sample module as `other`, declaring 민재 there with the given role."""
    lessons = content / "lessons"
    shutil.copytree(lessons / "sample", lessons / "other")
    shutil.copy(content / "quizzes" / "sample.yaml", content / "quizzes" / "other.yaml")
    other_meta = lessons / "other" / "meta.yaml"
    edit(other_meta, "order: 1", "order: 3")
    edit(other_meta, "{ko: 민재, en: Minjae, role: target}", f"{{ko: 민재, en: {en_name}, role: {role}}}")
    if en_name != "Minjae":
        edit(lessons / "other" / "en.md", "Minjae", en_name)
    return other_meta


def test_a_name_in_two_roles_is_warned_about_at_the_second_declaration(content):
    other_meta = second_module(content)
    report = load(content)
    assert report.errors == ()
    assert_problem(
        report.warnings,
        other_meta,
        line_of(other_meta, "민재"),
        "민재 is a bystander here but a target in sample",
    )


def test_a_name_spelt_two_ways_is_warned_about(content):
    other_meta = second_module(content, role="target", en_name="Minje")
    assert_problem(
        load(content).warnings,
        other_meta,
        line_of(other_meta, "민재"),
        "민재 is Minje here but Minjae in sample",
    )


def test_a_declared_character_missing_from_the_text_is_warned_about(content):
    edit(en(content), "Minjae reads it.", "Someone reads it.")
    assert_problem(
        load(content).warnings,
        meta(content),
        line_of(meta(content), "민재"),
        "character Minjae is declared but not named in the module's en text",
    )


def test_another_modules_character_used_undeclared_is_warned_about(content):
    other_meta = second_module(content, role="target")
    edit(other_meta, "characters:\n  - {ko: 민재, en: Minjae, role: target}\n", "")
    assert_problem(
        load(content).warnings,
        other_meta,
        1,
        "Minjae (a character of sample) is named here but not in `characters`",
    )


def test_an_unknown_role_is_an_error(content):
    edit(meta(content), "role: target", "role: villain")
    assert_problem(
        load(content).errors, meta(content), line_of(meta(content), "villain"), "`role` must be one of"
    )


# Sources ---------------------------------------------------------------------------------


def test_a_source_needs_a_display_title(content):
    edit(meta(content), '    display: {ko: "예시 출처", en: "A sample source"}\n', "")
    assert_problem(
        load(content).errors, meta(content), line_of(meta(content), "- title:"), "missing key `display`"
    )


def test_a_source_names_its_outlet_in_each_language(content):
    edit(meta(content), 'outlet: {ko: "예시 신문", en: "Example Times"}', 'outlet: {ko: "예시 신문"}')
    assert_problem(
        load(content).errors,
        meta(content),
        line_of(meta(content), "outlet:"),
        "must have exactly `ko` and `en`",
    )


def test_a_community_repost_is_not_a_source(content):
    edit(meta(content), "https://example.org/source", "https://theqoo.net/square/3611787494")
    assert_problem(
        load(content).errors,
        meta(content),
        line_of(meta(content), "theqoo"),
        "theqoo.net reposts others' articles: cite the outlet that published it",
    )
