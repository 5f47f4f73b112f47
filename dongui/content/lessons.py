"""Lesson folders: meta.yaml, one Markdown file per language, and teacher notes."""

import re
from datetime import date
from pathlib import Path

from .checks import LOCALES, Problems
from .errors import ContentError
from .frontmatter import split_front_matter
from .help import check_references
from .markdown import find_includes, render_markdown
from .plans import read_plan
from .schema import (
    AGES,
    AUDIENCES,
    CHARACTER_ROLES,
    OPTIONAL_STEP_CLASS,
    Character,
    LessonText,
    Source,
    Step,
)
from .shared import REQUIRED_PROTOCOL, SharedContent
from .yamlsrc import LineDict

SCHEMA_VERSION = 1
META_REQUIRED = ("schema_version", "order", "minutes", "audience", "age")
META_OPTIONAL = ("legal", "sources", "characters")
SOURCE_REQUIRED = ("title", "outlet", "display")
SOURCE_OPTIONAL = ("url", "date")
# Community boards that repost news: a lesson cites the outlet that published it.
REPOST_SITES = (
    "theqoo.net",
    "jjang0u.com",
    "taptalk.net",
    "humanssb.co.kr",
    "dcinside.com",
    "fmkorea.com",
    "instiz.net",
    "pann.nate.com",
    "ruliweb.com",
    "clien.net",
    "ppomppu.co.kr",
    "todayhumor.co.kr",
    "mlbpark.donga.com",
    "natepann.com",
)
TEXT_REQUIRED = ("title", "summary", "key_points")
TEXT_OPTIONAL = ("content_note", "family")
STEP_HEADING = re.compile(r"^## (?!#)(.*?)\s*(?:\{:\s*([^}]*)\})?\s*$")


def read_meta(folder: Path, problems: Problems) -> LineDict | None:
    path = folder / "meta.yaml"
    meta = problems.read_mapping(path, "meta.yaml")
    if meta is None:
        return None
    before = problems.count()
    problems.check_keys(meta, path, META_REQUIRED, META_OPTIONAL)
    problems.check_schema_version(meta, path, SCHEMA_VERSION)
    if "order" in meta:
        problems.integer(meta, "order", path, minimum=0)
    if "minutes" in meta:
        problems.integer(meta, "minutes", path, minimum=1)
    if "audience" in meta:
        problems.choice(meta, "audience", path, AUDIENCES)
    if "age" in meta:
        problems.choice(meta, "age", path, AGES)
    return meta if problems.count() == before else None


def read_sources(meta: LineDict, path: Path, problems: Problems) -> tuple[Source, ...]:
    entries = meta.get("sources", [])
    if not isinstance(entries, list):
        problems.add(path, meta.line_of("sources"), "`sources` must be a list")
        return ()
    sources = []
    for entry in entries:
        if not isinstance(entry, LineDict):
            problems.add(path, meta.line_of("sources"), "each source must be a mapping with a `title`")
            continue
        if not problems.check_keys(entry, path, SOURCE_REQUIRED, SOURCE_OPTIONAL):
            continue
        title = problems.text(entry, "title", path)
        outlet = problems.localized(entry, "outlet", path)
        display = problems.localized(entry, "display", path)
        url = problems.text(entry, "url", path, required=False)
        when = entry.get("date")
        if when is not None and not isinstance(when, (date, str)):
            problems.add(path, entry.line_of("date"), "`date` must be a date like 2024-09-27 or text")
        if url and not url.startswith(("https://", "http://")):
            problems.add(path, entry.line_of("url"), "`url` must be a web address")
        repost = next((site for site in REPOST_SITES if url and _host(url).endswith(site)), None)
        if repost:
            problems.add(
                path,
                entry.line_of("url"),
                f"{repost} reposts others' articles: cite the outlet that published it",
            )
        sources.append(Source(title=title, url=url, date=when, outlet=outlet, display=display))
    return tuple(sources)


def _host(url: str) -> str:
    return url.split("://", 1)[-1].split("/", 1)[0].lower()


def read_characters(meta: LineDict, path: Path, problems: Problems) -> tuple[Character, ...]:
    """The fictional people a module names, so the course can keep a name to one role."""
    entries = meta.get("characters", [])
    if not isinstance(entries, list):
        problems.add(path, meta.line_of("characters"), "`characters` must be a list")
        return ()
    characters = []
    for entry in entries:
        if not isinstance(entry, LineDict):
            problems.add(
                path,
                meta.line_of("characters"),
                "each character is a mapping: {ko: 민재, en: Minjae, role: target}",
            )
            continue
        if not problems.check_keys(entry, path, ("ko", "en", "role")):
            continue
        names = [problems.text(entry, loc, path) for loc in LOCALES]
        role = problems.choice(entry, "role", path, CHARACTER_ROLES)
        if all(names) and role:
            characters.append(
                Character(names=dict(zip(LOCALES, names, strict=True)), role=role, line=entry.line)
            )
    return tuple(characters)


def read_legal(meta: LineDict, path: Path, problems: Problems, sources, today: date):
    legal = meta.get("legal")
    if legal is None:
        return None
    line = meta.line_of("legal")
    if not isinstance(legal, LineDict):
        problems.add(path, line, "`legal` must be a mapping with `jurisdiction` and `as_of`")
        return None
    if not problems.check_keys(legal, path, ("jurisdiction", "as_of")):
        return None
    as_of = problems.date(legal, "as_of", path)
    if not sources:
        problems.add(path, line, "a lesson that states the law needs `sources`")
    if as_of and (today - as_of).days > 365:
        problems.warn(
            path,
            legal.line_of("as_of"),
            f"legal facts were checked on {as_of}, over a year ago: check them again",
        )
    return {"jurisdiction": legal.get("jurisdiction"), "as_of": as_of}


