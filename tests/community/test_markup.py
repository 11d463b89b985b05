"""community.markup: member-written Markdown becomes safe HTML, once, in one place."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from community.markup import ALLOWED_TAGS, render_markdown, sanitize_html


class _ElementCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))


def elements(html: str) -> list[tuple[str, dict[str, str | None]]]:
    """The real elements in the HTML (escaped text such as &lt;script&gt; is not an element)."""
    collector = _ElementCollector()
    collector.feed(html)
    return collector.elements


def test_empty_text_renders_to_nothing():
    assert render_markdown("") == ""
    assert render_markdown("   \n ") == ""


def test_safe_markdown_is_kept():
    html = render_markdown("**fett** und *kursiv*\n\n- eins\n- zwei\n\n`code`\n\n> Zitat")

    assert "<strong>fett</strong>" in html
    assert "<em>kursiv</em>" in html
    assert "<ul>" in html and "<li>eins</li>" in html
    assert "<code>code</code>" in html
    assert "<blockquote>" in html


def test_tables_and_strikethrough_are_enabled():
    html = render_markdown("| a | b |\n|---|---|\n| 1 | 2 |\n\n~~weg~~")

    assert "<table>" in html
    assert "<td>1</td>" in html
    assert "<s>weg</s>" in html


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        "Hallo <script src=https://evil.example/x.js></script>",
        '<img src=x onerror="alert(1)">',
        '<a href="https://example.org" onclick="steal()">x</a>',
        "<iframe src='https://evil.example'></iframe>",
        "<style>body{display:none}</style>",
    ],
)
def test_raw_html_is_never_rendered_as_html(source):
    found = elements(render_markdown(source))

    assert {tag for tag, _attrs in found} <= ALLOWED_TAGS
    assert not [name for _tag, attrs in found for name in attrs if name.startswith("on") or name == "style"]


@pytest.mark.parametrize(
    "source",
    [
        "[klick](javascript:alert(1))",
        "[klick](JAVASCRIPT:alert(1))",
        "[klick](data:text/html;base64,PHNjcmlwdD4=)",
        "[klick](vbscript:msgbox)",
        "<javascript:alert(1)>",
    ],
)
def test_links_with_unsafe_schemes_never_become_links(source):
    html = render_markdown(source).lower()

    assert 'href="javascript' not in html
    assert 'href="data' not in html
    assert 'href="vbscript' not in html


def test_external_links_get_a_rel_that_protects_the_site():
    html = render_markdown("[Netzwerk](https://mitmach-regionen.example/)")

    assert 'href="https://mitmach-regionen.example/"' in html
    assert 'rel="nofollow noopener ugc"' in html


def test_mailto_links_are_allowed_without_rel():
    html = render_markdown("[Schreib uns](mailto:team@example.org)")

    assert 'href="mailto:team@example.org"' in html
    assert "nofollow" not in html


def test_bare_urls_become_links_with_rel_but_not_inside_code():
    html = render_markdown("Siehe https://example.org/info\n\n`https://example.org/code`")

    assert '<a href="https://example.org/info" rel="nofollow noopener ugc">' in html
    assert "<code>https://example.org/code</code>" in html


def test_sanitize_html_strips_tags_outside_the_allow_list_but_keeps_their_text():
    html = sanitize_html('<p>ok <span style="color:red">rot</span> <h1>groß</h1></p>')

    assert "<span" not in html
    assert "style=" not in html
    assert "<h1" not in html
    assert "rot" in html and "groß" in html


def test_sanitize_html_removes_scripts_and_event_handlers_from_real_html():
    html = sanitize_html(
        '<p onclick="x()">Hi</p><script>alert(1)</script>'
        '<img src=x onerror="alert(1)"><a href="javascript:alert(1)">k</a>'
    )

    found = elements(html)
    assert {tag for tag, _attrs in found} <= {"p", "a"}
    assert all(not name.startswith("on") for _tag, attrs in found for name in attrs)
    assert all(not (attrs.get("href") or "").startswith("javascript") for _tag, attrs in found)
    assert "<script" not in html
