"""Example data for the living style guide (/styleguide/): a form with errors, a page of results, tabs, members.

The example values are demo content and therefore German; nothing here touches the database.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from community.models import User
from community.templatetags.ui import ICONS

REGION_CHOICES = [
    ("", "Bitte wählen"),
    ("allgaeu", "Allgäu"),
    ("bodensee", "Bodensee-Oberschwaben"),
    ("vinschgau", "Vinschgau"),
]
TOPIC_CHOICES = [("energie", "Energie"), ("ernaehrung", "Ernährung"), ("mobilitaet", "Mobilität")]
FORMAT_CHOICES = [("online", "Online"), ("vor-ort", "Vor Ort"), ("beides", "Beides")]


class ExampleForm(forms.Form):
    """Every kind of field the design system styles, so each renders once in the style guide."""

    name = forms.CharField(
        label="Anzeigename", max_length=80, help_text="So sehen dich die anderen, z. B. Vorname und Region."
    )
    email = forms.EmailField(label="E-Mail-Adresse")
    password = forms.CharField(label="Passwort", widget=forms.PasswordInput)
    region = forms.ChoiceField(label="Region", choices=REGION_CHOICES, required=False)
    topics = forms.MultipleChoiceField(
        label="Handlungsfelder", choices=TOPIC_CHOICES, widget=forms.CheckboxSelectMultiple, required=False
    )
    format = forms.ChoiceField(label="Format", choices=FORMAT_CHOICES, widget=forms.RadioSelect)
    bio = forms.CharField(
        label="Kurzbeschreibung",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Bis zu 600 Zeichen. Markdown ist erlaubt.",
    )
    agree = forms.BooleanField(label="Ich möchte den monatlichen Rundbrief erhalten.")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        # A non-field error, so the error summary shows one.
        self.add_error(None, "Beispiel für einen Fehler, der das ganze Formular betrifft.")
        return cleaned


def example_context(request: HttpRequest) -> dict[str, Any]:
    """Everything styleguide.html shows, built in memory."""
    invalid_form = ExampleForm(
        data={"name": "", "email": "keine-adresse", "region": "allgaeu", "topics": ["energie"], "bio": "Hallo!"},
        auto_id="invalid_%s",
    )
    invalid_form.is_valid()
    page_number = request.GET.get("page", 7)
    page = Paginator(range(1, 241), 10).get_page(page_number)
    members = [
        User(pk=pk, display_name=name, email=f"demo{pk}@example.org")
        for pk, name in enumerate(
            ["Anna Berger", "Jonas Huber", "Lea Moser", "Paul Gruber", "Mia Wagner",
             "Noah Pichler", "Emma Steiner", "Elias Hofer", "Lina Bauer", "Felix Egger"],
            start=1,
        )
    ]  # fmt: skip
    path = request.path
    tabs = [
        {"label": _("Overview"), "url": path, "active": True},
        {"label": _("Forums"), "url": f"{path}?tab=foren", "count": 12, "active": False},
        {"label": _("Videothek"), "url": f"{path}?tab=videothek", "count": 3, "active": False},
    ]
    breadcrumbs = [
        {"label": _("Start"), "url": "/"},
        {"label": _("Course"), "url": "/kurs/"},
        {"label": "Modul 2: Das Regionalteam", "url": ""},
    ]
    return {
        "example_form": ExampleForm(auto_id="example_%s"),
        "invalid_form": invalid_form,
        "example_page": page,
        "example_members": members,
        "anonymous_member": User(display_name="Gast"),
        "example_tabs": tabs,
        "example_breadcrumbs": breadcrumbs,
        "icon_names": sorted(ICONS),
    }
