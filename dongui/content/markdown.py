"""The one Markdown renderer: Python-Markdown, then an nh3 allow-list. Run at load time."""

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
    "span": {"class"},
    "h2": {"class", "id"},
    "h3": {"class", "id"},
    "li": {"class", "id"},
    "sup": {"class", "id"},
    "th": {"align"},
    "td": {"align"},
}
URL_SCHEMES = {"https", "http", "tel", "mailto"}


def render_markdown(text: str) -> Markup:
    """Render trusted-author or teacher Markdown to sanitised HTML."""
    html = md.markdown(text, extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS)
    return Markup(sanitize_html(html))


def sanitize_html(html: str) -> str:
    return nh3.clean(
        html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    )
