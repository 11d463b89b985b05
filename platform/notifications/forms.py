"""The member's notification settings: e-mails and digest (the platform's part of the settings page)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import NotificationPreference


class PreferenceForm(forms.Form):
    email_notifications = forms.BooleanField(
        label=_("E-mail me about notifications I have not read"),
        help_text=_(
            "Sent when a notification is still unread after a few minutes; a burst of replies becomes one mail."
        ),
        required=False,
    )
    digest = forms.ChoiceField(
        label=_("Summary by e-mail"),
        help_text=_("Popular and unread topics since the last summary. Nothing new, no mail."),
        choices=NotificationPreference.Digest.choices,
        widget=forms.RadioSelect,
    )
