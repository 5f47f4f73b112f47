"""The one Markdown renderer: Python-Markdown, then an nh3 allow-list. Run at load time
(Python-Markdown is imported on first use: a start with the curriculum cached renders none)."""

import re

import nh3
from markupsafe import Markup

EXTENSIONS = ["tables", "admonition", "attr_list", "footnotes", "sane_lists"]
EXTENSION_CONFIGS = {"tables": {"use_align_attribute": True}}  # no style="" (CSP)

ALLOWED_TAGS = {
    "p",
    "h2",
    "h3",
    "h4",
    "ul",
    "ol",
    "li",
    "strong",
    "em",
    "a",
    "blockquote",
    "code",
    "pre",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "hr",
    "br",
    "div",
    "span",
    "sup",
    "sub",
    "abbr",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "class", "id"},
    "abbr": {"title"},
    "div": {"class"},
    "p": {"class"},
    "span": {"class", "lang"},
    "h2": {"class", "id"},
    "h3": {"class", "id"},
    "li": {"class", "id"},
    "sup": {"class", "id"},
    "th": {"align"},
    "td": {"align"},
}
URL_SCHEMES = {"https", "http", "tel", "mailto"}


# `[[help:<id>]]` names a channel (name, number, address); `[[tel:<id>]]` only its number.
REFERENCE = re.compile(r"\[\[(help|tel):([^\]\s]*)\]\]")
# `[[protocol:<name>]]` alone on a line: a shared text (lessons/_shared/) included whole.
INCLUDE_LINE = re.compile(r"^[ \t]*\[\[protocol:([^\]\s]*)\]\][ \t]*$", re.M)
INCLUDE_MARK = "DONGUI-INCLUDE-"
INCLUDE_HTML = re.compile(rf"<p>{INCLUDE_MARK}([a-z0-9-]+)</p>")


FOOTNOTE_BACKLINK_TITLES = {"ko": "각주 %d에서 본문으로 돌아가기", "en": "Back to the text of footnote %d"}


def render_markdown(
    text: str, reference=None, locale: str = "en", part: str = "", heading_offset: int = 0, include=None
) -> Markup:
    """Render trusted-author or teacher Markdown to sanitised HTML.

    `reference(kind, channel_id)` returns the HTML that stands for `[[help:<id>]]` or
    `[[tel:<id>]]`; `include(name, heading_offset)` the already sanitised HTML of a shared text
    named by a `[[protocol:<name>]]` line. `part` names the piece of a longer page this is (a
    step), so that footnote ids stay unique when the pieces are shown together;
    `heading_offset` moves headings down under the page's own.
    """
    if reference is not None:
        text = REFERENCE.sub(lambda m: reference(m.group(1), m.group(2)), text)
    if include is not None:
        text = INCLUDE_LINE.sub(lambda m: f"\n{INCLUDE_MARK}{m.group(1)}\n", text)
    configs = {
        **EXTENSION_CONFIGS,
        "footnotes": {
            "BACKLINK_TITLE": FOOTNOTE_BACKLINK_TITLES.get(locale, "%d"),
            "SEPARATOR": f"-{part}-" if part else ":",
        },
    }
    import markdown as md

    html = md.markdown(text, extensions=EXTENSIONS, extension_configs=configs)
    if heading_offset:
        html = HEADING_TAG.sub(lambda m: f"<{m.group(1)}h{min(6, int(m.group(2)) + heading_offset)}", html)
    html = sanitize_html(html)
    if include is not None:
        html = INCLUDE_HTML.sub(lambda m: include(m.group(1), heading_offset), html)
    return Markup(html)


HEADING_TAG = re.compile(r"<(/?)h([1-6])")


def find_help_references(text: str):
    """Yield (line number from 1, kind, channel id) for each `[[help:<id>]]` or `[[tel:<id>]]`."""
    for number, line in enumerate(text.splitlines(), start=1):
        for match in REFERENCE.finditer(line):
            yield number, match.group(1), match.group(2)


def find_includes(text: str):
    """Yield (line number from 1, name) for each `[[protocol:<name>]]` line."""
    for match in INCLUDE_LINE.finditer(text):
        yield text.count("\n", 0, match.start()) + 1, match.group(1)


def sanitize_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    )
