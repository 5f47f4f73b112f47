"""Lesson folders: meta.yaml, one Markdown file per language, and teacher notes."""

import re
from datetime import date
from pathlib import Path

from ..errors import ContentError
from .checks import LOCALES, Problems
from .frontmatter import split_front_matter
from .help import HelpContent, help_reference_html
from .markdown import find_help_references, render_markdown
from .schema import AGES, AUDIENCES, OPTIONAL_STEP_CLASS, LessonText, Source, Step
from .yamlsrc import LineDict

SCHEMA_VERSION = 1
META_REQUIRED = ("schema_version", "order", "minutes", "audience", "age")
META_OPTIONAL = ("legal", "sources")
TEXT_REQUIRED = ("title", "summary", "key_points")
TEXT_OPTIONAL = ("content_note",)
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
        if not problems.check_keys(entry, path, ("title",), ("url", "date")):
            continue
        title = problems.text(entry, "title", path)
        url = problems.text(entry, "url", path, required=False)
        when = entry.get("date")
        if when is not None and not isinstance(when, (date, str)):
            problems.add(path, entry.line_of("date"), "`date` must be a date like 2024-09-27 or text")
        if url and not url.startswith(("https://", "http://")):
            problems.add(path, entry.line_of("url"), "`url` must be a web address")
        sources.append(Source(title=title, url=url, date=when))
    return tuple(sources)


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
        problems.warn(path, legal.line_of("as_of"),
                      f"legal facts were checked on {as_of}, over a year ago: check them again")
    return {"jurisdiction": legal.get("jurisdiction"), "as_of": as_of}


def read_lesson_text(path: Path, locale: str, help_content: HelpContent,
                     problems: Problems) -> LessonText | None:
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
    key_points = problems.text_list(meta, "key_points", path) if "key_points" in meta else None
    steps = split_steps(body, body_line, path, locale, help_content, problems)
    if problems.count() > before:
        return None
    return LessonText(locale=locale, title=title, summary=summary, content_note=note,
                      key_points=key_points, steps=steps, teacher_notes=None)


def split_steps(body: str, first_line: int, path: Path, locale: str,
                help_content: HelpContent, problems: Problems) -> tuple[Step, ...]:
    """Cut the Markdown at each `## ` heading; render each step on its own."""
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
        check_help_references(text, line + 1, path, help_content, problems)
        html = render_markdown(text, lambda cid: _help_html(help_content, cid, locale), locale,
                               part=f"step{index}")
        steps.append(Step(number=index, title=title, html=html, optional=optional))
    return tuple(steps)


def check_help_references(text, first_line, path, help_content: HelpContent, problems):
    for offset, channel_id in find_help_references(text):
        if help_content.channel(channel_id) is None:
            problems.add(path, first_line + offset - 1,
                         f"unknown help channel `[[help:{channel_id}]]` (not in help/channels.yaml)")


def _help_html(help_content: HelpContent, channel_id: str, locale: str) -> str:
    channel = help_content.channel(channel_id)
    return help_reference_html(channel, locale) if channel else ""


def read_teacher_notes(folder: Path, locale: str, help_content: HelpContent, problems: Problems):
    path = folder / f"teacher.{locale}.md"
    if not path.exists():
        return None
    text = path.read_text(encoding="utf-8")
    if not text.strip():
        problems.add(path, 1, "teacher notes are empty: write them or delete the file")
        return None
    check_help_references(text, 1, path, help_content, problems)
    # The notes' own ## headings sit under the preview's "Teacher notes" heading (an h2).
    return render_markdown(text, lambda cid: _help_html(help_content, cid, locale), locale,
                           part="notes", heading_offset=1)


def lesson_files(folder: Path) -> dict[str, Path]:
    return {loc: folder / f"{loc}.md" for loc in LOCALES if (folder / f"{loc}.md").exists()}
