"""letters/: the standing text of the letter home (가정통신문), one file per language.

Each `letters/<locale>.md` opens with front matter for the short pieces (title, closing, the
return slip's words, the reply line of the text version) and then has one `## ` section per
part of the letter, each marked with its name: `## 무엇을 배우나요 {: .modules }`. The first,
`.intro`, has the salutation as its heading ("학부모님께").
The page puts the class's own facts (its modules and dates, the school's contacts) after the
sections that introduce them, and the school's own "why" text, when the admin wrote one, in
place of the standard one.

Like a lesson, the letter is checked when content loads (`flask content check`): every key and
section present, help lines named with `[[help:<id>]]` and never typed in, and no image.
"""

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from markupsafe import Markup

from .checks import LOCALES, Problems
from .errors import ContentError
from .frontmatter import split_front_matter
from .help import HelpContent, check_references
from .markdown import REFERENCE, find_includes, render_markdown
from .yamlsrc import LineDict

SECTIONS = ("intro", "modules", "why", "home", "help", "school")
LETTER_KEYS = ("title", "closing", "reply", "slip")
SLIP_KEYS = (
    "title",
    "instruction",
    "confirm",
    "questions",
    "home",
    "module",
    "reason",
    "student",
    "number",
    "guardian",
    "signature",
    "date",
    "cut",
)
SECTION_HEADING = re.compile(r"^## (?!#)(.*?)\s*(?:\{:\s*([^}]*)\})?\s*$")
# A number or an address typed into the text: help lines live in help/channels.yaml only.
SHORT_LINES = "112|117|119|109|1366|1388|1377|1393|132|182|1332"
PHONE = re.compile(rf"(?<![\d.,])(?:\d{{2,4}}-\d{{3,4}}-\d{{4}}|(?:{SHORT_LINES}))(?![\d.,%])")
WEB = re.compile(r"https?://|www\.|\b[a-z0-9-]+\.(?:go\.kr|or\.kr|co\.kr|kr|org|com|net|uk)\b", re.I)
IMAGE = re.compile(r"!\[|<img\b", re.I)


@dataclass(frozen=True)
class LetterSection:
    name: str
    heading: str
    html: Markup
    text: str  # the same words as plain text, for the school's messaging app


@dataclass(frozen=True)
class LetterText:
    locale: str
    title: str
    closing: str
    reply: str  # how to answer, in the plain-text version (which has no slip to tear off)
    slip: dict  # the return slip's words, by SLIP_KEYS
    sections: dict  # name -> LetterSection, in SECTIONS order

    def section(self, name: str) -> LetterSection:
        return self.sections[name]


@dataclass(frozen=True)
class Letter:
    texts: dict  # locale -> LetterText

    def text(self, locale: str) -> LetterText:
        return self.texts.get(locale) or next(iter(self.texts.values()))


def load_letter(letters_dir, help_content: HelpContent, problems: Problems) -> Letter | None:
    """Load and check letters/ko.md and letters/en.md; None when either has errors."""
    folder = Path(letters_dir)
    before = problems.count()
    texts = {}
    for locale in LOCALES:
        text = read_letter(folder / f"{locale}.md", locale, help_content, problems)
        if text is not None:
            texts[locale] = text
    if problems.count() > before or len(texts) != len(LOCALES):
        return None
    return Letter(texts=texts)


def read_letter(path: Path, locale: str, help_content: HelpContent, problems: Problems) -> LetterText | None:
    try:
        meta, body, body_line = split_front_matter(path.read_text(encoding="utf-8"), path)
    except FileNotFoundError:
        problems.add(path, 0, "file not found: the letter home is written in both languages")
        return None
    except ContentError as error:
        problems.errors.append(error)
        return None
    before = problems.count()
    problems.check_keys(meta, path, LETTER_KEYS)
    words = {key: problems.text(meta, key, path) for key in LETTER_KEYS if key in meta and key != "slip"}
    slip = read_slip(meta, path, problems) if "slip" in meta else None
    check_words(path.read_text(encoding="utf-8"), path, problems)
    check_references(body, body_line, path, help_content, problems)
    for offset, name in find_includes(body):
        problems.add(
            path, body_line + offset - 1, f"`[[protocol:{name}]]` is for teachers: a letter never includes it"
        )

    def reference(kind, channel_id):
        return help_content.reference_html(kind, channel_id, locale)

    sections = split_sections(body, body_line, path, problems)
    if problems.count() > before:
        return None
    rendered = {}
    for name in SECTIONS:
        heading, markdown = sections[name]
        html = render_markdown(markdown, reference, locale, part=f"letter-{name}")
        rendered[name] = LetterSection(name, heading, html, html_to_text(html))
    return LetterText(locale=locale, slip=slip, sections=rendered, **words)


