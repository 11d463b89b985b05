"""Member handles: the @name used in mentions and profile addresses, derived from the display name."""

from __future__ import annotations

import re
import unicodedata

from django.apps import apps

HANDLE_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,29}$")
# A mention is @ followed by a handle, not preceded by a word character (so e-mail addresses are no mentions).
MENTION_RE = re.compile(r"(?<![\w@])@([A-Za-z0-9][A-Za-z0-9._-]{1,29})(?<![._-])")

_TRANSLITERATE = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "ae", "Ö": "oe", "Ü": "ue"})


def slugify_handle(text: str) -> str:
    """Lower-case ASCII letters, digits, dot, hyphen and underscore; umlauts spelt out."""
    text = unicodedata.normalize("NFKD", text.translate(_TRANSLITERATE)).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z0-9._-]+", ".", text.lower()).strip("._-")
    text = re.sub(r"[._-]{2,}", ".", text)
    return text[:24].strip("._-")


def unique_handle(base: str, *, exclude_pk: int | None = None, model=None) -> str:
    """A free handle built from `base`, with a number appended where needed (`anna.berg`, `anna.berg2`)."""
    user_model = model or apps.get_model("community", "User")
    stem = slugify_handle(base)
    if len(stem) < 2:
        stem = f"mitglied{stem}"
    taken = set(
        user_model.objects.filter(handle__istartswith=stem).exclude(pk=exclude_pk).values_list("handle", flat=True)
    )
    taken = {h.lower() for h in taken}
    candidate, n = stem, 1
    while candidate in taken:
        n += 1
        candidate = f"{stem}{n}"
    return candidate


def mentioned_handles(markdown: str) -> list[str]:
    """Handles mentioned in a text, lower-cased, in order of first mention, outside code spans and blocks."""
    without_code = re.sub(r"```.*?```|~~~.*?~~~|`[^`\n]*`", " ", markdown, flags=re.DOTALL)
    seen: list[str] = []
    for match in MENTION_RE.finditer(without_code):
        handle = match.group(1).lower()
        if handle not in seen:
            seen.append(handle)
    return seen
