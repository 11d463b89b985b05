"""Demo forums: a category per Handlungsfeld, the network's own categories, team forums and German discussions."""

from __future__ import annotations

from typing import TextIO

from community import demo

# slug, name, description, colour, visibility, who may start topics
NETWORK_CATEGORIES = [
    ("mitmach-konferenz", "Mitmach-Konferenz organisieren", "Räume, Moderation, Einladungen, Presse: alles rund um eure Konferenz.", "#c2410c", "public", "members"),
    ("allgemeines", "Allgemeines & Vorstellungsrunde", "Stell dich vor und erzähl, was in deiner Region los ist.", "#475569", "public", "members"),
    ("hilfe", "Hilfe zur Plattform", "Fragen zur Plattform, zu deinem Konto und zu den Foren.", "#0f766e", "public", "members"),
    ("ankuendigungen", "Ankündigungen", "Neuigkeiten aus dem Begleitteam.", "#b91c1c", "public", "moderators"),
]  # fmt: skip

# category slug, author e-mail, title, body, tags, [(author e-mail, reply)], number of the accepted reply or None
TOPICS = [
    ("mitmach-konferenz", "mitglied@example.org", "Wie habt ihr einen Raum für die Konferenz gefunden?",
     "Wir planen unsere Mitmach-Konferenz im Wendland für etwa **120 Menschen**. Die Stadthalle ist zu teuer, "
     "die Schulaula an Wochenenden nicht frei.\n\nWie habt ihr euren Raum gefunden? Gab es Unterstützung von der Gemeinde?",
     ["raumsuche", "konferenz"],
     [("admin@example.org", "Im Waldviertel hat uns die Gemeinde den Festsaal kostenlos überlassen – wir haben im Gegenzug die Bürgermeisterin zur Eröffnung eingeladen. Fragt früh, mindestens ein halbes Jahr vorher."),
      ("redaktion@example.org", "Im Vinschgau waren wir in einer Berufsschule. Wichtig: Gruppenräume für die Workshops, nicht nur ein großer Saal."),
      ("mitglied@example.org", "Danke euch! Wir fragen jetzt bei der Gemeinde und der Volkshochschule an.")], 2),
    ("mitmach-konferenz", "redaktion@example.org", "Vorlage für die Pressemitteilung gesucht",
     "Hat jemand eine Vorlage für die Pressemitteilung vor der Konferenz? Am besten eine, die in der Lokalzeitung auch wirklich gedruckt wurde.",
     ["presse", "vorlagen"],
     [("moderation@example.org", "Im Kurs gibt es im Modul *Öffentlichkeitsarbeit* eine Vorlage. Kurz halten, ein gutes Foto, ein Zitat aus dem Team."),
      ("mitglied@example.org", "Unsere Mitteilung aus dem Wendland stelle ich gerne hier ein, sobald sie erschienen ist.")], None),
    ("allgemeines", "mitglied@example.org", "Hallo aus dem Wendland!",
     "Ich bin Mia und seit Januar im Regionalteam Wendland. Bei uns geht es vor allem um Ernährung und Mobilität. Ich freue mich auf den Austausch!",
     ["vorstellung"],
     [("moderation@example.org", "Herzlich willkommen, Mia! Schau gern auch in die Weggemeinschaft Süd hinein."),
      ("admin@example.org", "Willkommen! Im Waldviertel haben wir ähnliche Themen – melde dich gern.")], None),
    ("allgemeines", "admin@example.org", "Was hat euch beim ersten Teamtreffen geholfen?",
     "Das erste Treffen eines neuen Regionalteams prägt viel. Was hat bei euch gut funktioniert – und was würdet ihr anders machen?",
     ["teamaufbau"],
     [("redaktion@example.org", "Eine klare Einladung mit Uhrzeit und Ende, ein Check-in und am Schluss konkrete nächste Schritte mit Namen."),
      ("mitglied@example.org", "Bei uns hat geholfen, dass jede Person ein Foto aus ihrer Region mitgebracht hat.")], None),
    ("hilfe", "mitglied@example.org", "Wie ändere ich meinen Anzeigenamen?",
     "Ich möchte statt meiner E-Mail-Adresse meinen Vornamen anzeigen lassen. Wo finde ich das?",
     ["konto"],
     [("moderation@example.org", "Unter *Mein Profil* kannst du den Anzeigenamen ändern. Deine E-Mail-Adresse wird nie angezeigt."),
      ("mitglied@example.org", "Gefunden, danke!")], 1),
    ("ankuendigungen", "moderation@example.org", "Willkommen in den neuen Foren",
     "Ab heute könnt ihr euch hier nach Handlungsfeldern sortiert austauschen. Bitte bleibt freundlich und beim Thema – "
     "die Moderation hilft gern weiter.\n\n- Fragen zur Plattform: *Hilfe zur Plattform*\n- Vorstellen: *Allgemeines & Vorstellungsrunde*",
     ["foren"],
     [("mitglied@example.org", "Super, danke fürs Einrichten!")], None),
    ("energie", "admin@example.org", "Bürgerenergiegenossenschaft gründen – wo anfangen?",
     "Im Waldviertel wollen einige Gemeinden eine Bürgerenergiegenossenschaft gründen. Welche ersten Schritte haben sich bei euch bewährt?",
     ["bürgerenergie", "genossenschaft"],
     [("redaktion@example.org", "Sucht euch früh einen Prüfverband, der euch bei der Satzung berät. Das spart viel Zeit."),
      ("mitglied@example.org", "Und ladet die Stadtwerke ein – bei uns waren sie überraschend offen.")], 1),
    ("mobilitaet", "mitglied@example.org", "Erfahrungen mit Mitfahrbänken auf dem Land",
     "Wir überlegen, im Wendland Mitfahrbänke aufzustellen. Werden sie bei euch genutzt, oder stehen sie nur herum?",
     ["mitfahrbank", "ländlicher raum"],
     [("redaktion@example.org", "Im Vinschgau laufen sie gut, seit es eine kleine App-Ergänzung gibt und die Bänke gut sichtbar an Ortsausgängen stehen."),
      ("admin@example.org", "Wichtig ist die Begleitung: ein Fest zur Eröffnung und Paten, die die ersten Wochen mitfahren.")], None),
    ("ernaehrung-landwirtschaft", "redaktion@example.org", "Solidarische Landwirtschaft: Verteilpunkte organisieren",
     "Unsere Solawi wächst und die Verteilung am Hof reicht nicht mehr. Wie organisiert ihr Verteilpunkte in den Dörfern?",
     ["solawi"],
     [("mitglied@example.org", "Wir nutzen Garagen von Mitgliedern – mit Kühlschrank und einer Liste an der Tür."),
      ("admin@example.org", "Im Waldviertel liefert der Hof an drei Dorfläden; die Läden freuen sich über die zusätzliche Kundschaft.")], 1),
    ("team:regionalteam-wendland", "mitglied@example.org", "Protokoll unseres Treffens im März",
     "Hier das Protokoll unseres letzten Treffens. Offene Punkte: Raum für die Konferenz, Kontakt zur Lokalzeitung, Termin für das Sommerfest.",
     ["protokoll"],
     [("moderation@example.org", "Danke fürs Protokoll! Ich kümmere mich um die Lokalzeitung.")], None),
]  # fmt: skip


