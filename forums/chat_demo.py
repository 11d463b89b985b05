"""Demo chat: a room per Handlungsfeld and per team, with short German conversations (deterministic, fast)."""

from __future__ import annotations

from datetime import timedelta
from typing import TextIO

from community import demo

# room ("feld:<slug>" or "team:<slug>"), [(author e-mail, text)]; messages are dated yesterday, a few minutes apart.
CONVERSATIONS = [
    ("feld:energie", [
        ("admin@example.org", "Guten Morgen! Hat jemand Erfahrung mit **Bürgerenergie** auf Gemeindedächern?"),
        ("redaktion@example.org", "Im Vinschgau haben wir drei Schuldächer mit PV belegt. Schwierig war die Pacht."),
        ("mitglied@example.org", "Könnt ihr den Vertrag teilen? Wir sind im Wendland gerade an genau dem Punkt."),
        ("redaktion@example.org", "Klar, ich lade ihn heute Abend ins Forum hoch – ohne die Namen."),
        ("moderation@example.org", "Super! Verlinkt ihn dann gern hier, dann pinne ich die Nachricht."),
        ("admin@example.org", "Danke euch, das hilft sehr. 🌞"),
    ]),
    ("feld:mobilitaet", [
        ("mitglied@example.org", "Kurze Frage: Wer hat schon mal einen Bürgerbus auf die Beine gestellt?"),
        ("moderation@example.org", "Im Allgäu fährt einer seit 2019, ehrenamtlich, 14 Fahrerinnen und Fahrer."),
        ("mitglied@example.org", "Wie habt ihr die Versicherung gelöst?"),
        ("moderation@example.org", "Über den Landkreis – der ÖPNV-Aufgabenträger hat meist einen Rahmenvertrag."),
        ("redaktion@example.org", "Im Kurs gibt es dazu übrigens eine Lektion im Modul *Mobilität auf dem Land*."),
    ]),
    ("feld:ernaehrung-landwirtschaft", [
        ("redaktion@example.org", "Unsere Solawi sucht noch einen Verteilpunkt in Schlanders. Ideen?"),
        ("admin@example.org", "Im Waldviertel nutzen wir den Dorfladen – die freuen sich über die Kundschaft."),
        ("redaktion@example.org", "Gute Idee, ich frage morgen beim Laden an."),
        ("mitglied@example.org", "Bei uns klappt eine Garage mit Kühlschrank und Liste an der Tür gut."),
    ]),
    ("feld:kultur-zusammenleben", [
        ("moderation@example.org", "Wer kommt zum Sommerfest-Austausch am Donnerstag um 19 Uhr?"),
        ("mitglied@example.org", "Ich bin dabei!"),
        ("admin@example.org", "Ich auch, bringe die Fotos vom Waldviertler Dorffest mit."),
    ]),
    ("team:regionalteam-wendland", [
        ("mitglied@example.org", "Hallo Team! Die Stadthalle hat für den 14. September abgesagt. 😕"),
        ("mitglied@example.org", "Ich frage jetzt bei der Volkshochschule und beim Gemeindezentrum an."),
        ("admin@example.org", "Danke, Mia. Wenn ihr Unterstützung beim Anschreiben braucht, meldet euch."),
        ("mitglied@example.org", "Das Gemeindezentrum hat zugesagt! Wir übernehmen nur die Reinigung. 🎉"),
    ]),
    ("team:weggemeinschaft-sued", [
        ("moderation@example.org", "Nächstes Treffen der Weggemeinschaft: Dienstag, 18:30 Uhr, online."),
        ("mitglied@example.org", "Passt! Sollen wir die Konferenzplanung als Schwerpunkt nehmen?"),
        ("moderation@example.org", "Gern. Bringt bitte jeweils eure drei größten offenen Fragen mit."),
    ]),
    ("team:weggemeinschaft-alpen", [
        ("redaktion@example.org", "Servus zusammen! Protokoll vom letzten Treffen liegt im Teamforum."),
        ("admin@example.org", "Danke! Ich ergänze noch die Termine für den Herbst."),
        ("redaktion@example.org", "Und wer organisiert die Exkursion ins Pustertal?"),
        ("admin@example.org", "Das übernehme ich, Details folgen bis Freitag."),
    ]),
    ("team:regionalteam-vinschgau", [
        ("redaktion@example.org", "Erinnerung: Morgen um 17 Uhr treffen wir uns in Mals."),
        ("admin@example.org", "Ich schalte mich online dazu – bitte einen Link schicken."),
    ]),
    ("team:regionalteam-waldviertel", [
        ("admin@example.org", "Die Gemeinde Zwettl hat zugesagt, den Festsaal für die Konferenz zu stellen!"),
        ("admin@example.org", "Als Nächstes brauchen wir ein Moderationsteam – wer hat Lust?"),
    ]),
]  # fmt: skip


def seed_chat(out: TextIO) -> None:
    from django.utils import timezone

    from community.models import Handlungsfeld, Team, User

    from .models import Room
    from .services.chat import message_send, room_ensure_for_handlungsfeld, room_ensure_for_team

    rooms: dict[str, Room] = {}
    for field in Handlungsfeld.objects.all():
        rooms[f"feld:{field.slug}"] = room_ensure_for_handlungsfeld(handlungsfeld=field)
    for team in Team.objects.all():
        rooms[f"team:{team.slug}"] = room_ensure_for_team(team=team)
    users = {user.email: user for user in User.objects.filter(email__in=[row[0] for row in demo.ACCOUNTS])}
    start = timezone.now().replace(hour=9, minute=0, second=0, microsecond=0) - timedelta(days=1)
    sent = 0
    for offset, (key, messages) in enumerate(CONVERSATIONS):
        room = rooms.get(key)
        if room is None or room.messages.exists():
            continue
        at = start + timedelta(minutes=37 * offset)
        for email, text in messages:
            author = users.get(email)
            if author is None:
                continue
            at += timedelta(minutes=3)
            message_send(author=author, room=room, body_markdown=text, created_at=at)
            sent += 1
    out.write(f"  Chat rooms: {len(rooms)}, demo messages: {sent} new\n")


def reset_chat() -> None:
    from django.db.models import Q

    from .models import Room

    fields = [row[0] for row in demo.HANDLUNGSFELDER]
    teams = [row[0] for row in demo.TEAMS]
    # Messages, members and mentions go with their rooms; new rooms come back with the next seed.
    Room.objects.filter(Q(handlungsfeld__slug__in=fields) | Q(team__slug__in=teams)).delete()


demo.register("chat", order=65, seed=seed_chat, reset=reset_chat)
