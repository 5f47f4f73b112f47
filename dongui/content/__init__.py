"""The curriculum and help content, loaded and validated once at start-up."""

import hashlib
import re
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from flask import current_app
from markupsafe import Markup

from . import cache
from .checks import LOCALES, Problems
from .errors import ContentInvalid
from .help import HelpContent, load_help
from .lessons import (
    lesson_files,
    read_characters,
    read_legal,
    read_lesson_text,
    read_meta,
    read_notes_plan,
    read_sources,
    read_teacher_notes,
)
from .letters import Letter, load_letter
from .quizzes import read_quiz
from .rules import check_course
from .schema import Module
from .shared import REQUIRED_PROTOCOL, SharedContent, load_shared
from .surveys import Survey, load_surveys

SLUG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
LEGAL_REVIEW_NOTE = (
    "Legal text needs a lawyer's review before a school deploys it ({count} module(s) state "
    "the law: {slugs}). Dongui records no review date; the school does this step."
)


@dataclass(frozen=True)
class Catalog:
    help: HelpContent
    modules: tuple[Module, ...]
    letter: Letter | None = None  # letters/: the letter home (가정통신문); None without LETTERS_DIR
    disclosure: dict | None = None  # locale -> the disclosure protocol's HTML (classroom mode's notes)
    surveys: tuple[Survey, ...] = ()  # surveys/: the before-and-after checks; none without SURVEYS_DIR

    @property
    def check_survey(self) -> Survey | None:
        """The check classes take (the first survey by order), or None: no check is offered."""
        return self.surveys[0] if self.surveys else None

    def module(self, slug: str) -> Module | None:
        return next((m for m in self.modules if m.slug == slug), None)

    def student_modules(self) -> tuple[Module, ...]:
        return tuple(m for m in self.modules if m.for_students)


@dataclass(frozen=True)
class LoadReport:
    catalog: Catalog
    errors: tuple
    warnings: tuple
    info: tuple


def load_catalog(config, today: date | None = None) -> LoadReport:
    """Read and check every content file named by the settings; never stops at the first problem."""
    problems = Problems()
    help_content = load_help(config["HELP_DIR"], problems)
    lessons_dir, quizzes_dir = Path(config["LESSONS_DIR"]), Path(config["QUIZZES_DIR"])
    shared = load_shared(lessons_dir, help_content, problems)
    modules = load_modules(lessons_dir, quizzes_dir, shared, problems, today or date.today())
    check_course(modules, lessons_dir, quizzes_dir, shared, problems, Path(config["HELP_DIR"]))
    letter = load_letter(config["LETTERS_DIR"], help_content, problems) if config.get("LETTERS_DIR") else None
    surveys = (
        load_surveys(config["SURVEYS_DIR"], {m.slug for m in modules if m.for_students}, problems)
        if config.get("SURVEYS_DIR")
        else ()
    )
    legal = [m.slug for m in modules if m.legal]
    info = (LEGAL_REVIEW_NOTE.format(count=len(legal), slugs=", ".join(legal)),) if legal else ()
    disclosure = {
        locale: Markup(shared.include_html(REQUIRED_PROTOCOL, locale, 0))
        for locale in LOCALES
        if (REQUIRED_PROTOCOL, locale) in shared.protocols
    }
    catalog = Catalog(
        help=help_content, modules=modules, letter=letter, disclosure=disclosure, surveys=surveys
    )
    return LoadReport(catalog, tuple(problems.errors), tuple(problems.warnings), info)


def load_modules(
    lessons_dir: Path, quizzes_dir: Path, shared: SharedContent, problems: Problems, today: date
) -> tuple[Module, ...]:
    folders = (
        sorted(p for p in lessons_dir.iterdir() if p.is_dir() and p.name[0] not in "._")
        if lessons_dir.is_dir()
        else []
    )
    modules = [load_module(f, quizzes_dir, shared, problems, today) for f in folders]
    slugs = {f.name for f in folders}
    if quizzes_dir.is_dir():
        for quiz_path in sorted(quizzes_dir.glob("*.yaml")):
            if quiz_path.stem not in slugs and quiz_path.stem[0] not in "._":
                problems.add(quiz_path, 0, f"a quiz without a lesson: lessons/{quiz_path.stem}/ is missing")
    return tuple(sorted((m for m in modules if m), key=lambda m: (m.order, m.slug)))


