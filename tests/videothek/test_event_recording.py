"""„Aufzeichnung veröffentlicht“: a published video linked both ways, registrants told once, the page shows it."""

from __future__ import annotations

import pytest

from notifications.models import Notification
from tests.factories import MemberFactory
from videothek import event_services as services
from videothek.models import VideoPage

from .builders_events import build_event, first_date
from .builders_videos import video, videothek_index

pytestmark = pytest.mark.django_db


def test_the_page_action_links_the_recording_both_ways_and_tells_the_registrants_once(client, home_page, editor):
    event = build_event(home_page, title="Webinar Bürgerräte")
    member = MemberFactory()
    services.registration_create(user=member, occurrence=first_date(event))
    recording = video(videothek_index(home_page), title="Aufzeichnung: Bürgerräte")
    client.force_login(editor)
    url = f"/cms/termine/{event.pk}/aufzeichnung/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"video": recording.pk}, follow=True)
    assert "1 angemeldete Mitglieder wurden benachrichtigt" in response.content.decode()
    client.post(url, {"video": recording.pk})
    event.refresh_from_db()
    assert event.recording_id == recording.pk
    assert VideoPage.objects.get(pk=recording.pk).related_event_id == event.pk
    told = Notification.objects.filter(recipient=member, kind=services.KIND_RECORDING)
    assert told.count() == 1
    client.force_login(member)
    assert "Aufzeichnung ansehen" in client.get(event.url).content.decode()


def test_a_member_cannot_use_the_page_action_and_an_unpublished_video_is_refused(client, home_page, editor):
    event = build_event(home_page)
    draft = video(videothek_index(home_page), title="Entwurf")
    draft.unpublish()
    client.force_login(MemberFactory())
    assert client.post(f"/cms/termine/{event.pk}/aufzeichnung/", {"video": draft.pk}).status_code in (302, 403)
    with pytest.raises(services.RecordingError):
        services.recording_publish(event=event, video=VideoPage.objects.get(pk=draft.pk))
