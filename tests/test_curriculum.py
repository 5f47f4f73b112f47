"""The shipped curriculum: ten modules in both languages, and its house rules."""

import re
from pathlib import Path

import pytest

from dongui.config import ROOT
from dongui.content import load_catalog
from dongui.content.markdown import REFERENCE

MODULES = [
    "start-safely",
    "consent-basics",
    "digital-consent",
    "understanding-deepfakes",
    "weight-of-harm",
    "the-law",
    "upstander",
    "if-it-happens",
    "respect-and-equality",
    "teacher-guide",
]
# A phone number in running text: any dashed number (02-735-8994, 1588-1234) or a Korean
# short line (112, 117, 119, 109, 1366, 1388, 1377, 132, 182 …), or a web address.
SHORT_LINES = "112|117|119|109|1366|1388|1377|1393|132|182|1332"
PHONE = re.compile(rf"(?<![\d.,])(?:\d{{2,4}}-\d{{3,4}}-\d{{4}}|(?:{SHORT_LINES}))(?![\d.,%])")
WEB = re.compile(r"https?://|www\.|\b[a-z0-9-]+\.(?:go\.kr|or\.kr|co\.kr|kr|org|com|net|uk)\b", re.I)


@pytest.fixture(scope="module")
def report():
    return load_catalog(
        {
            "HELP_DIR": str(ROOT / "help"),
            "LESSONS_DIR": str(ROOT / "lessons"),
            "QUIZZES_DIR": str(ROOT / "quizzes"),
        }
    )


def test_all_ten_modules_load_in_both_languages_without_warnings(report):
    assert report.errors == () and report.warnings == (), [str(p) for p in report.errors + report.warnings]
    assert [m.slug for m in report.catalog.modules] == MODULES
    for module in report.catalog.modules:
        assert module.locales == ("ko", "en"), module.slug
        for text in module.texts.values():
            assert text.teacher_notes is not None, (module.slug, text.locale)


def test_student_modules_follow_the_course_shape(report):
    for module in report.catalog.modules:
        if module.slug == "teacher-guide":
            assert module.audience == "teachers" and not module.quiz.graded
            continue
        assert module.audience == "students", module.slug
        if module.slug == "start-safely":
            assert not module.quiz.graded and module.minutes <= 20
            continue
        assert 4 <= module.step_count <= 8, module.slug  # the-law: one idea a step (review L8)
        assert 20 <= module.minutes <= 40, module.slug
        assert module.quiz.graded and 6 <= len(module.quiz.questions) <= 10, module.slug


def test_the_law_module_states_its_date_and_sources(report):
    law = report.catalog.module("the-law")
    assert law.legal and law.legal["jurisdiction"] == "KR" and law.sources
    assert any("lawyer" in line for line in report.info)


def text_files():
    for folder in sorted((ROOT / "lessons").iterdir()):
        if folder.is_dir() and folder.name[0] not in "._":
            yield from sorted(folder.glob("*.md"))
    yield from sorted((ROOT / "quizzes").glob("*.yaml"))
    yield from sorted((ROOT / "lessons" / "_shared").glob("*.md"))
    yield from sorted((ROOT / "help").glob("*.md"))  # the help and privacy pages, too
    yield from sorted((ROOT / "letters").glob("*.md"))  # the letter home (가정통신문)


@pytest.mark.parametrize("path", list(text_files()), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_phone_number_or_support_address_outside_help_references(path: Path):
    """A number lives only in help/channels.yaml; texts use [[help:<id>]] or [[tel:<id>]] (sources
    are in meta.yaml)."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = REFERENCE.sub("", line)
        assert not PHONE.search(line), f"{path}:{number}: phone number {PHONE.search(line).group()!r}"
        assert not WEB.search(line), f"{path}:{number}: web address {WEB.search(line).group()!r}"


def test_the_rule_catches_numbers_and_addresses():
    assert PHONE.search("전화 1366으로") and PHONE.search("call 02-735-8994") and PHONE.search("112에")
    assert WEB.search("see d4u.stop.or.kr") and WEB.search("https://x.example")
    assert not PHONE.search("682명 (2024년), 80.3%") and not PHONE.search("제14조의2")
    assert not PHONE.search("1,202건, 104명, 1999년") and not PHONE.search("10,305명")


def test_a_whole_module_on_one_page_has_unique_ids_and_nested_headings(report):
    """The teacher's preview shows every step and the notes together (under its own h2)."""
    footnotes = 0
    for module in report.catalog.modules:
        for text in module.texts.values():
            parts = [str(step.html) for step in text.steps] + [str(text.teacher_notes)]
            ids = re.findall(r'\bid="([^"]+)"', "".join(parts))
            assert len(ids) == len(set(ids)), (module.slug, text.locale)
            footnotes += sum(i.startswith("fn-") for i in ids)
            assert not re.search(r"<h[12]\b", str(text.teacher_notes)), (module.slug, text.locale)
    assert footnotes > 0  # the curriculum does use footnotes


def test_every_teacher_note_carries_the_disclosure_protocol_with_the_police_report(report):
    """X1: one protocol, in every module's notes and in the teacher guide itself, in both languages."""
    for module in report.catalog.modules:
        for locale, text in module.texts.items():
            notes = str(text.teacher_notes)
            assert notes.count('<div class="protocol protocol-disclosure">') == 1, (module.slug, locale)
            assert 'href="tel:112"' in notes, (module.slug, locale)
    guide = report.catalog.module("teacher-guide")
    for locale, text in guide.texts.items():
        assert any("protocol-disclosure" in str(step.html) for step in text.steps), locale


def test_no_student_lesson_shows_staff_only_text(report):
    for module in report.catalog.student_modules():
        for text in module.texts.values():
            assert not any("protocol-disclosure" in str(step.html) for step in text.steps), module.slug


def test_every_source_has_a_short_title_and_outlet_in_both_languages(report):
    for module in report.catalog.modules:
        for source in module.sources:
            assert set(source.display) == set(source.outlet) == {"ko", "en"}, (module.slug, source.title)


def test_every_student_module_has_a_line_for_families_and_a_45_minute_plan_by_step(report):
    """The letter home lists each module with a line written for parents; classroom mode shows
    the plan's row for the step on the projector (issue 19)."""
    for module in report.catalog.student_modules():
        for locale, text in module.texts.items():
            assert text.family and len(text.family) <= 160, (module.slug, locale)
            assert len(text.plan) >= 4 and any(row.steps for row in text.plan), (module.slug, locale)
            assert all(max(row.steps, default=0) <= module.step_count for row in text.plan), (
                module.slug,
                locale,
            )
        assert [r.steps for r in module.texts["ko"].plan] == [r.steps for r in module.texts["en"].plan], (
            module.slug
        )
