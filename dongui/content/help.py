"""Help content: help/channels.yaml (support lines) and the help and privacy page texts."""

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from markupsafe import Markup, escape

from .checks import LOCALES, Problems
from .errors import ContentError
from .frontmatter import split_front_matter
from .markdown import find_help_references, render_markdown
from .yamlsrc import LineDict, LineList

SCHEMA_VERSION = 1
CHANNEL_REQUIRED = ("id", "name", "purpose", "jurisdiction", "source", "checked")
CHANNEL_OPTIONAL = (
    "phone",
    "phone_extra",
    "web",
    "hours",
    "free",
    "confidential",
    "compact",
    "short_name",
    "sms",
    "kakaotalk",
)
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
PHONE_PATTERN = re.compile(r"^[0-9][0-9-]{1,19}$")
SMS_PATTERN = re.compile(r"^#?[0-9]{3,15}$")
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
    short_name: dict | None = None  # the panel's label, when the name alone would mislead
    sms: str | None = None  # a number to text (routes for someone who cannot talk aloud)
    kakaotalk: dict | None = None  # the KakaoTalk channel or ID to search for

    @property
    def panel_name(self) -> dict:
        return self.short_name or self.name


@dataclass(frozen=True)
class Page:
    title: str
    intro: str
    body: Markup
    guide: Markup | None = None  # the `{: .guide }` section, shown first (who to call when)


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

    def sharing_number(self, channel: Channel) -> tuple[Channel, ...]:
        """Other channels reached on the same number (1366 is both D4U and the women's line)."""
        return tuple(c for c in self.channels if c.phone and c.phone == channel.phone and c != channel)

    def reference_html(self, kind: str, channel_id: str, locale: str) -> str:
        channel = self.channel(channel_id)
        if channel is None:
            return ""
        return tel_html(channel) if kind == "tel" else help_reference_html(channel, locale)


def load_help(help_dir, problems: Problems) -> HelpContent:
    """Load and validate help/; every problem goes into `problems`."""
    help_dir = Path(help_dir)
    channels = load_channels(help_dir / "channels.yaml", problems)
    content = HelpContent(channels=channels, pages={})
    for name, pattern in PAGES.items():
        for locale in LOCALES:
            page = load_page(help_dir / pattern.format(locale=locale), locale, content, problems)
            if page is not None:
                content.pages[(name, locale)] = page
    return content


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
            problems.add(
                path,
                entry.line_of("id"),
                f"duplicate channel id `{channel.id}` (first on line {seen[channel.id]})",
            )
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
        "short_name": problems.localized(entry, "short_name", path) if "short_name" in entry else None,
        "sms": problems.text(entry, "sms", path, required=False),
        "kakaotalk": problems.localized(entry, "kakaotalk", path) if "kakaotalk" in entry else None,
    }
    for key in ("free", "confidential", "compact"):
        fields[key] = problems.boolean(entry, key, path)
    for key in ("phone", "phone_extra"):
        if fields[key] and not PHONE_PATTERN.match(fields[key]):
            problems.add(path, entry.line_of(key), f"`{key}` must be digits and dashes, like 02-735-8994")
    if fields["sms"] and not SMS_PATTERN.match(fields["sms"]):
        problems.add(path, entry.line_of("sms"), "`sms` must be a number to text, like #1388")
    if fields["web"] and not fields["web"].startswith("https://"):
        problems.add(path, entry.line_of("web"), "`web` must be an https:// address")
    if fields["jurisdiction"] and not JURISDICTION_PATTERN.match(fields["jurisdiction"]):
        problems.add(path, entry.line_of("jurisdiction"), "`jurisdiction` must be a country code like KR")
    if "phone" not in entry and "web" not in entry:
        problems.add(path, entry.line, "a channel needs a `phone` or a `web` address")
    if len(problems.errors) > before:
        return None
    return Channel(**fields)


def load_page(path: Path, locale: str, content: HelpContent, problems: Problems) -> Page | None:
    try:
        meta, body, first_line = split_front_matter(path.read_text(encoding="utf-8"), path)
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
    check_references(body, first_line, path, content, problems)
    if len(problems.errors) > before:
        return None
    guide, rest = split_guide(body)

    def render(text):
        return render_markdown(text, lambda kind, cid: content.reference_html(kind, cid, locale), locale)

    return Page(title=title, intro=intro, body=render(rest), guide=render(guide) if guide else None)


def check_references(text: str, first_line: int, path, content: HelpContent, problems: Problems):
    """Every `[[help:<id>]]` names a known channel; every `[[tel:<id>]]` one with a number."""
    for offset, kind, channel_id in find_help_references(text):
        channel = content.channel(channel_id)
        line = first_line + offset - 1
        if channel is None:
            problems.add(
                path, line, f"unknown help channel `[[{kind}:{channel_id}]]` (not in help/channels.yaml)"
            )
        elif kind == "tel" and not channel.phone:
            problems.add(path, line, f"`[[tel:{channel_id}]]`: that channel has no phone number")


GUIDE_HEADING = re.compile(r"^## .*\{:\s*\.guide\s*\}\s*$")


def split_guide(body: str) -> tuple[str, str]:
    """Take out the section whose heading is marked `{: .guide }`: the page shows it first."""
    guide, rest, current = [], [], None
    for line in body.splitlines():
        if line.startswith("## "):
            current = guide if GUIDE_HEADING.match(line) else rest
        (current if current is not None else rest).append(line)
    return "\n".join(guide), "\n".join(rest)


def tel_html(channel: Channel) -> str:
    """What `[[tel:<id>]]` becomes: the channel's number, to tap and call."""
    return (
        f'<a class="tel" href="tel:{escape(channel.phone)}">{escape(channel.phone)}</a>'
        if channel.phone
        else ""
    )


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
    return (
        f'<span class="help-ref"><strong>{escape(channel.name[locale])}</strong> ({" · ".join(ways)})</span>'
    )
