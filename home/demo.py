"""Demo page tree: home page, an "about" page, Impressum and Datenschutz."""

from __future__ import annotations

from typing import TextIO

from wagtail.models import Page, Site
from wagtail.rich_text import RichText

from community import demo

HOME_INTRO = (
    "Regionen in Deutschland, Österreich, der Schweiz und Südtirol gestalten gemeinsam den "
    "sozial-ökologischen Wandel – mit Mitmach-Konferenzen, Regionalteams und viel Austausch."
)

HOME_BODY = [
    ("heading", {"text": "Was ist eine Mitmach-Region?", "level": "h2"}),
    (
        "rich_text",
        RichText(
            "<p>In einer Mitmach-Region kommen Menschen aus Initiativen, Verwaltung, Wirtschaft und "
            "Zivilgesellschaft zusammen. Auf einer <b>Mitmach-Konferenz</b> entwickeln sie Projekte für "
            "Ernährung, Energie, Mobilität und ein gutes Zusammenleben – und setzen sie danach gemeinsam um.</p>"
            "<p>Auf dieser Plattform lernst du im Online-Kurs in deinem Tempo, schaust Aufzeichnungen in der "
            "Videothek, tauschst dich in den Foren aus und findest Aktionen, die anderswo schon funktioniert haben.</p>"
        ),
    ),
    (
        "cards",
        {
            "heading": "Mitmachen",
            "cards": [
                {"title": "Online-Kurs", "text": "Schritt für Schritt zur eigenen Mitmach-Konferenz.", "page": None, "image": None, "url": "/kurs/"},
                {"title": "Videothek", "text": "Erklärvideos, Webinare und Live-Calls zum Nachschauen.", "page": None, "image": None, "url": "/videothek/"},
                {"title": "Foren", "text": "Fragen stellen, Erfahrungen teilen – nach Handlungsfeldern sortiert.", "page": None, "image": None, "url": "/foren/"},
            ],
        },
    ),
    (
        "call_to_action",
        {
            "title": "Werde Teil des Netzwerks",
            "text": "Mit einem kostenlosen Konto kannst du im Kurs deinen Fortschritt speichern und in den Foren mitreden.",
            "button_label": "Konto anlegen",
            "page": None,
            "url": "/konto/signup/",
        },
    ),
]  # fmt: skip

CHILD_PAGES = [
    (
        "ueber-uns",
        "Über die Initiative",
        "Die Mitmach-Regionen-Initiative begleitet Regionalteams auf dem Weg zur eigenen Mitmach-Konferenz.",
        "<p>Das Begleitteam bietet einen Online-Kurs mit Handbuch, regelmäßige Live-Calls und Webinare, "
        "das jährliche Regionallabor und Beratung für Regionalteams.</p>",
    ),
    (
        "impressum",
        "Impressum",
        "Angaben gemäß § 5 DDG.",
        "<p>Mitmach-Regionen-Initiative (Demo)<br>Musterstraße 1<br>12345 Musterstadt</p>"
        "<p>Diese Angaben sind Platzhalter der Demo-Installation und müssen vor dem Betrieb ersetzt werden.</p>",
    ),
    (
        "datenschutz",
        "Datenschutz",
        "Wie diese Plattform mit deinen Daten umgeht.",
        "<p>Diese Plattform lädt keine Inhalte von Dritten: keine Web-Fonts, keine Analyse-Dienste, keine "
        "Karten- oder Videodienste ohne deinen Klick. Sie setzt nur technisch notwendige Cookies (Sitzung, "
        "CSRF-Schutz und – wenn du sie wählst – deine Sprache).</p>",
    ),
]


def seed_pages(out: TextIO) -> None:
    from .models import ContentPage, HomePage

    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        # Wagtail's first migration leaves a plain welcome page; the home page replaces it.
        for welcome in root.get_children().filter(content_type__model="page", content_type__app_label="wagtailcore"):
            if not welcome.get_children().exists():
                welcome.delete()
        home = HomePage(title="Mitmach-Regionen", slug="home", intro=HOME_INTRO, body=HOME_BODY)
        root.add_child(instance=home)
        home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="Mitmach-Regionen"
        )
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.site_name = "Mitmach-Regionen"
        site.save()
    for slug, title, intro, html in CHILD_PAGES:
        if not home.get_children().filter(slug=slug).exists():
            page = ContentPage(title=title, slug=slug, intro=intro, body=[("rich_text", RichText(html))])
            home.add_child(instance=page)
            page.save_revision().publish()
    out.write(f"  Pages: home + {len(CHILD_PAGES)}\n")


def reset_pages() -> None:
    from .models import HomePage

    for home in HomePage.objects.all():
        home.delete()


demo.register("pages", order=50, seed=seed_pages, reset=reset_pages)
