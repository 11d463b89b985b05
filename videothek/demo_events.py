"""Demo content of the events calendar (`manage.py seed_demo`): dates relative to today, in Berlin time.

A weekly Sprechstunde (Tuesdays 17:00, one date cancelled), webinars (one fully booked, with a waiting
list), the Regionallabor Modul 0–6 from October to March (Modul 4 live for one and a half days in Lindau),
a Treffen in einer Großregion, a Fest der Regionen, a members-only live call and a past webinar with its
recording when the Videothek's seed has one.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TextIO

from community import demo

from .recurrence import BERLIN, weekly_rule

INDEX_SLUG = "termine"
JOIN = "https://meet.example.org/mitmach-"


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=BERLIN)


def _next_weekday(start: date, weekday: int) -> date:
    return start + timedelta(days=(weekday - start.weekday()) % 7)


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    first = _next_weekday(date(year, month, 1), weekday)
    return first + timedelta(weeks=n - 1)


def _publish(page):
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def _index(home):
    from .models import EventIndexPage

    index = EventIndexPage.objects.child_of(home).first()
    if index is None:
        index = EventIndexPage(
            title="Termine",
            slug=INDEX_SLUG,
            intro="<p>Live-Calls, Webinare, Sprechstunden und die Module des Regionallabors – online und vor Ort.</p>",
        )
        home.add_child(instance=index)
        _publish(index)
    return index


def _event(index, **fields):
    from .models import EventPage

    page = EventPage(**fields)
    index.add_child(instance=page)
    return _publish(page)


def _members():
    from community.models import User

    return {user.email: user for user in User.objects.filter(email__endswith="@example.org")}


def _season(today: date) -> int:
    """The October of the current or next Regionallabor cycle."""
    return today.year if today.month >= 10 else (today.year - 1 if today.month <= 3 else today.year)


def seed_events(out: TextIO) -> None:
    from community.models import Grossregion, Handlungsfeld
    from home.models import HomePage

    from . import event_services
    from .models import EventException, EventOccurrence, EventPage, Registration, VideoPage

    home = HomePage.objects.first()
    if home is None:
        out.write("  Events: no home page, skipped\n")
        return
    index = _index(home)
    if EventPage.objects.child_of(index).exists():
        out.write("  Events: the calendar has events, unchanged\n")
        return
    fields = {h.slug: h for h in Handlungsfeld.objects.all()}
    regions = {g.slug: g for g in Grossregion.objects.all()}
    today = datetime.now(BERLIN).date()

    # Sprechstunde: every Tuesday 17:00–18:00, from four weeks ago for half a year; the second next date is off.
    first_tuesday = _next_weekday(today - timedelta(weeks=4), 1)
    until = today + timedelta(days=183)
    sprechstunde = _event(
        index,
        title="Zoom-Sprechstunde der Begleitung",
        slug="sprechstunde",
        kind=EventPage.Kind.SPRECHSTUNDE,
        description="<p>Jeden Dienstag eine Stunde für eure Fragen: Konferenzplanung, Förderung, Moderation.</p>",
        start=_at(first_tuesday, 17),
        end=_at(first_tuesday, 18),
        rrule=weekly_rule(weekdays=["TU"], until=_at(until, 0)),
        online=True,
        host="Team Begleitung",
        join_link=JOIN + "sprechstunde",
    )
    upcoming = list(
        EventOccurrence.objects.filter(event=sprechstunde, start__gte=datetime.now(BERLIN)).order_by("start")[:2]
    )
    if len(upcoming) == 2:
        EventException.objects.create(page=sprechstunde, original_start=upcoming[1].original_start, cancelled=True)
        _publish(EventPage.objects.get(pk=sprechstunde.pk))

    solawi = _event(
        index,
        title="Webinar: Solawi gründen",
        slug="webinar-solawi-gruenden",
        kind=EventPage.Kind.WEBINAR,
        description="<p>Wie aus einer Idee eine Solidarische Landwirtschaft wird: Anbauplanung, Bieterrunde, "
        "Recht.</p>",
        start=_at(today + timedelta(days=10), 19),
        end=_at(today + timedelta(days=10), 20, 30),
        handlungsfeld=fields.get("ernaehrung-landwirtschaft"),
        capacity=30,
        host="Netzwerk Solidarische Landwirtschaft",
        join_link=JOIN + "solawi",
        ask_question=True,
    )
    energie = _event(
        index,
        title="Webinar: Bürgerenergie-Genossenschaft starten",
        slug="webinar-buergerenergie",
        kind=EventPage.Kind.WEBINAR,
        description="<p>Kleine Runde mit Beratung: nur zwei Plätze, danach Warteliste.</p>",
        start=_at(today + timedelta(days=17), 18),
        end=_at(today + timedelta(days=17), 19, 30),
        handlungsfeld=fields.get("energie"),
        capacity=2,
        host="Bürgerenergie Wendland eG",
        join_link=JOIN + "energie",
        ask_question=True,
    )

    # Regionallabor: Modul 0 (kick-off, first Saturday of October), Modul 1–6 on the third Saturday of
    # October to March, 10–16 online; Modul 4 live for one and a half days in Lindau.
    year = _season(today)
    for number in range(7):
        month_index = 10 + max(number - 1, 0) - 1
        module_year, module_month = year + month_index // 12, month_index % 12 + 1
        saturday = _nth_weekday(module_year, module_month, 5, 1 if number == 0 else 3)
        live = number == 4
        _event(
            index,
            title=f"Regionallabor Modul {number}",
            slug=f"regionallabor-modul-{number}",
            kind=EventPage.Kind.REGIONALLABOR,
            description="<p>Modul des Regionallabors für die Regionalteams des Jahrgangs.</p>",
            start=_at(saturday - timedelta(days=1), 13) if live else _at(saturday, 10),
            end=_at(saturday, 18) if live else _at(saturday, 16),
            online=not live,
            location="Lindau (Bodensee), Inselhalle" if live else "",
            host="Regionallabor-Team",
            join_link="" if live else JOIN + f"regionallabor-{number}",
        )

    _event(
        index,
        title="Treffen der Regionen in Süddeutschland",
        slug="treffen-sueddeutschland",
        kind=EventPage.Kind.GROSSREGION,
        description="<p>Ein Tag Austausch der Regionalteams aus Bayern und Baden-Württemberg.</p>",
        start=_at(_next_weekday(today + timedelta(weeks=5), 5), 10),
        end=_at(_next_weekday(today + timedelta(weeks=5), 5), 17),
        online=False,
        location="Kempten (Allgäu), Stadtsaal",
        grossregion=regions.get("sueddeutschland"),
        capacity=80,
        host="Regionalteam Allgäu",
    )
    fest_day = _next_weekday(today + timedelta(days=120), 5)
    _event(
        index,
        title="Fest der Regionen",
        slug="fest-der-regionen",
        kind=EventPage.Kind.FEST,
        description="<p>Zwei Tage feiern, was die Regionen geschafft haben – mit Markt der Möglichkeiten.</p>",
        start=_at(fest_day, 11),
        end=_at(fest_day + timedelta(days=1), 16),
        online=False,
        location="Kassel, Kulturbahnhof",
        host="Mitmach-Regionen",
        handlungsfeld=fields.get("kultur-zusammenleben"),
    )
    members_call = _event(
        index,
        title="Live-Call: Fragen zur Moderation",
        slug="live-call-moderation",
        kind=EventPage.Kind.LIVE_CALL,
        description="<p>Nur für Mitglieder: offene Fragen aus euren ersten Konferenzen.</p>",
        start=_at(today + timedelta(days=6), 18),
        end=_at(today + timedelta(days=6), 19),
        host="Moritz Moderation",
        join_link=JOIN + "moderation",
        handlungsfeld=fields.get("demokratie-beteiligung"),
    )
    from wagtail.models import PageViewRestriction

    PageViewRestriction.objects.get_or_create(page=members_call, restriction_type=PageViewRestriction.LOGIN)

    past_day = today - timedelta(days=21)
    past = _event(
        index,
        title="Webinar: Bürgerräte moderieren",
        slug="webinar-buergerraete",
        kind=EventPage.Kind.WEBINAR,
        description="<p>Wie ein Bürgerrat gelingt – mit Erfahrungen aus drei Regionen.</p>",
        start=_at(past_day, 19),
        end=_at(past_day, 20, 30),
        handlungsfeld=fields.get("demokratie-beteiligung"),
        host="Mehr Demokratie e. V.",
    )
    # A new event does not fill the past (event_services.occurrences_sync): the seed writes the held date.
    past_date, _created = EventOccurrence.objects.get_or_create(
        event=past, original_start=past.start, defaults={"start": past.start, "end": past.end}
    )

    members = _members()
    mia = members.get("mitglied@example.org")
    registered = 0
    for email in ("mitglied@example.org", "moderation@example.org"):
        user = members.get(email)
        if user is None:
            continue
        Registration.objects.get_or_create(user=user, occurrence=past_date)
        EventOccurrence.objects.filter(pk=past_date.pk).update(registered_count=past_date.registrations.count())
    recording = VideoPage.objects.live().filter(kind=VideoPage.Kind.WEBINAR).order_by("pk").first()
    if recording is not None:
        event_services.recording_publish(event=past, video=recording)

    def book(user, event, question=""):
        nonlocal registered
        occurrence = (
            EventOccurrence.objects.filter(event=event, start__gte=datetime.now(BERLIN)).order_by("start").first()
        )
        if user is None or occurrence is None:
            return
        occurrence.event = event
        event_services.registration_create(user=user, occurrence=occurrence, question=question)
        registered += 1

    book(mia, sprechstunde)
    book(mia, solawi, "Wie viele Mitglieder braucht eine Solawi mindestens, damit sie trägt?")
    book(members.get("moderation@example.org"), energie, "Welche Rechtsform passt für uns?")
    book(members.get("redaktion@example.org"), energie)
    book(mia, energie, "Gibt es Förderprogramme für die Gründungsphase?")  # full: Mia waits
    out.write(
        f"  Events: {EventPage.objects.child_of(index).count()} events, {registered} registrations"
        f"{', recording linked' if recording else ', no recording video yet'}\n"
    )


def reset_events() -> None:
    from .models import EventIndexPage

    for index in EventIndexPage.objects.all():
        index.delete()


# After the Videothek's videos (80): the past webinar links to its recording.
demo.register("events", order=85, seed=seed_events, reset=reset_events)
