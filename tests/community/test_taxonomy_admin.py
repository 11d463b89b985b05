"""Editors maintain Handlungsfelder, Großregionen, regions and teams as Wagtail snippets."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from community.models import Grossregion, Handlungsfeld, Region, Team
from tests.factories import GrossregionFactory, RegionFactory

pytestmark = pytest.mark.django_db

SNIPPET_MODELS = ["handlungsfeld", "grossregion", "region", "team"]


def snippet_url(model: str, action: str, *args: object) -> str:
    return reverse(f"wagtailsnippets_community_{model}:{action}", args=args)


def inline_formset(prefix: str) -> dict[str, str]:
    """Management data of an empty InlinePanel formset."""
    return {
        f"{prefix}-TOTAL_FORMS": "0",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def test_the_snippet_urls_live_under_the_cms_path():
    assert snippet_url("handlungsfeld", "list") == "/cms/snippets/community/handlungsfeld/"
    assert snippet_url("team", "add") == "/cms/snippets/community/team/add/"


@pytest.mark.parametrize("model", SNIPPET_MODELS)
def test_an_editor_can_open_the_list_and_the_add_form(editor_client, model):
    listing = editor_client.get(snippet_url(model, "list"))
    add_form = editor_client.get(snippet_url(model, "add"))

    assert listing.status_code == 200
    assert add_form.status_code == 200
    assert b'name="name"' in add_form.content


@pytest.mark.parametrize("model", SNIPPET_MODELS)
def test_a_plain_member_cannot_open_the_snippet_list(member_client, model):
    response = member_client.get(snippet_url(model, "list"))

    # Wagtail sends people without admin access to its login page with a message.
    assert response.status_code == 302
    assert response.url.startswith("/cms/login/")


def test_an_editor_creates_a_handlungsfeld(editor_client):
    response = editor_client.post(
        snippet_url("handlungsfeld", "add"),
        {"name": "Wasser", "slug": "wasser", "short_description": "Quellen und Bäche", "colour": "#1f6f8b",
         "icon": "drop", "order": "12"},
    )  # fmt: skip

    assert response.status_code == 302, response.context and response.context["form"].errors
    feld = Handlungsfeld.objects.get(slug="wasser")
    assert feld.name == "Wasser"
    assert feld.order == 12


def test_a_handlungsfeld_colour_must_be_a_hex_value(editor_client):
    response = editor_client.post(
        snippet_url("handlungsfeld", "add"), {"name": "Wasser", "slug": "wasser", "colour": "blau", "order": "1"}
    )

    assert response.status_code == 200
    assert "colour" in response.context["form"].errors
    assert not Handlungsfeld.objects.filter(slug="wasser").exists()


def test_an_editor_creates_a_grossregion_whose_countries_are_stored_and_reloaded(editor_client):
    response = editor_client.post(
        snippet_url("grossregion", "add"), {"name": "Alpen", "slug": "alpen", "countries": ["AT", "IT"]}
    )

    assert response.status_code == 302
    grossregion = Grossregion.objects.get(slug="alpen")
    assert grossregion.countries == ["AT", "IT"]
    labels = grossregion.get_countries_display().split(", ")
    assert len(labels) == 2
    assert "AT" not in labels  # names, not codes

    edit_form = editor_client.get(snippet_url("grossregion", "edit", grossregion.pk))
    assert edit_form.status_code == 200
    assert edit_form.context["form"].initial["countries"] == ["AT", "IT"]


def test_the_country_list_field_round_trips_through_the_database():
    grossregion = GrossregionFactory(countries=["AT", "IT"])

    assert Grossregion.objects.get(pk=grossregion.pk).countries == ["AT", "IT"]
    assert Grossregion.objects.filter(pk=grossregion.pk).values_list("countries", flat=True).get() == ["AT", "IT"]


def test_an_unknown_country_is_rejected():
    grossregion = Grossregion(name="Nirgendwo", slug="nirgendwo", countries=["DE", "XX"])

    with pytest.raises(ValidationError) as error:
        grossregion.full_clean()

    assert "countries" in error.value.message_dict


def test_a_grossregion_needs_at_least_one_country(editor_client):
    response = editor_client.post(snippet_url("grossregion", "add"), {"name": "Leer", "slug": "leer"})

    assert response.status_code == 200
    assert "countries" in response.context["form"].errors


def test_an_editor_creates_a_region(editor_client):
    grossregion = GrossregionFactory()

    response = editor_client.post(
        snippet_url("region", "add"),
        {"name": "Hohenlohe", "slug": "hohenlohe", "grossregion": grossregion.pk, "country": "DE",
         "status": "founding", "latitude": "49.2", "longitude": "9.6"},
    )  # fmt: skip

    assert response.status_code == 302
    region = Region.objects.get(slug="hohenlohe")
    assert region.grossregion == grossregion
    assert region.latitude == Decimal("49.2")


def test_a_latitude_of_100_is_rejected_in_the_admin(editor_client):
    response = editor_client.post(
        snippet_url("region", "add"),
        {"name": "Nordpol", "slug": "nordpol", "country": "DE", "status": "interested", "latitude": "100",
         "longitude": "9.6"},
    )  # fmt: skip

    assert response.status_code == 200
    assert "latitude" in response.context["form"].errors
    assert not Region.objects.filter(slug="nordpol").exists()


def test_region_validation_rejects_coordinates_out_of_range():
    region = RegionFactory.build(latitude=Decimal("100"), longitude=Decimal("-181"), grossregion=None)

    with pytest.raises(ValidationError) as error:
        region.full_clean()

    assert set(error.value.message_dict) == {"latitude", "longitude"}


def test_an_editor_creates_a_team(editor_client):
    region = RegionFactory()

    response = editor_client.post(
        snippet_url("team", "add"),
        {"name": "Regionalteam Hohenlohe", "slug": "regionalteam-hohenlohe", "kind": "regionalteam",
         "description": "", "region": region.pk, "grossregion": region.grossregion.pk,
         **inline_formset("memberships")},
    )  # fmt: skip

    assert response.status_code == 302, response.context and response.context["form"].errors
    team = Team.objects.get(slug="regionalteam-hohenlohe")
    assert team.kind == Team.Kind.REGIONALTEAM
    assert team.region == region


def test_the_region_list_needs_the_same_queries_for_5_and_50_regions(editor_client, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    RegionFactory.create_batch(5)
    with CaptureQueriesContext(connection) as five:
        assert editor_client.get(snippet_url("region", "list")).status_code == 200

    RegionFactory.create_batch(45)
    with django_assert_num_queries(len(five)):
        assert editor_client.get(snippet_url("region", "list")).status_code == 200
