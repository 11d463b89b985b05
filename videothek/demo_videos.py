"""Demo content of the video half: the Videothek with a dozen videos, speakers, a Reihe and one playable WebM."""

from __future__ import annotations

import datetime
import io
from pathlib import Path
from typing import TextIO

from community import demo

INDEX_SLUG = "videothek"
DEMO_COLLECTION = "Videothek (Demo)"
# Made by demo_media/make_demo_video.sh (ffmpeg): 30 s, VP8 + Vorbis, three 10-second parts.
DEMO_VIDEO = Path(__file__).resolve().parent / "demo_media" / "einfuehrung.webm"
SERIES_TITLE = "Regionallabor 2024/25"
GROUP_NAME = "Weggemeinschaft Süd"

SPEAKERS = [
    ("Jana Beispiel", "Begleitung Regionallabor"),
    ("Tobias Feld", "Solawi Wendland"),
    ("Aylin Demir", "Moderation"),
    ("Peter Lindner", "Bürgerenergie Allgäu"),
    ("Sophie Gruber", "Regionalteam Waldviertel"),
]

VTT = """WEBVTT

00:00:00.500 --> 00:00:04.500
Willkommen zur Einführung in die Mitmach-Konferenz!

00:00:04.500 --> 00:00:09.500
In drei kurzen Teilen zeigen wir euch, wie sie abläuft.

00:00:10.000 --> 00:00:15.000
Teil zwei: Ihr ladet eure Region ein – alle, die mitmachen wollen.

00:00:15.000 --> 00:00:19.500
An Thementischen sammelt ihr Ideen für eure Handlungsfelder.

00:00:20.000 --> 00:00:25.000
Teil drei: Aus den Ideen werden Aktionen mit Menschen, die sie tragen.

00:00:25.000 --> 00:00:29.500
Viel Freude beim Ausprobieren – bis bald in der Videothek!
"""

TRANSCRIPT = """00:00:00 Willkommen zur Einführung in die Mitmach-Konferenz!
00:00:04 In drei kurzen Teilen zeigen wir euch, wie sie abläuft.
00:00:10 Teil zwei: Ihr ladet eure Region ein – alle, die mitmachen wollen.
00:00:15 An Thementischen sammelt ihr Ideen für eure Handlungsfelder.
00:00:20 Teil drei: Aus den Ideen werden Aktionen mit Menschen, die sie tragen.
00:00:25 Viel Freude beim Ausprobieren – bis bald in der Videothek!"""

# slug, title, kind, handlungsfeld slug, speakers, tags, days ago, duration, visibility, extra
VIDEOS = [
    ("einfuehrung-mitmach-konferenz", "Einführung in die Mitmach-Konferenz", "erklaervideo", "demokratie-beteiligung",
     ["Jana Beispiel"], ["Mitmach-Konferenz", "Einstieg"], 20, 30, "public", {"file": True}),
    ("solawi-gruenden", "Handlungsfeld Ernährung: Solawi gründen", "webinar", "ernaehrung-landwirtschaft",
     ["Tobias Feld"], ["Solawi", "Landwirtschaft"], 45, 3720, "public",
     {"transcript": "00:00:00 Herzlich willkommen zum Webinar.\n00:04:10 Was ist eine Solawi?\n"
                    "00:12:34 Die Bieterrunde: Wie jede und jeder gibt, was möglich ist.\n"
                    "00:31:05 Ein Hof für die Solawi finden.\n00:48:20 Fragen aus der Runde."}),
    ("live-call-moderation", "Live-Call: Fragen zur Moderation", "live_call", "demokratie-beteiligung",
     ["Aylin Demir"], ["Moderation"], 12, 2700, "members",
     {"transcript": "00:00:00 Wir sammeln eure Fragen.\n00:05:30 Wie moderiert man Thementische?\n"
                    "00:21:00 Umgang mit Vielrednern."}),
    ("sprechstunde-foerderung", "Sprechstunde: Förderanträge für Regionalteams", "sprechstunde", "wirtschaft-konsum",
     ["Jana Beispiel"], ["Förderung"], 8, 1800, "public", {}),
    ("buergerenergie-allgaeu", "Bürgerenergie im Allgäu", "erklaervideo", "energie",
     ["Peter Lindner"], ["Energie", "Genossenschaft"], 90, 540, "public",
     {"external_url": "https://www.youtube.com/watch?v=aqz-KE-bpKQ"}),
    ("weggemeinschaft-sued-rueckblick", "Weggemeinschaft Süd: Rückblick auf das Frühjahr", "live_call",
     "kultur-zusammenleben", ["Aylin Demir"], ["Weggemeinschaft"], 30, 1500, "group", {}),
    ("fest-der-regionen-2024", "Fest der Regionen 2024: Die Höhepunkte", "fest", "kultur-zusammenleben",
     ["Sophie Gruber"], ["Fest"], 200, 900, "public", {}),
    ("regionallabor-modul-0", "Regionallabor Modul 0: Ankommen", "regionallabor", "bildung",
     ["Jana Beispiel"], ["Regionallabor"], 150, 2400, "public", {"series": 0}),
    ("regionallabor-modul-1", "Regionallabor Modul 1: Die Region entdecken", "regionallabor", "bildung",
     ["Jana Beispiel", "Sophie Gruber"], ["Regionallabor"], 120, 2700, "public", {"series": 1}),
    ("regionallabor-modul-2", "Regionallabor Modul 2: Menschen gewinnen", "regionallabor", "bildung",
     ["Jana Beispiel"], ["Regionallabor"], 95, 2600, "public", {"series": 2}),
    ("mobilitaet-mitfahrbank", "Mitfahrbänke in der Region", "erklaervideo", "mobilitaet",
     ["Sophie Gruber"], ["Mobilität"], 60, 420, "public", {}),
    ("wohnen-leerstand", "Webinar: Leerstand in Wohnraum verwandeln", "webinar", "wohnen-bauen",
     ["Peter Lindner"], ["Wohnen"], 75, 3300, "public", {}),
]  # fmt: skip


