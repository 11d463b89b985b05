"""Member handles: chosen from the display name, unique regardless of case, editable, found in mentions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from community import permissions
from community.handles import mentioned_handles, slugify_handle, unique_handle
from community.models import User
from tests.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Anna Müller", "anna.mueller"),
        ("  Jörg  Straße ", "joerg.strasse"),
        ("Élodie_B", "elodie_b"),
        ("!!!", ""),
        ("a" * 40, "a" * 24),
    ],
)
def test_handles_are_made_of_lower_case_ascii_from_the_name(text, expected):
    assert slugify_handle(text) == expected


def test_a_new_account_gets_a_handle_from_its_display_name():
    user = UserFactory(display_name="Anna Müller")
    assert user.handle == "anna.mueller"


def test_a_taken_handle_gets_a_number():
    UserFactory(display_name="Anna Müller")
    second = UserFactory(display_name="ANNA Müller")
    assert second.handle == "anna.mueller2"
    assert unique_handle("Anna Müller") == "anna.mueller3"


def test_an_account_without_a_name_gets_a_handle_from_its_address():
    user = User.objects.create_user("z@example.org", "geheim-genug-2026")
    assert user.handle == "mitgliedz"


def test_handles_are_unique_regardless_of_case():
    UserFactory(display_name="Kim")
    other = UserFactory(display_name="Lou")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=other.pk).update(handle="KIM")


def test_mentions_are_found_outside_code_and_e_mail_addresses():
    text = (
        "Hallo @anna.mueller und @Kim, schreib an kim@example.org. `@nicht` gilt nicht.\n"
        "```\n@auch_nicht\n```\n@anna.mueller."
    )
    assert mentioned_handles(text) == ["anna.mueller", "kim"]


def test_members_can_change_their_handle_in_the_profile(client):
    member = MemberFactory(display_name="Paula")
    client.force_login(member)
    client.post("/konto/profil/", {"display_name": "Paula", "handle": "@Paula.Plan", "bio": ""})
    member.refresh_from_db()
    assert member.handle == "paula.plan"


def test_a_taken_or_malformed_handle_is_refused_and_the_typed_text_kept(client):
    MemberFactory(display_name="Taken", handle="vergeben")
    member = MemberFactory(display_name="Paula")
    client.force_login(member)
    for wrong in ("Vergeben", "-x", "mit leerzeichen"):
        response = client.post("/konto/profil/", {"display_name": "Paula", "handle": wrong, "bio": "Mein Text"})
        assert response.status_code == 200
        assert response.context["form"].errors["handle"]
        assert "Mein Text" in response.content.decode()
    member.refresh_from_db()
    assert member.handle == "paula"


def test_a_silenced_member_reads_but_may_not_post_until_the_silence_ends():
    member = MemberFactory()
    assert permissions.can_post(member)
    member.silenced_until = timezone.now() + timedelta(hours=1)
    assert not permissions.can_post(member)
    assert permissions.is_member(member)
    member.silenced_until = timezone.now() - timedelta(seconds=1)
    assert permissions.can_post(member)
