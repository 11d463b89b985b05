"""The forum search page (/foren/suche/): a GET form and one page of results with highlighted snippets."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from ..permissions import visible_categories
from ..selectors.search import QUERY_MAX_LENGTH, SearchFilters, clean_query, search_posts

DATE_FORMATS = ["%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y"]
DATE_ERROR = _("Enter a date such as 31.12.2026.")


class SearchForm(forms.Form):
    """The search form; URL parameters in German, as the page's address shows them."""

    q = forms.CharField(
        label=_("Search for"),
        required=False,
        strip=True,
        # No max_length validation: a longer query is cut, not refused.
        widget=forms.TextInput(attrs={"type": "search", "maxlength": QUERY_MAX_LENGTH, "autocomplete": "off"}),
        help_text=_('All words must occur. "Exact phrase" in quotes, -word excludes a word.'),
    )
    kategorie = forms.ChoiceField(label=_("Category"), required=False)
    tag = forms.CharField(label=_("Tag"), required=False, max_length=50)
    autor = forms.CharField(label=_("Author (handle)"), required=False, max_length=40)
    von = forms.DateField(
        label=_("From"),
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": DATE_ERROR},
    )
    bis = forms.DateField(
        label=_("Until"),
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": DATE_ERROR},
    )
    geloest = forms.BooleanField(label=_("Solved topics only"), required=False)

    def __init__(self, *args: Any, categories: list[tuple[str, str, int]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._category_ids = {slug: pk for slug, _name, pk in categories}
        self.fields["kategorie"].choices = [
            ("", _("All categories")),
            *((slug, name) for slug, name, _pk in categories),
        ]

    def clean_q(self) -> str:
        return clean_query(self.cleaned_data.get("q", ""))

    def clean_autor(self) -> str:
        return self.cleaned_data.get("autor", "").strip().lstrip("@")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        since, until = cleaned.get("von"), cleaned.get("bis")
        if since and until and since > until:
            self.add_error("bis", _("The end date lies before the start date."))
        return cleaned

    def filters(self) -> SearchFilters:
        data = self.cleaned_data
        return SearchFilters(
            query=data["q"],
            category_id=self._category_ids.get(data["kategorie"]),
            tag=data["tag"].strip(),
            author_handle=data["autor"],
            since=data["von"],
            until=data["bis"],
            solved_only=data["geloest"],
        )


def _category_choices(request: HttpRequest) -> list[tuple[str, str, int]]:
    """(slug, label, id) of the categories the user may read, subcategories under their parent (1 query)."""
    rows = list(
        visible_categories(request.user).order_by("position", "name").values_list("slug", "name", "pk", "parent")
    )
    mains = [row for row in rows if row[3] is None]
    children: dict[int, list[tuple]] = {}
    for row in rows:
        if row[3] is not None:
            children.setdefault(row[3], []).append(row)
    choices: list[tuple[str, str, int]] = []
    for slug, name, pk, _parent in mains:
        choices.append((slug, name, pk))
        choices.extend((sub_slug, f"– {sub_name}", sub_pk) for sub_slug, sub_name, sub_pk, _p in children.get(pk, ()))
    return choices


def search(request: HttpRequest) -> HttpResponse:
    """Search the posts the visitor may read; an empty query only shows the form."""
    form = SearchForm(request.GET or None, categories=_category_choices(request))
    page_obj = None
    if form.is_bound and form.is_valid():
        # The query as searched (cut, whitespace collapsed) goes back into the field.
        form.data = form.data.copy()
        form.data["q"] = form.cleaned_data["q"]
        if form.cleaned_data["q"]:
            page_obj = search_posts(request.user, form.filters(), page=request.GET.get("page"))
    return render(request, "forums/search.html", {"form": form, "page_obj": page_obj})
