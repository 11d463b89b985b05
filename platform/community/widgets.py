"""Form widgets that draw their tag in Python: Django's widget templates cost more than the rest of a reply form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe


def _attrs(attrs: dict[str, Any]) -> str:
    """django/forms/widgets/attrs.html: True gives a bare attribute, False none."""
    parts = []
    for name, value in attrs.items():
        if value is True:
            parts.append(f" {conditional_escape(name)}")
        elif value is not False:
            parts.append(f' {conditional_escape(name)}="{conditional_escape(str(value))}"')
    return "".join(parts)


class _InputMarkup:
    """The markup of django/forms/widgets/input.html for an Input subclass."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]  # type: ignore[attr-defined]
        value_part = "" if widget["value"] is None else format_html(' value="{}"', str(widget["value"]))
        return mark_safe(  # noqa: S308 - every part is escaped above
            f'<input type="{conditional_escape(widget["type"])}" name="{conditional_escape(widget["name"])}"'
            f"{value_part}{_attrs(widget['attrs'])}>"
        )


class HiddenInput(_InputMarkup, forms.HiddenInput):
    pass


class FileInput(_InputMarkup, forms.FileInput):
    pass


class Textarea(forms.Textarea):
    """The markup of django/forms/widgets/textarea.html (the newline after the tag keeps a leading one in the text)."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        text = conditional_escape(widget["value"]) if widget["value"] else ""
        return mark_safe(  # noqa: S308 - every part is escaped
            f'<textarea name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>\n{text}</textarea>'
        )
