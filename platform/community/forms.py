"""Forms of the community layer: sign-up with a display name, and the profile editor."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import get_adapter
from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Handlungsfeld, Profile, Region


class SignupForm(AllauthSignupForm):
    display_name = forms.CharField(
        label=_("Display name"),
        max_length=80,
        help_text=_("How others see you, e.g. your first name and region. You can change it later."),
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )

    field_order = ["display_name", "email", "password1", "password2"]

    def clean_display_name(self) -> str:
        name = self.cleaned_data["display_name"].strip()
        if not name:
            raise forms.ValidationError(_("Please enter a display name."))
        return name

    def validate_unique_email(self, value: str) -> str:
        # allauth would silently mail the owner instead; a person signing up
        # deserves to hear at the field that the address already has an account.
        email = super().validate_unique_email(value)
        if self.account_already_exists:
            self.account_already_exists = False
            raise get_adapter().validation_error("email_taken")
        return email


class ProfileForm(forms.Form):
    display_name = forms.CharField(label=_("Display name"), max_length=80)
    region = forms.ModelChoiceField(
        label=_("Region"),
        queryset=Region.objects.none(),
        required=False,
        empty_label=_("No region selected"),
    )
    handlungsfelder = forms.ModelMultipleChoiceField(
        label=_("Handlungsfelder of interest"),
        queryset=Handlungsfeld.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    bio = forms.CharField(
        label=_("Short bio"),
        max_length=600,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Up to 600 characters. Markdown is allowed (e.g. **bold**, links)."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.select_related("grossregion").order_by("name")
        self.fields["handlungsfelder"].queryset = Handlungsfeld.objects.order_by("order", "name")

    def clean_display_name(self) -> str:
        name = self.cleaned_data["display_name"].strip()
        if not name:
            raise forms.ValidationError(_("Please enter a display name."))
        return name

    @classmethod
    def initial_for(cls, profile: Profile) -> dict[str, Any]:
        return {
            "display_name": profile.user.display_name,
            "region": profile.region_id,
            "handlungsfelder": list(profile.handlungsfelder.values_list("pk", flat=True)),
            "bio": profile.bio,
        }
