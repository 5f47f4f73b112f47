"""Help content: help/channels.yaml (support lines) and the help and privacy page texts."""

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from markupsafe import Markup, escape

from ..errors import ContentError
from .checks import LOCALES, Problems
from .frontmatter import split_front_matter
from .markdown import render_markdown
from .yamlsrc import LineDict, LineList

SCHEMA_VERSION = 1
CHANNEL_REQUIRED = ("id", "name", "purpose", "jurisdiction", "source", "checked")
CHANNEL_OPTIONAL = ("phone", "phone_extra", "web", "hours", "free", "confidential", "compact")
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
PHONE_PATTERN = re.compile(r"^[0-9][0-9-]{1,19}$")
JURISDICTION_PATTERN = re.compile(r"^[A-Z]{2}$")
PAGES = {"help": "{locale}.md", "privacy": "privacy.{locale}.md"}
HOME_JURISDICTION = "KR"  # listed first; the rest are marked as services outside Korea


@dataclass(frozen=True)
class Channel:
    id: str
    name: dict
    purpose: dict
    jurisdiction: str
    source: str
    checked: date
    phone: str | None = None
    phone_extra: str | None = None
    web: str | None = None
    hours: dict | None = None
    free: bool = False
    confidential: bool = False
    compact: bool = False


@dataclass(frozen=True)
class Page:
    title: str
    intro: str
    body: Markup


@dataclass(frozen=True)
class HelpContent:
    channels: tuple[Channel, ...]
    pages: dict  # {("help", "ko"): Page, ...}

    def channel(self, channel_id: str) -> Channel | None:
        return next((c for c in self.channels if c.id == channel_id), None)

    @property
    def compact_channels(self) -> tuple[Channel, ...]:
        return tuple(c for c in self.channels if c.compact)

    @property
    def home_channels(self) -> tuple[Channel, ...]:
        return tuple(c for c in self.channels if c.jurisdiction == HOME_JURISDICTION)

    @property
    def international_channels(self) -> tuple[Channel, ...]:
        return tuple(c for c in self.channels if c.jurisdiction != HOME_JURISDICTION)

    def page(self, name: str, locale: str) -> Page:
        return self.pages[(name, locale)]


def load_help(help_dir, problems: Problems) -> HelpContent:
    """Load and validate help/; every problem goes into `problems`."""
    help_dir = Path(help_dir)
    channels = load_channels(help_dir / "channels.yaml", problems)
    pages = {}
    for name, pattern in PAGES.items():
        for locale in LOCALES:
            page = load_page(help_dir / pattern.format(locale=locale), problems)
            if page is not None:
                pages[(name, locale)] = page
    return HelpContent(channels=channels, pages=pages)


def load_channels(path: Path, problems: Problems) -> tuple[Channel, ...]:
    data = problems.read_mapping(path, "channels.yaml")
    if data is None or not problems.check_keys(data, path, ("schema_version", "channels")):
        return ()
    before = problems.count()
    problems.check_schema_version(data, path, SCHEMA_VERSION)
    if problems.count() > before:
        return ()
    entries = data["channels"]
    if not isinstance(entries, LineList) or not entries:
        problems.add(path, data.line_of("channels"), "`channels` must be a non-empty list")
        return ()
    channels, seen = [], {}
    for entry in entries:
        channel = _parse_channel(entry, path, problems, entries.line)
        if channel is None:
            continue
        if channel.id in seen:
            problems.add(path, entry.line_of("id"),
                         f"duplicate channel id `{channel.id}` (first on line {seen[channel.id]})")
            continue
        seen[channel.id] = entry.line_of("id")
        channels.append(channel)
    return tuple(channels)


def _parse_channel(entry, path, problems: Problems, list_line: int) -> Channel | None:
    if not isinstance(entry, LineDict):
        problems.add(path, list_line, "each channel must be a mapping of keys to values")
        return None
    before = len(problems.errors)
    problems.check_keys(entry, path, CHANNEL_REQUIRED, CHANNEL_OPTIONAL)
    channel_id = problems.text(entry, "id", path) if "id" in entry else None
    if channel_id and not ID_PATTERN.match(channel_id):
        problems.add(path, entry.line_of("id"), f"channel id `{channel_id}` may use only a-z, 0-9 and -")
    fields = {
        "id": channel_id,
        "name": problems.localized(entry, "name", path) if "name" in entry else None,
        "purpose": problems.localized(entry, "purpose", path) if "purpose" in entry else None,
        "jurisdiction": problems.text(entry, "jurisdiction", path) if "jurisdiction" in entry else None,
        "source": problems.text(entry, "source", path) if "source" in entry else None,
        "checked": problems.date(entry, "checked", path) if "checked" in entry else None,
        "hours": problems.localized(entry, "hours", path) if "hours" in entry else None,
        "web": problems.text(entry, "web", path, required=False),
        "phone": problems.text(entry, "phone", path, required=False),
        "phone_extra": problems.text(entry, "phone_extra", path, required=False),
    }
    for key in ("free", "confidential", "compact"):
        fields[key] = problems.boolean(entry, key, path)
    for key in ("phone", "phone_extra"):
        if fields[key] and not PHONE_PATTERN.match(fields[key]):
            problems.add(path, entry.line_of(key), f"`{key}` must be digits and dashes, like 02-735-8994")
    if fields["web"] and not fields["web"].startswith("https://"):
        problems.add(path, entry.line_of("web"), "`web` must be an https:// address")
    if fields["jurisdiction"] and not JURISDICTION_PATTERN.match(fields["jurisdiction"]):
        problems.add(path, entry.line_of("jurisdiction"), "`jurisdiction` must be a country code like KR")
    if "phone" not in entry and "web" not in entry:
        problems.add(path, entry.line, "a channel needs a `phone` or a `web` address")
    if len(problems.errors) > before:
        return None
    return Channel(**fields)


def load_page(path: Path, problems: Problems) -> Page | None:
    try:
        meta, body, _first = split_front_matter(path.read_text(encoding="utf-8"), path)
    except FileNotFoundError:
        problems.add(path, 0, "file not found")
        return None
    except ContentError as error:
        problems.errors.append(error)
        return None
    before = len(problems.errors)
    problems.check_keys(meta, path, ("title", "intro"))
    title = problems.text(meta, "title", path) if "title" in meta else None
    intro = problems.text(meta, "intro", path) if "intro" in meta else None
    if len(problems.errors) > before:
        return None
    return Page(title=title, intro=intro, body=render_markdown(body))


def help_reference_html(channel: Channel, locale: str) -> str:
    """What `[[help:<id>]]` becomes in a lesson: the channel's name, number and address.

    Written as "Name (1388 · www.1388.go.kr)" so a Korean particle can follow the bracket.
    """
    ways = []
    if channel.phone:
        ways.append(f'<a href="tel:{channel.phone}">{channel.phone}</a>')
    if channel.web:
        shown = escape(channel.web.removeprefix("https://").rstrip("/"))
        ways.append(f'<a href="{escape(channel.web)}">{shown}</a>')
    return (f'<span class="help-ref"><strong>{escape(channel.name[locale])}</strong> '
            f'({" · ".join(ways)})</span>')
