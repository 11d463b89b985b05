"""The one place where user-written Markdown becomes HTML: rendered once, then sanitised with bleach."""

from __future__ import annotations

import bleach
from markdown_it import MarkdownIt

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h2", "h3", "h4",
        "hr", "i", "li", "ol", "p", "pre", "s", "strong", "sub", "sup", "table",
        "tbody", "td", "th", "thead", "tr", "ul",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": ["href", "title", "rel"], "abbr": ["title"], "th": ["align"], "td": ["align"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})

# Raw HTML in Markdown is not rendered at all; bleach is the second line of defence.
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
    ["table", "strikethrough"]
)
_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    filters=[],
)


def _add_link_rel(attrs: dict, new: bool = False) -> dict:
    href_key = (None, "href")
    href = attrs.get(href_key, "")
    if href.startswith(("http://", "https://")):
        attrs[(None, "rel")] = "nofollow noopener ugc"
    return attrs


def sanitize_html(html: str) -> str:
    """Strip every tag, attribute and URL scheme that is not on the allow-list."""
    cleaned = _cleaner.clean(html)
    return bleach.linkify(cleaned, callbacks=[_add_link_rel], skip_tags={"pre", "code"}, parse_email=False)


def render_markdown(text: str) -> str:
    """Render member-written Markdown to safe HTML, to be stored beside the source."""
    if not text.strip():
        return ""
    return sanitize_html(_markdown.render(text))
