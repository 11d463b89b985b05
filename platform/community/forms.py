"""Forms of the community layer: sign-up with a display name, and the profile editor."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import get_adapter
from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.utils.translation import gettext_lazy as _

from .handles import HANDLE_RE
from .models import HANDLE_MAX_LENGTH, Handlungsfeld, Profile, Region, User


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
    handle = forms.CharField(
        label=_("Handle"),
        max_length=HANDLE_MAX_LENGTH,
        required=False,
        help_text=_("Others mention you with @handle. Lower-case letters, digits, dot, hyphen and underscore."),
    )
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

    def __init__(self, *args: Any, user: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["region"].queryset = Region.objects.select_related("grossregion").order_by("name")
        self.fields["handlungsfelder"].queryset = Handlungsfeld.objects.order_by("order", "name")

    def clean_display_name(self) -> str:
        name = self.cleaned_data["display_name"].strip()
        if not name:
            raise forms.ValidationError(_("Please enter a display name."))
        return name

    def clean_handle(self) -> str:
        handle = self.cleaned_data["handle"].strip().lstrip("@").lower()
        if not handle:
            return ""  # left empty: the current handle stays
        if not HANDLE_RE.match(handle):
            raise forms.ValidationError(
                _(
                    "Use 2 to 30 lower-case letters, digits, dots, hyphens or underscores, "
                    "starting with a letter or digit."
                )
            )
        taken = User.objects.filter(handle__iexact=handle)
        if self.user is not None:
            taken = taken.exclude(pk=self.user.pk)
        if taken.exists():
            raise forms.ValidationError(_("This handle is already taken. Please choose another one."))
        return handle

    @classmethod
    def initial_for(cls, profile: Profile) -> dict[str, Any]:
        return {
            "display_name": profile.user.display_name,
            "handle": profile.user.handle,
            "region": profile.region_id,
            "handlungsfelder": list(profile.handlungsfelder.values_list("pk", flat=True)),
            "bio": profile.bio,
        }