def _team_slug(team_slug: str) -> str:
    return f"team-{team_slug}"


def seed_forums(out: TextIO) -> None:
    from community.models import Handlungsfeld, Team, User

    from .models import Category, Topic
    from .services import post_create, topic_create, topic_mark_solved

    categories: dict[str, Category] = {}
    position = 0
    for position, field in enumerate(Handlungsfeld.objects.order_by("order", "name"), start=1):
        categories[field.slug], _created = Category.objects.get_or_create(
            slug=field.slug,
            defaults={
                "name": field.name,
                "description": field.short_description,
                "colour": field.colour,
                "position": position,
                "handlungsfeld": field,
            },
        )
    for offset, (slug, name, description, colour, visibility, starters) in enumerate(NETWORK_CATEGORIES, start=1):
        categories[slug], _created = Category.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "description": description,
                "colour": colour,
                "position": position + offset,
                "visibility": visibility,
                "topic_starters": starters,
            },
        )
    for team in Team.objects.filter(slug__in=[row[0] for row in demo.TEAMS]).order_by("name"):
        categories[f"team:{team.slug}"], _created = Category.objects.get_or_create(
            slug=_team_slug(team.slug),
            defaults={
                "name": team.name,
                "description": f"Das interne Forum von {team.name}.",
                "colour": "#334155",
                "position": 100,
                "team": team,
                "visibility": Category.Visibility.TEAM,
                "topic_starters": Category.TopicStarters.TEAM,
            },
        )

    users = {user.email: user for user in User.objects.filter(email__in=[row[0] for row in demo.ACCOUNTS])}
    created = 0
    for category_key, author_email, title, body, tags, replies, accepted in TOPICS:
        category = categories.get(category_key)
        author = users.get(author_email)
        if category is None or author is None or Topic.objects.filter(category=category, title=title).exists():
            continue
        topic = topic_create(author=author, category=category, title=title, body_markdown=body, tags=tags)
        posts = [post_create(author=users[email], topic=topic, body_markdown=text) for email, text in replies]
        if accepted is not None:
            topic_mark_solved(actor=author, topic=topic, post=posts[accepted - 1])
        created += 1
    out.write(f"  Forum categories: {len(categories)}, demo topics: {len(TOPICS)} ({created} new)\n")


def reset_forums() -> None:
    from .models import Category, Topic

    slugs = [row[0] for row in demo.HANDLUNGSFELDER]
    slugs += [row[0] for row in NETWORK_CATEGORIES]
    slugs += [_team_slug(row[0]) for row in demo.TEAMS]
    categories = Category.objects.filter(slug__in=slugs)
    # Everything in the demo categories goes with them (topics protect their category).
    Topic.objects.filter(category__in=categories).delete()
    Category.objects.filter(parent__in=categories).update(parent=None)
    categories.delete()


demo.register("forums", order=60, seed=seed_forums, reset=reset_forums)
