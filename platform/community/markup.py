"""The one place where user-written Markdown becomes HTML: rendered once, then sanitised with bleach."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from urllib.parse import urlsplit, urlunsplit

import bleach
from markdown_it import MarkdownIt
from markdown_it.token import Token

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


# Bidirectional overrides and isolates can make a link or file name read backwards ("gpj.exe");
# they have no place in member-written text. Plain direction marks (U+200E/F) stay.
_BIDI_CONTROLS_RE = re.compile("[\u202a-\u202e\u2066-\u2069]")


def strip_bidi_controls(text: str) -> str:
    return _BIDI_CONTROLS_RE.sub("", text)


def ascii_url(href: str) -> str:
    """The URL with an internationalised host spelt in punycode, so a homoglyph domain shows as xn--…."""
    try:
        parts = urlsplit(href)
        host = parts.hostname or ""
        if host and not host.isascii():
            netloc = host.encode("idna").decode("ascii")
            if parts.port is not None:
                netloc = f"{netloc}:{parts.port}"
            # User info in a link ("https://bank.de@evil.example") only serves to deceive.
            return urlunsplit(parts._replace(netloc=netloc))
    except (UnicodeError, ValueError):
        return ""
    return href


def _add_link_rel(attrs: dict, new: bool = False) -> dict:
    href_key = (None, "href")
    href = attrs.get(href_key, "")
    if href.startswith(("http://", "https://")):
        attrs[(None, "rel")] = "nofollow noopener ugc"
        safe = ascii_url(href)
        if safe != href:
            # A bare homoglyph URL shows its real (punycode) host; a broken one is no link at all.
            if not safe:
                return None
            attrs[href_key] = safe
            if new:
                attrs["_text"] = safe
    return attrs


def sanitize_html(html: str) -> str:
    """Strip every tag, attribute and URL scheme that is not on the allow-list."""
    cleaned = _cleaner.clean(html)
    return bleach.linkify(cleaned, callbacks=[_add_link_rel], skip_tags={"pre", "code"}, parse_email=False)


@lru_cache(maxsize=8)
def _extended_cleaner(classes: frozenset[str], with_images: bool) -> bleach.Cleaner:
    def allow_attribute(tag: str, name: str, value: str) -> bool:
        if name in ALLOWED_ATTRIBUTES.get(tag, ()):
            return True
        if name == "class":
            return bool(value) and all(part in classes for part in value.split())
        if tag == "img" and with_images:
            return name in {"src", "alt", "title", "loading"}
        return False

    return bleach.Cleaner(
        tags=ALLOWED_TAGS | ({"img"} if with_images else set()) | ({"p", "span"} if classes else set()),
        attributes=allow_attribute,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
        filters=[],
    )


def render_markdown(
    text: str,
    *,
    transform: Callable[[list[Token]], None] | None = None,
    image_allowed: Callable[[str], bool] | None = None,
    classes: frozenset[str] = frozenset(),
) -> str:
    """Render member-written Markdown to safe HTML, to be stored beside the source.

    Apps with richer content (forum posts) pass `transform`, which may rewrite the token
    stream (mentions, quotes, images) before rendering; `image_allowed` admits <img> whose
    src it approves (every other image is dropped by the sanitiser); `classes` are the class
    names the transform may set. Everything still passes the same allow-list cleaner.
    """
    if not text.strip():
        return ""
    text = strip_bidi_controls(text)
    if transform is None and image_allowed is None and not classes:
        return sanitize_html(_markdown.render(text))
    env: dict = {}
    tokens = _markdown.parse(text, env)
    if transform is not None:
        transform(tokens)
    html = _markdown.renderer.render(tokens, _markdown.options, env)
    cleaner = _extended_cleaner(frozenset(classes), image_allowed is not None)
    cleaned = cleaner.clean(html)
    if image_allowed is not None:
        cleaned = _IMG_RE.sub(lambda m: m.group(0) if image_allowed(_img_src(m.group(0))) else "", cleaned)
    return bleach.linkify(cleaned, callbacks=[_add_link_rel], skip_tags={"pre", "code"}, parse_email=False)


_IMG_RE = re.compile(r"<img\b[^>]*>")
_IMG_SRC_RE = re.compile(r'\ssrc="([^"]*)"')


def _img_src(tag: str) -> str:
    import html as html_module

    match = _IMG_SRC_RE.search(tag)
    return html_module.unescape(match.group(1)) if match else ""
