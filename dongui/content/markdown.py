"""The one Markdown renderer: Python-Markdown, then an nh3 allow-list. Run at load time."""

import re

import markdown as md
import nh3
from markupsafe import Markup

EXTENSIONS = ["tables", "admonition", "attr_list", "footnotes", "sane_lists"]
EXTENSION_CONFIGS = {"tables": {"use_align_attribute": True}}  # no style="" (CSP)

ALLOWED_TAGS = {
    "p", "h2", "h3", "h4", "ul", "ol", "li", "strong", "em", "a", "blockquote", "code",
    "pre", "table", "thead", "tbody", "tr", "th", "td", "hr", "br", "div", "span", "sup",
    "sub", "abbr",
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


HELP_REFERENCE = re.compile(r"\[\[help:([^\]\s]*)\]\]")


FOOTNOTE_BACKLINK_TITLES = {"ko": "각주 %d에서 본문으로 돌아가기", "en": "Back to the text of footnote %d"}


def render_markdown(text: str, help_reference=None, locale: str = "en", part: str = "",
                    heading_offset: int = 0) -> Markup:
    """Render trusted-author or teacher Markdown to sanitised HTML.

    `help_reference(channel_id)` returns the HTML that stands for `[[help:<id>]]`. `part` names
    the piece of a longer page this is (a step), so that footnote ids stay unique when the
    pieces are shown together; `heading_offset` moves headings down under the page's own.
    """
    if help_reference is not None:
        text = HELP_REFERENCE.sub(lambda m: help_reference(m.group(1)), text)
    configs = {**EXTENSION_CONFIGS,
               "footnotes": {"BACKLINK_TITLE": FOOTNOTE_BACKLINK_TITLES.get(locale, "%d"),
                             "SEPARATOR": f"-{part}-" if part else ":"}}
    html = md.markdown(text, extensions=EXTENSIONS, extension_configs=configs)
    if heading_offset:
        html = HEADING_TAG.sub(lambda m: f"<{m.group(1)}h{min(6, int(m.group(2)) + heading_offset)}", html)
    return Markup(sanitize_html(html))


HEADING_TAG = re.compile(r"<(/?)h([1-6])")


def find_help_references(text: str):
    """Yield (line number from 1, channel id) for each `[[help:<id>]]` in the text."""
    for number, line in enumerate(text.splitlines(), start=1):
        for match in HELP_REFERENCE.finditer(line):
            yield number, match.group(1)


def sanitize_html(html: str) -> str:
    return nh3.clean(
        html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    )
