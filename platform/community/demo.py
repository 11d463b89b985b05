"""Demo content: a registry of seed steps that each app fills in its ready(), plus the community's own steps."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TextIO

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction

DEMO_PASSWORD = "mitmach-demo-2026"  # noqa: S105 - printed and used only with DEBUG on


@dataclass(frozen=True)
class SeedStep:
    name: str
    order: int
    seed: Callable[[TextIO], None]
    reset: Callable[[], None] | None = None


_steps: dict[str, SeedStep] = {}


def register(name: str, *, order: int, seed: Callable[[TextIO], None], reset: Callable[[], None] | None = None) -> None:
    """Register a step of `manage.py seed_demo`; steps run by order, resets in reverse."""
    _steps[name] = SeedStep(name=name, order=order, seed=seed, reset=reset)


def steps() -> list[SeedStep]:
    return sorted(_steps.values(), key=lambda step: step.order)


# --- community data -------------------------------------------------------

HANDLUNGSFELDER = [
    ("ernaehrung-landwirtschaft", "Ernährung & Landwirtschaft", "Solidarische Landwirtschaft, Ernährungsräte, regionale Wertschöpfung.", "#5b7f1f", "leaf"),
    ("energie", "Energie", "Bürgerenergie, Wärmewende und Energiesparen in der Region.", "#b25e09", "bolt"),
    ("mobilitaet", "Mobilität", "Rad, Bus, Bahn, Carsharing und Mitfahrbänke.", "#1f6f8b", "bicycle"),
    ("wohnen-bauen", "Wohnen & Bauen", "Gemeinschaftliches Wohnen, Leerstand, ökologisches Bauen.", "#8a4f7d", "home"),
    ("wirtschaft-konsum", "Wirtschaft & Konsum", "Gemeinwohl-Ökonomie, Reparieren, Teilen, Regionalwährungen.", "#7a5c12", "shop"),
    ("bildung", "Bildung", "Lernorte, Bildung für nachhaltige Entwicklung, Schulen und Volkshochschulen.", "#3d5a99", "book"),
    ("kultur-zusammenleben", "Kultur & Zusammenleben", "Begegnung, Nachbarschaft, Feste und Kunst.", "#a23b52", "people"),
    ("demokratie-beteiligung", "Demokratie & Beteiligung", "Bürgerräte, Beteiligung, Zusammenarbeit mit Kommunen.", "#4b4f9e", "chat"),
    ("natur-biodiversitaet", "Natur & Biodiversität", "Artenvielfalt, Streuobstwiesen, Moore und Wälder.", "#2f7d4a", "tree"),
]  # fmt: skip

GROSSREGIONEN = [
    ("norddeutschland", "Norddeutschland", ["DE"]),
    ("ostdeutschland", "Ostdeutschland", ["DE"]),
    ("westdeutschland", "West- und Mitteldeutschland", ["DE"]),
    ("sueddeutschland", "Süddeutschland", ["DE"]),
    ("oesterreich", "Österreich", ["AT"]),
    ("schweiz", "Schweiz", ["CH"]),
    ("tirol-suedtirol", "Tirol & Südtirol", ["AT", "IT"]),
]

REGIONS = [
    # slug, name, großregion, country, lat, lon, status
    ("wendland", "Wendland", "norddeutschland", "DE", "53.0280", "11.1600", "active"),
    ("ostfriesland", "Ostfriesland", "norddeutschland", "DE", "53.4000", "7.4000", "founding"),
    ("region-hannover", "Region Hannover", "norddeutschland", "DE", "52.3700", "9.7300", "conference_planned"),
    ("uckermark", "Uckermark", "ostdeutschland", "DE", "53.1000", "13.9000", "interested"),
    ("oberlausitz", "Oberlausitz", "ostdeutschland", "DE", "51.1000", "14.6000", "active"),
    ("leipziger-land", "Leipziger Land", "ostdeutschland", "DE", "51.2500", "12.4000", "founding"),
    ("thueringer-wald", "Thüringer Wald", "ostdeutschland", "DE", "50.7000", "10.7000", "interested"),
    ("bergisches-land", "Bergisches Land", "westdeutschland", "DE", "51.1000", "7.2000", "conference_planned"),
    ("eifel", "Eifel", "westdeutschland", "DE", "50.3000", "6.7000", "active"),
    ("vogelsberg", "Vogelsberg", "westdeutschland", "DE", "50.5500", "9.2500", "interested"),
    ("rhein-neckar", "Rhein-Neckar", "sueddeutschland", "DE", "49.4000", "8.7000", "founding"),
    ("schwaebische-alb", "Schwäbische Alb", "sueddeutschland", "DE", "48.4000", "9.4000", "active"),
    ("allgaeu", "Allgäu", "sueddeutschland", "DE", "47.7000", "10.3000", "active"),
    ("chiemgau", "Chiemgau", "sueddeutschland", "DE", "47.8500", "12.5000", "conference_planned"),
    ("oberfranken", "Oberfranken", "sueddeutschland", "DE", "50.0000", "11.4000", "interested"),
    ("breisgau", "Freiburg & Breisgau", "sueddeutschland", "DE", "47.9900", "7.8500", "active"),
    ("waldviertel", "Waldviertel", "oesterreich", "AT", "48.6000", "15.2000", "active"),
    ("muehlviertel", "Mühlviertel", "oesterreich", "AT", "48.4500", "14.4000", "founding"),
    (
        "steirisches-vulkanland",
        "Steirisches Vulkanland",
        "oesterreich",
        "AT",
        "46.9000",
        "15.9000",
        "conference_planned",
    ),
    ("bregenzerwald", "Bregenzerwald", "oesterreich", "AT", "47.4000", "9.9000", "interested"),
    ("osttirol", "Osttirol", "tirol-suedtirol", "AT", "46.8300", "12.7700", "founding"),
    ("zuercher-oberland", "Zürcher Oberland", "schweiz", "CH", "47.3000", "8.8500", "active"),
    ("emmental", "Emmental", "schweiz", "CH", "46.9500", "7.7500", "interested"),
    ("region-basel", "Region Basel", "schweiz", "CH", "47.5600", "7.5900", "conference_planned"),
    ("vinschgau", "Vinschgau", "tirol-suedtirol", "IT", "46.6300", "10.7700", "active"),
    ("pustertal", "Pustertal", "tirol-suedtirol", "IT", "46.7700", "11.9500", "founding"),
    ("bozen-ueberetsch", "Bozen & Überetsch", "tirol-suedtirol", "IT", "46.4900", "11.3300", "interested"),
]

TEAMS = [
    # slug, name, kind, region slug, großregion slug, description
    ("weggemeinschaft-sued", "Weggemeinschaft Süd", "weggemeinschaft", None, "sueddeutschland",
     "Regionen aus Süddeutschland begleiten sich gegenseitig auf dem Weg zur Mitmach-Konferenz."),
    ("weggemeinschaft-alpen", "Weggemeinschaft Alpenraum", "weggemeinschaft", None, "tirol-suedtirol",
     "Teams aus Tirol, Südtirol und Vorarlberg tauschen sich monatlich aus."),
    ("regionalteam-wendland", "Regionalteam Wendland", "regionalteam", "wendland", "norddeutschland",
     "Das Team hinter der Mitmach-Konferenz im Wendland."),
    ("regionalteam-waldviertel", "Regionalteam Waldviertel", "regionalteam", "waldviertel", "oesterreich",
     "Zwölf Menschen aus dem Waldviertel, die ihre Region gemeinsam verändern."),
    ("regionalteam-vinschgau", "Regionalteam Vinschgau", "regionalteam", "vinschgau", "tirol-suedtirol",
     "Vom Reschenpass bis Meran: das Regionalteam Vinschgau."),
]  # fmt: skip

# e-mail, display name, role group (None: member only), superuser, region slug, team memberships
ACCOUNTS = [
    ("mitglied@example.org", "Mia Mitglied", None, False, "wendland",
     [("regionalteam-wendland", "member"), ("weggemeinschaft-sued", "member")]),
    ("moderation@example.org", "Moritz Moderation", "Moderation", False, "allgaeu",
     [("weggemeinschaft-sued", "member")]),
    ("redaktion@example.org", "Rita Redaktion", "Redaktion", False, "vinschgau",
     [("regionalteam-vinschgau", "member"), ("weggemeinschaft-alpen", "member")]),
    ("admin@example.org", "Anton Administration", "Administration", True, "waldviertel",
     [("regionalteam-waldviertel", "begleitung"), ("weggemeinschaft-alpen", "begleitung")]),
]  # fmt: skip


def seed_taxonomy(out: TextIO) -> None:
    from .models import Grossregion, Handlungsfeld, Region

    for order, (slug, name, description, colour, icon) in enumerate(HANDLUNGSFELDER, start=1):
        Handlungsfeld.objects.get_or_create(
            slug=slug,
            defaults={"name": name, "short_description": description, "colour": colour, "icon": icon, "order": order},
        )
    grossregionen = {}
    for slug, name, countries in GROSSREGIONEN:
        grossregionen[slug], _ = Grossregion.objects.get_or_create(
            slug=slug, defaults={"name": name, "countries": countries}
        )
    for slug, name, gr_slug, country, lat, lon, status in REGIONS:
        Region.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "grossregion": grossregionen[gr_slug],
                "country": country,
                "latitude": Decimal(lat),
                "longitude": Decimal(lon),
                "status": status,
            },
        )
    out.write(
        f"  Handlungsfelder: {len(HANDLUNGSFELDER)}, Großregionen: {len(GROSSREGIONEN)}, Regionen: {len(REGIONS)}\n"
    )


def reset_taxonomy() -> None:
    from .models import Grossregion, Handlungsfeld, Region

    Region.objects.filter(slug__in=[row[0] for row in REGIONS]).delete()
    Grossregion.objects.filter(slug__in=[row[0] for row in GROSSREGIONEN]).delete()
    Handlungsfeld.objects.filter(slug__in=[row[0] for row in HANDLUNGSFELDER]).delete()


def seed_teams(out: TextIO) -> None:
    from .models import Grossregion, Region, Team

    for slug, name, kind, region_slug, gr_slug, description in TEAMS:
        Team.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "kind": kind,
                "description": description,
                "region": Region.objects.filter(slug=region_slug).first() if region_slug else None,
                "grossregion": Grossregion.objects.filter(slug=gr_slug).first() if gr_slug else None,
            },
        )
    out.write(f"  Teams: {len(TEAMS)}\n")


def reset_teams() -> None:
    from .models import Team

    Team.objects.filter(slug__in=[row[0] for row in TEAMS]).delete()


def seed_accounts(out: TextIO) -> None:
    from allauth.account.models import EmailAddress

    from .models import Handlungsfeld, Region, Team, TeamMembership, User
    from .services import member_role_grant, profile_ensure

    show_passwords = settings.DEBUG
    first_fields = list(Handlungsfeld.objects.order_by("order")[:3])
    for email, display_name, group_name, superuser, region_slug, memberships in ACCOUNTS:
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = User(email=email, display_name=display_name, is_superuser=superuser, is_staff=superuser)
            if show_passwords:
                user.set_password(DEMO_PASSWORD)
            else:
                user.set_unusable_password()
            user.save()
        EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
        member_role_grant(user=user)
        if group_name:
            user.groups.add(Group.objects.get(name=group_name))
        profile = profile_ensure(user=user)
        if profile.region_id is None:
            profile.region = Region.objects.filter(slug=region_slug).first()
            profile.save(update_fields=["region"])
            profile.handlungsfelder.add(*first_fields)
        for team_slug, role in memberships:
            team = Team.objects.filter(slug=team_slug).first()
            if team:
                TeamMembership.objects.get_or_create(team=team, user=user, defaults={"role": role})
    out.write(f"  Accounts: {len(ACCOUNTS)}\n")


def reset_accounts() -> None:
    from .models import User

    User.objects.filter(email__in=[row[0] for row in ACCOUNTS]).delete()


def demo_logins() -> list[tuple[str, str]]:
    """(e-mail, role) pairs for the README and `make run`'s greeting."""
    return [(email, group or "Mitglied") for email, _name, group, _su, _region, _teams in ACCOUNTS]


register("taxonomy", order=10, seed=seed_taxonomy, reset=reset_taxonomy)
register("teams", order=20, seed=seed_teams, reset=reset_teams)
register("accounts", order=30, seed=seed_accounts, reset=reset_accounts)


@transaction.atomic
def run(out: TextIO, *, reset: bool = False) -> None:
    ordered = steps()
    if reset:
        for step in reversed(ordered):
            if step.reset:
                step.reset()
    for step in ordered:
        out.write(f"- {step.name}\n")
        step.seed(out)
