"""lessons/_shared/: texts written once and used by many modules, and the course's word lists.

- `<name>.<locale>.md`: a shared text (the disclosure protocol) that teacher notes include
  with a `[[protocol:<name>]]` line, so the school's duty is stated once, the same everywhere.
- `statutes.yaml`: the one name per statute that lessons may use, in each language.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

from markupsafe import Markup

from .checks import LOCALES, Problems
from .help import HelpContent, check_references
from .markdown import find_includes, render_markdown
from .yamlsrc import LineDict, LineList

SHARED_FOLDER = "_shared"
REQUIRED_PROTOCOL = "disclosure"  # every module's teacher notes include it
STATUTES_SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Statute:
    id: str
    names: dict  # locale -> tuple of allowed names (the first is the one lessons use)


@dataclass
class SharedContent:
    help: HelpContent
    protocols: dict = field(default_factory=dict)  # (name, locale) -> Markdown text
    statutes: tuple = ()
    _rendered: dict = field(default_factory=dict)

    def include_html(self, name: str, locale: str, heading_offset: int) -> str:
        """The protocol's HTML, rendered once per language and heading depth."""
        key = (name, locale, heading_offset)
        if (name, locale) not in self.protocols:
            return ""  # reported by the loader
        if key not in self._rendered:
            html = render_markdown(
                self.protocols[(name, locale)],
                lambda kind, cid: self.help.reference_html(kind, cid, locale),
                locale,
                part=f"protocol-{name}",
                heading_offset=heading_offset,
            )
            self._rendered[key] = f'<div class="protocol protocol-{name}">{html}</div>'
        return self._rendered[key]

    def includer(self, locale: str):
        return lambda name, heading_offset: Markup(self.include_html(name, locale, heading_offset))

    def statute_names(self, locale: str) -> frozenset:
        return frozenset(n for s in self.statutes for n in s.names.get(locale, ()))


def load_shared(lessons_dir: Path, help_content: HelpContent, problems: Problems) -> SharedContent:
    folder = Path(lessons_dir) / SHARED_FOLDER
    shared = SharedContent(help=help_content)
    if folder.is_dir():
        for path in sorted(folder.glob("*.md")):
            name, _, locale = path.stem.rpartition(".")
            if locale not in LOCALES or not name:
                problems.add(path, 0, "a shared text is named <name>.<ko|en>.md")
                continue
            text = path.read_text(encoding="utf-8")
            check_references(text, 1, path, help_content, problems)
            for line, _ in find_includes(text):
                problems.add(path, line, "a shared text cannot include another one")
            if re.search(r"^## ", text, re.M):
                problems.add(
                    path,
                    1,
                    "a shared text has no `## ` headings (it sits under the "
                    "including file's own heading): use `### `",
                )
            shared.protocols[(name, locale)] = text
        shared.statutes = load_statutes(folder / "statutes.yaml", problems)
    for locale in LOCALES:
        if (REQUIRED_PROTOCOL, locale) not in shared.protocols:
            problems.add(
                folder / f"{REQUIRED_PROTOCOL}.{locale}.md",
                0,
                "the disclosure protocol is missing: every module's teacher notes include it",
            )
    return shared


def load_statutes(path: Path, problems: Problems) -> tuple[Statute, ...]:
    if not path.exists():
        return ()
    data = problems.read_mapping(path, "statutes.yaml")
    if data is None or not problems.check_keys(data, path, ("schema_version", "statutes")):
        return ()
    problems.check_schema_version(data, path, STATUTES_SCHEMA_VERSION)
    entries = data["statutes"]
    if not isinstance(entries, LineList):
        problems.add(path, data.line_of("statutes"), "`statutes` must be a list")
        return ()
    statutes = []
    for entry in entries:
        if not isinstance(entry, LineDict):
            problems.add(path, entries.line, "each statute is a mapping with `id`, `ko` and `en`")
            continue
        if not problems.check_keys(entry, path, ("id", *LOCALES)):
            continue
        names = {loc: tuple(problems.text_list(entry, loc, path) or ()) for loc in LOCALES}
        statutes.append(Statute(id=entry["id"], names=names))
    return tuple(statutes)
