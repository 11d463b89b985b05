"""Wagtail's user admin adapted to our user model (e-mail login and display name instead of first/last name)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views.users import UserViewSet as WagtailUserViewSet


class _DisplayNameMixin(forms.Form):
    display_name = forms.CharField(label=_("Display name"), max_length=80, required=False)


class MemberCreationForm(_DisplayNameMixin, UserCreationForm):
    first_name = None
    last_name = None

    class Meta(UserCreationForm.Meta):
        fields = {"email", "display_name", "is_superuser", "groups"}


class MemberEditForm(_DisplayNameMixin, UserEditForm):
    first_name = None
    last_name = None

    class Meta(UserEditForm.Meta):
        fields = {"email", "display_name", "is_active", "is_superuser", "groups"}


class UserViewSet(WagtailUserViewSet):
    def get_form_class(self, for_update: bool = False) -> type[forms.ModelForm]:
        return MemberEditForm if for_update else MemberCreationForm
