"""Forms of flagging and of the moderator menus: they carry the typed values; the services validate."""

from __future__ import annotations

import re
from datetime import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import TITLE_MAX_LENGTH, Flag, Post
from .services.moderation import FLAG_MESSAGE_MAX_LENGTH, REASON_MAX_LENGTH, SILENCE_PERIODS


class ServiceErrorsMixin:
    def add_service_error(self, error: ValidationError) -> None:
        """Attach a service's ValidationError to the matching fields, the rest to the whole form."""
        if hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                self.add_error(name if name in self.fields else None, errors)
        else:
            self.add_error(None, error)


def _reason_field(required: bool = False) -> forms.CharField:
    # Not required at form level: the service says why in the same words everywhere.
    return forms.CharField(
        label=_("Reason"),
        required=required,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The member concerned reads it, and it goes into the moderation log."),
    )


class FlagForm(ServiceErrorsMixin, forms.Form):
    reason = forms.ChoiceField(
        label=_("What is wrong with this post?"), choices=Flag.Reason.choices, widget=forms.RadioSelect
    )
    message = forms.CharField(
        label=_("Message to the moderators"),
        required=False,
        max_length=FLAG_MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed for “Something else”."),
    )


class PostModerationForm(ServiceErrorsMixin, forms.Form):
    ACTIONS = [
        ("hide", _("Hide")),
        ("unhide", _("Show again")),
        ("delete", _("Delete")),
        ("restore", _("Restore")),
        ("edit", _("Edit")),
        ("silence", _("Silence the author")),
        ("unsilence", _("Lift the author's silence")),
    ]
    PERIODS = [
        ("day", _("1 day")),
        ("week", _("1 week")),
        ("month", _("1 month")),
        ("custom", _("Until …")),
    ]

    action = forms.ChoiceField(label=_("Action"), choices=ACTIONS)
    reason = _reason_field()
    hidden_reason = forms.ChoiceField(
        label=_("Why hidden"), choices=[c for c in Post.HiddenReason.choices if c[0] != "flagged"], required=False
    )
    body_markdown = forms.CharField(
        label=_("Text"), required=False, strip=False, widget=forms.Textarea(attrs={"rows": 10})
    )
    period = forms.ChoiceField(label=_("Silence for"), choices=PERIODS, required=False)
    until = forms.DateTimeField(
        label=_("Silenced until"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d", "%d.%m.%Y %H:%M", "%d.%m.%Y"],
    )

    def silence_until(self) -> datetime:
        period = self.cleaned_data.get("period") or "day"
        if period == "custom":
            until = self.cleaned_data.get("until")
            if until is None:
                raise ValidationError({"until": ValidationError(_("Choose until when."), code="until_missing")})
            return until
        return timezone.now() + SILENCE_PERIODS[period]


class TopicModerationForm(ServiceErrorsMixin, forms.Form):
    ACTIONS = [
        ("close", _("Close")),
        ("reopen", _("Reopen")),
        ("pin", _("Pin in the category")),
        ("pin_globally", _("Pin for all forums")),
        ("unpin", _("Unpin")),
        ("archive", _("Archive")),
        ("unarchive", _("Unarchive")),
        ("move", _("Move to another category")),
        ("merge", _("Merge into another topic")),
        ("split", _("Split posts into a new topic")),
        ("delete", _("Delete the topic")),
    ]

    action = forms.ChoiceField(label=_("Action"), choices=ACTIONS)
    reason = _reason_field()
    category = forms.TypedChoiceField(label=_("New category"), required=False, coerce=int, empty_value=None)
    target = forms.CharField(
        label=_("Target topic"),
        required=False,
        max_length=300,
        help_text=_("Its number or its address, e.g. /foren/t/42/."),
    )
    post_numbers = forms.CharField(
        label=_("Post numbers"), required=False, max_length=500, help_text=_("For example: 3, 5-7")
    )
    title = forms.CharField(label=_("Title of the new topic"), required=False, max_length=TITLE_MAX_LENGTH)

    def __init__(self, *args, categories=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "—"), *((c.pk, c.name) for c in categories)]

    def target_id(self) -> int:
        text = (self.cleaned_data.get("target") or "").strip()
        match = re.search(r"(?:/t/)?(\d{1,12})/?(?:\d+/?)?$", text)
        if match is None:
            raise ValidationError(
                {"target": ValidationError(_("Give the number or the address of the target topic."), code="target")}
            )
        return int(match[1])


class FlagReviewForm(ServiceErrorsMixin, forms.Form):
    OUTCOMES = {"agree": Flag.Outcome.AGREED, "disagree": Flag.Outcome.DISAGREED, "ignore": Flag.Outcome.IGNORED}

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("agree", _("Agree (hide)")), ("disagree", _("Disagree (show)")), ("ignore", _("Ignore"))],
    )
    reason = _reason_field()


class QueuedReviewForm(ServiceErrorsMixin, forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    reason = _reason_field()
