"""Small helpers to read rendered HTML in tests without depending on markup details."""

from __future__ import annotations

import re

from django.test import Client


def _text(fragment: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment)).strip()


def texts_of(html: str, tag: str) -> str:
    """The visible text of every <tag> element, joined."""
    return " ".join(_text(match) for match in re.findall(rf"<{tag}\b[^>]*>(.*?)</{tag}>", html, re.S))


def submit_labels(html: str) -> str:
    """The visible labels of every submit button, joined."""
    buttons = re.findall(r"<button\b[^>]*type=\"submit\"[^>]*>(.*?)</button>", html, re.S)
    return " ".join(_text(button) for button in buttons)


def visible_text(html: str) -> str:
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return _text(body)


def get_in_english(client: Client, path: str):
    """GET a page with the language switcher's cookie set to English, then forget the choice."""
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    try:
        return client.get(path)
    finally:
        del client.cookies[settings.LANGUAGE_COOKIE_NAME]


def headings_in_german_and_english(client: Client, path: str) -> tuple[str, str]:
    """The <h1> text of a page requested in German (the default) and in English.

    A page whose heading is the same in both languages has no German translation:
    the German-first UI is missing its catalogue entry.
    """
    german = client.get(path).content.decode()
    english = get_in_english(client, path).content.decode()
    return texts_of(german, "h1"), texts_of(english, "h1")