def load_module(
    folder: Path, quizzes_dir: Path, shared: SharedContent, problems: Problems, today: date
) -> Module | None:
    before = problems.count()
    if not SLUG_PATTERN.match(folder.name):
        problems.add(folder, 0, "a module folder name (its slug) may use only a-z, 0-9 and -")
        return None
    meta = read_meta(folder, problems)
    files = lesson_files(folder)
    if not files:
        problems.add(folder, 0, "a lesson needs ko.md or en.md (or both)")
    for missing in (loc for loc in LOCALES if files and loc not in files):
        present = next(iter(files))
        problems.warn(
            folder / f"{missing}.md",
            0,
            f"missing language: the module is served in `{present}` with a notice",
        )
    for_staff = bool(meta) and meta.get("audience") == "teachers"
    texts = {loc: read_lesson_text(path, loc, shared, problems, for_staff) for loc, path in files.items()}
    quiz_path = quizzes_dir / f"{folder.name}.yaml"
    quiz = None
    if not quiz_path.exists():
        problems.add(folder / "meta.yaml", 0, f"a lesson without a quiz: {quiz_path} is missing")
    elif files:
        quiz = read_quiz(quiz_path, tuple(files), problems)
    if meta is None or problems.count() > before:
        return None
    sources = read_sources(meta, folder / "meta.yaml", problems)
    legal = read_legal(meta, folder / "meta.yaml", problems, sources, today)
    characters = read_characters(meta, folder / "meta.yaml", problems)
    check_steps_match(texts, folder, problems)
    if problems.count() > before:
        return None
    texts = {
        loc: replace(
            text,
            teacher_notes=read_teacher_notes(folder, loc, shared, problems),
            plan=read_notes_plan(folder, loc, shared, problems),
        )
        for loc, text in texts.items()
    }
    if problems.count() > before:
        return None
    first = next(iter(texts.values()))
    return Module(
        slug=folder.name,
        order=meta["order"],
        minutes=meta["minutes"],
        audience=meta["audience"],
        age=meta["age"],
        legal=legal,
        sources=sources,
        texts=texts,
        quiz=quiz,
        content_hash=hash_files([folder / "meta.yaml", *files.values(), quiz_path]),
        step_count=len(first.steps),
        optional_steps=frozenset(s.number for s in first.steps if s.optional),
        characters=characters,
    )


def check_steps_match(texts: dict, folder: Path, problems: Problems) -> None:
    """Progress is kept by step number, so every language must have the same steps."""
    if len(texts) < 2:
        return
    (loc_a, a), (loc_b, b) = list(texts.items())[:2]
    if len(a.steps) != len(b.steps):
        problems.add(
            folder / f"{loc_b}.md",
            0,
            f"{len(b.steps)} steps, but {loc_a}.md has {len(a.steps)}: the languages must match",
        )
    elif [s.optional for s in a.steps] != [s.optional for s in b.steps]:
        problems.add(
            folder / f"{loc_b}.md",
            0,
            f"the 15+ step markers differ from {loc_a}.md: the languages must match",
        )


def hash_files(paths) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def init_content(app) -> None:
    """Load the content once; refuse to start on errors unless running `flask content check`.

    A good load is kept in CONTENT_CACHE_DIR and reused while nothing it depends on changes.
    """
    report = load_or_reuse(app.config)
    app.extensions["dongui.content_report"] = report
    app.extensions["dongui.catalog"] = report.catalog
    if report.errors and app.config.get("CONTENT_STRICT", True):
        raise ContentInvalid(report.errors)
    for warning in report.warnings:
        app.logger.warning("content: %s", warning)


def load_or_reuse(config) -> LoadReport:
    cache_dir = config.get("CONTENT_CACHE_DIR")
    if not cache_dir or not config.get("CONTENT_STRICT", True):
        return load_catalog(config)
    today = date.today()
    key = cache.content_key(config, today)
    report = cache.read_cached(cache_dir, key)
    if report is None:
        report = load_catalog(config, today)
        if not report.errors:
            cache.store(cache_dir, key, report)
    return report


def get_catalog() -> Catalog:
    return current_app.extensions["dongui.catalog"]