def _collection():
    from wagtail.models import Collection

    existing = Collection.objects.filter(name=DEMO_COLLECTION).first()
    return existing or Collection.get_first_root_node().add_child(name=DEMO_COLLECTION)


def _thumbnail(title: str, colour: str, collection):
    from django.core.files.images import ImageFile
    from PIL import Image as Picture
    from PIL import ImageDraw, ImageFont
    from wagtail.images.models import Image

    existing = Image.objects.filter(title=title, collection=collection).first()
    if existing:
        return existing
    picture = Picture.new("RGB", (960, 540), colour)
    draw = ImageDraw.Draw(picture)
    draw.text((60, 400), title[:42], fill="#ffffff", font=ImageFont.load_default(size=40))
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    image = Image(title=title, collection=collection)
    image.file = ImageFile(io.BytesIO(buffer.getvalue()), name="vorschau.png")
    image._set_image_file_metadata()
    image.save()
    return image


def _demo_media(collection):
    from django.core.files import File
    from wagtailmedia.models import Media

    existing = Media.objects.filter(title="Einführung in die Mitmach-Konferenz", collection=collection).first()
    if existing:
        return existing
    media = Media(title="Einführung in die Mitmach-Konferenz", type="video", duration=30, collection=collection)
    with DEMO_VIDEO.open("rb") as handle:
        media.file.save("einfuehrung-mitmach-konferenz.webm", File(handle), save=False)
    media.save()
    return media


def _caption(collection):
    from django.core.files.base import ContentFile
    from wagtail.documents.models import Document

    existing = Document.objects.filter(title="Untertitel: Einführung (Deutsch)", collection=collection).first()
    if existing:
        return existing
    document = Document(title="Untertitel: Einführung (Deutsch)", collection=collection)
    document.file = ContentFile(VTT.encode(), name="einfuehrung-de.vtt")
    document._set_document_file_metadata()
    document.save()
    return document


def _group():
    """The Weggemeinschaft as a Django group (what Wagtail's page privacy restricts to), with its team's members."""
    from django.contrib.auth.models import Group

    from community.models import TeamMembership

    group, _created = Group.objects.get_or_create(name=GROUP_NAME)
    members = TeamMembership.objects.filter(team__slug="weggemeinschaft-sued").values_list("user_id", flat=True)
    group.user_set.add(*members)
    return group


