"""Images in chat messages: stored through the upload checks, embedded, and readable only by the room."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from forums.models import Message, Upload
from forums.services import chat as services
from tests.factories import MemberFactory, TeamFactory, TeamMembershipFactory

from .composer_helpers import png_file, relax_limits

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _limits(settings, tmp_path):
    relax_limits(settings, tmp_path)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def team_room():
    team = TeamFactory()
    insiders = [MemberFactory(), MemberFactory()]
    for member in insiders:
        TeamMembershipFactory(team=team, user=member)
    return services.room_ensure_for_team(team=team), insiders


def image_url(html: str) -> str:
    match = re.search(r'<img[^>]+src="(/foren/dateien/[^"]+)"', html)
    assert match, html
    return match.group(1)


def test_a_message_with_an_image_embeds_it_for_the_room(team_room):
    room, (author, reader) = team_room
    response = client_for(author).post(
        f"/chat/{room.slug}/", {"body_markdown": "Unser Plakat für Samstag", "image": png_file("plakat.png")}
    )
    assert response.status_code == 302
    message = Message.objects.get(room=room)
    assert "Unser Plakat für Samstag" in message.body_html
    url = image_url(message.body_html)
    upload = Upload.objects.get()
    assert upload.message_id == message.pk and upload.post_id is None
    fetched = client_for(reader).get(url)
    assert fetched.status_code == 200 and fetched["Content-Type"] == "image/png"


def test_an_image_alone_is_a_message_and_an_empty_form_is_refused_in_german(team_room):
    room, (author, _reader) = team_room
    client = client_for(author)
    assert client.post(f"/chat/{room.slug}/", {"body_markdown": "", "image": png_file()}).status_code == 302
    assert "<img" in Message.objects.get(room=room).body_html
    refused = client.post(f"/chat/{room.slug}/", {"body_markdown": "   "})
    assert refused.status_code == 400
    assert "Schreib eine Nachricht oder hänge ein Bild an." in refused.content.decode()


def test_outsiders_cannot_fetch_the_image_of_a_team_room(team_room):
    room, (author, _reader) = team_room
    client_for(author).post(f"/chat/{room.slug}/", {"body_markdown": "Intern", "image": png_file()})
    url = image_url(Message.objects.get(room=room).body_html)
    assert client_for(MemberFactory()).get(url).status_code == 404
    assert Client().get(url).status_code == 404


def test_a_deleted_message_takes_its_image_with_it(team_room):
    room, (author, reader) = team_room
    client_for(author).post(f"/chat/{room.slug}/", {"body_markdown": "Versehen", "image": png_file()})
    message = Message.objects.get(room=room)
    url = image_url(message.body_html)
    services.message_delete(actor=author, message=message)
    assert client_for(reader).get(url).status_code == 404


def test_a_document_or_a_fake_image_is_refused_and_the_text_kept(team_room):
    room, (author, _reader) = team_room
    client = client_for(author)
    for upload in (
        SimpleUploadedFile("protokoll.pdf", b"%PDF-1.4 test", content_type="application/pdf"),
        SimpleUploadedFile("bild.png", b"<html><script>alert(1)</script></html>", content_type="image/png"),
    ):
        response = client.post(f"/chat/{room.slug}/", {"body_markdown": "Siehe Anhang, bitte lesen", "image": upload})
        assert response.status_code == 400
        html = response.content.decode()
        assert "Siehe Anhang, bitte lesen" in html  # the typed text is kept
    assert not Message.objects.filter(room=room).exists()


def test_someone_elses_upload_is_not_attached_to_my_message(team_room):
    room, (author, reader) = team_room
    client_for(reader).post(f"/chat/{room.slug}/", {"body_markdown": "Meins", "image": png_file()})
    foreign = Upload.objects.get()
    url = image_url(Message.objects.get().body_html)
    message = services.message_send(author=author, room=room, body_markdown=f"![geklaut]({url})")
    foreign.refresh_from_db()
    assert foreign.message.author_id == reader.pk  # still the first message's
    assert message.uploads.count() == 0