def read_slip(meta: LineDict, path: Path, problems: Problems) -> dict | None:
    slip = meta["slip"]
    if not isinstance(slip, LineDict):
        problems.add(path, meta.line_of("slip"), "`slip` must be a mapping of the return slip's words")
        return None
    if not problems.check_keys(slip, path, SLIP_KEYS):
        return None
    return {key: problems.text(slip, key, path) for key in SLIP_KEYS}


def split_sections(body: str, first_line: int, path: Path, problems: Problems) -> dict:
    """{name: (heading, Markdown)} for the `## Heading {: .name }` sections; notes every problem."""
    sections: dict[str, tuple[str, list[str]]] = {}
    current = None
    for offset, line in enumerate(body.splitlines()):
        number = first_line + offset
        heading = SECTION_HEADING.match(line)
        if heading:
            name = (heading.group(2) or "").strip().removeprefix(".")
            if name not in SECTIONS:
                problems.add(
                    path,
                    number,
                    f"a letter section is marked with one of "
                    f"{', '.join('.' + s for s in SECTIONS)}, like `## 제목 {{: .why }}`",
                )
                current = None
            elif name in sections:
                problems.add(path, number, f"the `.{name}` section is there twice")
                current = None
            else:
                sections[name] = (heading.group(1), [])
                current = name
        elif current is not None:
            sections[current][1].append(line)
        elif line.strip():
            problems.add(path, number, "text before the first `## ` section heading")
    for name in SECTIONS:
        if name not in sections:
            problems.add(path, first_line, f"the letter has no `.{name}` section")
    return {name: (heading, "\n".join(lines)) for name, (heading, lines) in sections.items()}


def check_words(text: str, path: Path, problems: Problems) -> None:
    """No typed phone number or address (name help lines with `[[help:<id>]]`), no image."""
    for number, line in enumerate(text.splitlines(), start=1):
        plain = REFERENCE.sub("", line)
        if PHONE.search(plain) or WEB.search(plain):
            found = (PHONE.search(plain) or WEB.search(plain)).group()
            problems.add(
                path,
                number,
                f"`{found}` is typed in: name a help line with [[help:<id>]] "
                f"(help/channels.yaml), so its number lives in one place",
            )
        if IMAGE.search(line):
            problems.add(path, number, "a letter home shows no image")


class _TextWriter(HTMLParser):
    """Sanitised HTML (paragraphs, lists, emphasis, links) back to plain lines."""

    BLOCKS = {"p", "div", "h2", "h3", "h4", "table", "tr", "blockquote", "ul", "ol"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.line = ""
        self.lists: list[list] = []  # [kind, counter] per open list

    def flush(self):
        if self.line.strip():
            self.lines.append(re.sub(r" {2,}", " ", self.line.strip()))
        self.line = ""

    def handle_starttag(self, tag, attrs):
        if tag in self.BLOCKS or tag == "br":
            self.flush()
        if tag in ("ul", "ol"):
            self.lists.append([tag, 0])
        elif tag == "li":
            self.flush()
            kind = self.lists[-1] if self.lists else ["ul", 0]
            kind[1] += 1
            self.line = f"{kind[1]}. " if kind[0] == "ol" else "- "
        elif tag in ("td", "th") and self.line:
            self.line += " | "

    def handle_endtag(self, tag):
        if tag in ("ul", "ol") and self.lists:
            self.lists.pop()
        if tag in self.BLOCKS or tag == "li":
            self.flush()
            if tag in ("p", "ul", "ol", "table", "blockquote") and not self.lists:
                self.lines.append("")

    def handle_data(self, data):
        self.line += re.sub(r"\s+", " ", data) if self.line or data.strip() else ""


def html_to_text(html: str) -> str:
    """Plain text of sanitised HTML: paragraphs split by an empty line, list items as "- "."""
    writer = _TextWriter()
    writer.feed(str(html))
    writer.close()
    writer.flush()
    text = "\n".join(writer.lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()