def read_lesson_text(
    path: Path, locale: str, shared: SharedContent, problems: Problems, for_staff: bool = False
) -> LessonText | None:
    try:
        meta, body, body_line = split_front_matter(path.read_text(encoding="utf-8"), path)
    except ContentError as error:
        problems.errors.append(error)
        return None
    before = problems.count()
    problems.check_keys(meta, path, TEXT_REQUIRED, TEXT_OPTIONAL)
    title = problems.text(meta, "title", path) if "title" in meta else None
    summary = problems.text(meta, "summary", path) if "summary" in meta else None
    note = problems.text(meta, "content_note", path, required=False)
    family = problems.text(meta, "family", path, required=False)
    key_points = problems.text_list(meta, "key_points", path) if "key_points" in meta else None
    steps = split_steps(body, body_line, path, locale, shared, problems, for_staff)
    if problems.count() > before:
        return None
    return LessonText(
        locale=locale,
        title=title,
        summary=summary,
        content_note=note,
        key_points=key_points,
        steps=steps,
        teacher_notes=None,
        family=family,
    )


def split_steps(
    body: str,
    first_line: int,
    path: Path,
    locale: str,
    shared: SharedContent,
    problems: Problems,
    for_staff: bool,
) -> tuple[Step, ...]:
    """Cut the Markdown at each `## ` heading; render each step on its own.

    A staff module's steps may include the shared protocol; a student's never do.
    """
    chunks: list[tuple[int, str, str, list[str]]] = []
    preamble_line = None
    for offset, line in enumerate(body.splitlines()):
        number = first_line + offset
        heading = STEP_HEADING.match(line)
        if heading:
            chunks.append((number, heading.group(1), heading.group(2) or "", []))
        elif chunks:
            chunks[-1][3].append(line)
        elif line.strip() and preamble_line is None:
            preamble_line = number
    if preamble_line is not None:
        problems.add(path, preamble_line, "text before the first `## ` step heading")
    if not chunks:
        problems.add(path, first_line, "a lesson needs at least one `## ` step heading")
    steps = []
    for index, (line, title, attributes, lines) in enumerate(chunks, start=1):
        optional = False
        for attribute in attributes.split():
            if attribute == f".{OPTIONAL_STEP_CLASS}":
                optional = True
            else:
                problems.add(path, line, f"unknown step marker `{attribute}` (only `.{OPTIONAL_STEP_CLASS}`)")
        if not title:
            problems.add(path, line, "a step heading needs a title")
        text = "\n".join(lines)
        check_references(text, line + 1, path, shared.help, problems)
        check_includes(text, line + 1, path, locale, shared, problems, allowed=for_staff)
        html = render_markdown(
            text,
            _references(shared, locale),
            locale,
            part=f"step{index}",
            include=shared.includer(locale) if for_staff else None,
        )
        steps.append(Step(number=index, title=title, html=html, optional=optional))
    return tuple(steps)


def check_includes(text, first_line, path, locale, shared: SharedContent, problems, allowed=True):
    """Return the names of the shared texts included, noting unknown or misplaced ones."""
    names = set()
    for offset, name in find_includes(text):
        line = first_line + offset - 1
        if not allowed:
            problems.add(
                path, line, f"`[[protocol:{name}]]` is for teachers: a student lesson never includes it"
            )
        elif (name, locale) not in shared.protocols:
            problems.add(path, line, f"unknown shared text `[[protocol:{name}]]` (not in lessons/_shared/)")
        names.add(name)
    return names


def _references(shared: SharedContent, locale: str):
    return lambda kind, channel_id: shared.help.reference_html(kind, channel_id, locale)


def read_teacher_notes(folder: Path, locale: str, shared: SharedContent, problems: Problems):
    path = folder / f"teacher.{locale}.md"
    if not path.exists():
        return None
    text = path.read_text(encoding="utf-8")
    if not text.strip():
        problems.add(path, 1, "teacher notes are empty: write them or delete the file")
        return None
    check_references(text, 1, path, shared.help, problems)
    if REQUIRED_PROTOCOL not in check_includes(text, 1, path, locale, shared, problems):
        problems.add(
            path,
            1,
            f"teacher notes must include the disclosure protocol: a line "
            f"`[[protocol:{REQUIRED_PROTOCOL}]]` under their own heading",
        )
    # The notes' own ## headings sit under the preview's "Teacher notes" heading (an h2).
    return render_markdown(
        text,
        _references(shared, locale),
        locale,
        part="notes",
        heading_offset=1,
        include=shared.includer(locale),
    )


def read_notes_plan(folder: Path, locale: str, shared: SharedContent, problems: Problems):
    """The 45-minute plan of the teacher notes in `locale` (classroom mode shows it step by step)."""
    path = folder / f"teacher.{locale}.md"
    if not path.exists():
        return ()
    return read_plan(path.read_text(encoding="utf-8"), path, locale, _references(shared, locale), problems)


def lesson_files(folder: Path) -> dict[str, Path]:
    return {loc: folder / f"{loc}.md" for loc in LOCALES if (folder / f"{loc}.md").exists()}