def seed_videos(out: TextIO) -> None:
    from django.utils import timezone
    from django.utils.text import slugify
    from wagtail.models import PageViewRestriction

    from community.models import Handlungsfeld, User
    from home.models import HomePage

    from .models import Speaker, VideoCaption, VideoChapter, VideoPage, VideoSeries, VideoSeriesItem, VideothekIndexPage
    from .video_services import progress_record

    home = HomePage.objects.first()
    if home is None:
        out.write("  Videothek: no home page, skipped\n")
        return
    index = VideothekIndexPage.objects.first()
    if index is None:
        index = VideothekIndexPage(
            title="Videothek",
            slug=INDEX_SLUG,
            intro="<p>Erklärvideos, Webinare und Live-Calls zum Nachschauen – mit Untertiteln, Kapiteln "
            "und Transkript.</p>",
        )
        home.add_child(instance=index)
        index.save_revision().publish()
    if VideoPage.objects.child_of(index).exists():
        out.write("  Videothek: videos exist, unchanged\n")
        return
    collection = _collection()
    speakers = {
        name: Speaker.objects.get_or_create(slug=slugify(name), defaults={"name": name, "role": role})[0]
        for name, role in SPEAKERS
    }
    fields = {hf.slug: hf for hf in Handlungsfeld.objects.all()}
    colours = {"erklaervideo": "#1f6a3d", "webinar": "#174a7c", "live_call": "#7a4b00", "sprechstunde": "#8a4f7d",
               "regionallabor": "#3d5a99", "fest": "#a23b52"}  # fmt: skip
    group = _group()
    today = timezone.localdate()
    series_videos: dict[int, VideoPage] = {}
    pages = {}
    for slug, title, kind, hf_slug, names, tags, days_ago, duration, visibility, extra in VIDEOS:
        page = VideoPage(
            title=title,
            slug=slug,
            kind=kind,
            handlungsfeld=fields.get(hf_slug),
            recorded_on=today - datetime.timedelta(days=days_ago),
            duration=duration,
            description=f"<p>{title}: eine Aufzeichnung aus dem Netzwerk der Mitmach-Regionen.</p>",
            transcript=extra.get("transcript", ""),
            external_url=extra.get("external_url", ""),
            thumbnail=_thumbnail(title, colours[kind], collection),
        )
        if extra.get("file"):
            page.media = _demo_media(collection)
            page.transcript = TRANSCRIPT
            page.allow_download = True
            for start, chapter in ((0, "Worum es geht"), (10, "Die Region einladen"), (20, "Vom Tisch zur Aktion")):
                page.chapters.add(VideoChapter(start=start, title=chapter))
            page.captions.add(VideoCaption(language="de", label="Deutsch", file=_caption(collection)))
        elif not page.external_url:
            # Recordings without a file of their own in the demo play the introduction's file.
            page.media = _demo_media(collection)
            page.duration = 30
        index.add_child(instance=page)
        page.speakers.set([speakers[name] for name in names])
        page.tags.add(*tags)
        page.save_revision().publish()
        if visibility == "members":
            PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
        elif visibility == "group":
            restriction = PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.GROUPS)
            restriction.groups.set([group])
        if "series" in extra:
            series_videos[extra["series"]] = page
        pages[slug] = page
    series, _created = VideoSeries.objects.get_or_create(
        slug=slugify(SERIES_TITLE),
        defaults={"title": SERIES_TITLE, "description": "Die Module des Regionallabors zum Nachschauen."},
    )
    for position, page in sorted(series_videos.items()):
        VideoSeriesItem.objects.get_or_create(series=series, video=page, defaults={"sort_order": position})
    # The demo member watched the first module and started the second.
    member = User.objects.filter(email__iexact="mitglied@example.org").first()
    if member:
        start = timezone.now() - datetime.timedelta(days=2)
        first, second = pages["regionallabor-modul-0"], pages["regionallabor-modul-1"]
        for n in range(2):
            progress_record(
                user=member,
                video_id=first.pk,
                position=15 * (n + 1),
                played=f"{15 * n}-{15 * (n + 1)}",
                now=start + datetime.timedelta(seconds=15 * n),
            )
        progress_record(user=member, video_id=second.pk, position=12, played="0-12", now=start)
    out.write(f"  Videothek: {len(VIDEOS)} videos, {len(SPEAKERS)} speakers, Reihe „{SERIES_TITLE}“\n")


def reset_videos() -> None:
    from wagtail.documents.models import Document
    from wagtail.images.models import Image
    from wagtail.models import Collection
    from wagtailmedia.models import Media

    from .models import Speaker, VideoPage, VideoSeries, VideothekIndexPage

    VideoSeries.objects.filter(title=SERIES_TITLE).delete()
    for page in VideoPage.objects.filter(slug__in=[row[0] for row in VIDEOS]):
        page.delete()
    for index in VideothekIndexPage.objects.filter(slug=INDEX_SLUG):
        if not index.get_children().exists():
            index.delete()
    Speaker.objects.filter(name__in=[name for name, _role in SPEAKERS], videos__isnull=True).delete()
    collection = Collection.objects.filter(name=DEMO_COLLECTION).first()
    if collection is not None:
        for model in (Media, Image, Document):
            for item in model.objects.filter(collection=collection):
                item.file.delete(save=False)
                item.delete()
        collection.delete()
    # The Weggemeinschaft's group stays: other content may be restricted to it.


demo.register("videos", order=80, seed=seed_videos, reset=reset_videos)
