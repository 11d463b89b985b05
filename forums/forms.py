"""Forms of the forum pages: they only carry the typed values; the services validate and write.

Their widgets draw their tags in Python (community.widgets): the reply form is on every topic page.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from community import widgets

from .models import BODY_MAX_LENGTH, TITLE_MAX_LENGTH


class NonceForm(forms.Form):
    """A one-time token per rendered form, so a resent submission finds the post it already created."""

    nonce = forms.CharField(widget=widgets.HiddenInput, max_length=64)

    def add_service_error(self, error: ValidationError) -> None:
        """Attach a service's ValidationError to the matching fields, the rest to the whole form."""
        if hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                self.add_error(name if name in self.fields else None, errors)
        else:
            self.add_error(None, error)


ATTACHMENT_ACCEPT = ".jpg,.jpeg,.png,.gif,.webp,.pdf,.docx,.xlsx,.pptx,.odt,.ods,.odp"


def _attachment_field() -> forms.FileField:
    # Only carried: the composer view stores it through services.upload_create and links it in the text.
    return forms.FileField(
        label=_("Attach a file"),
        required=False,
        widget=widgets.FileInput(attrs={"accept": ATTACHMENT_ACCEPT}),
        help_text=_("Images (JPEG, PNG, GIF, WebP), PDF or Office documents; added at the end of the text."),
    )


class ReplyForm(NonceForm):
    body_markdown = forms.CharField(
        label=_("Your reply"),
        widget=widgets.Textarea(attrs={"rows": 8}),
        max_length=BODY_MAX_LENGTH,
        strip=False,
        help_text=_("Markdown works: **bold**, *italic*, lists, links and > quotes."),
    )
    reply_to = forms.IntegerField(widget=widgets.HiddenInput, required=False, min_value=1, max_value=10**9)
    attachment = _attachment_field()


class TopicForm(NonceForm):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX_LENGTH)
    body_markdown = forms.CharField(
        label=_("Text"),
        widget=widgets.Textarea(attrs={"rows": 12}),
        max_length=BODY_MAX_LENGTH,
        strip=False,
        help_text=_("Markdown works: **bold**, *italic*, lists, links and > quotes."),
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=300,
        help_text=_("Separated by commas, e.g. Raumsuche, Pressearbeit."),
    )
    attachment = _attachment_field()

    def tag_names(self) -> list[str]:
        return [name.strip() for name in self.cleaned_data.get("tags", "").split(",") if name.strip()]


class PostEditForm(NonceForm):
    """Editing a post is idempotent, so it needs no one-time token."""

    nonce = forms.CharField(widget=widgets.HiddenInput, max_length=64, required=False)
    body_markdown = forms.CharField(
        label=_("Text"),
        widget=widgets.Textarea(attrs={"rows": 12}),
        max_length=BODY_MAX_LENGTH,
        strip=False,
        help_text=_("Markdown works: **bold**, *italic*, lists, links and > quotes."),
    )
    attachment = _attachment_field()
