"""Template tags of the design system: avatars, icons, form fields, pagination helpers and navigation state."""

from __future__ import annotations

from functools import cache
from typing import Any

from django import template
from django.conf import settings
from django.core.paginator import Page
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.forms import BaseForm, BoundField
from django.urls import get_script_prefix, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, get_language_info, gettext_noop
from django.utils.translation import gettext as _

register = template.Library()

# Number of avatar colour classes in css/components.css (.avatar--c0 ... .avatar--c9); each
# has at least 4.5:1 contrast with white initials. Classes instead of inline styles keep
# the pages compatible with a strict Content-Security-Policy.
AVATAR_COLOURS = 10
AVATAR_SIZES = ("sm", "md", "lg", "xl")

# Simple 24x24 stroke icons drawn for this project (no icon font, no third-party host).
ICONS: dict[str, str] = {
    "menu": '<path d="M4 6h16M4 12h16M4 18h16"/>',
    "close": '<path d="M6 6l12 12M18 6L6 18"/>',
    "chevron-down": '<path d="M6 9l6 6 6-6"/>',
    "chevron-left": '<path d="M15 6l-6 6 6 6"/>',
    "chevron-right": '<path d="M9 6l6 6-6 6"/>',
    "arrow-right": '<path d="M5 12h14M13 6l6 6-6 6"/>',
    "check": '<path d="M5 12.5l4.5 4.5L19 7.5"/>',
    "info": '<circle cx="12" cy="12" r="9"/><path d="M12 11v6M12 7.5v.5"/>',
    "alert": '<path d="M12 3l9.5 17h-19z"/><path d="M12 10v4.5M12 17.5v.5"/>',
    "error": '<circle cx="12" cy="12" r="9"/><path d="M12 7v6M12 16.5v.5"/>',
    "user": '<circle cx="12" cy="8" r="4"/><path d="M4 21c0-4.4 3.6-7 8-7s8 2.6 8 7"/>',
    "users": (
        '<circle cx="9" cy="8" r="3.5"/><path d="M2.5 20c0-3.6 2.9-6 6.5-6s6.5 2.4 6.5 6"/>'
        '<path d="M16 4.5a3.5 3.5 0 010 7M18 14.3c2.1.7 3.5 2.7 3.5 5.7"/>'
    ),
    "logout": '<path d="M15 4h4v16h-4M10 8l-4 4 4 4M6 12h10"/>',
    "settings": (
        '<circle cx="12" cy="12" r="3"/><path d="M12 2.5v3M12 18.5v3M2.5 12h3M18.5 12h3'
        'M5.3 5.3l2.1 2.1M16.6 16.6l2.1 2.1M5.3 18.7l2.1-2.1M16.6 7.4l2.1-2.1"/>'
    ),
    "edit": '<path d="M4 20h4L19 9l-4-4L4 16z"/><path d="M13.5 6.5l4 4"/>',
    "globe": (
        '<circle cx="12" cy="12" r="9"/>'
        '<path d="M3 12h18M12 3c2.5 2.7 3.8 5.7 3.8 9s-1.3 6.3-3.8 9c-2.5-2.7-3.8-5.7-3.8-9S9.5 5.7 12 3z"/>'
    ),
    "inbox": '<path d="M3 13l3-8h12l3 8v6H3z"/><path d="M3 13h5l1.5 3h5L16 13h5"/>',
    "home": '<path d="M3 11l9-7 9 7"/><path d="M5 10v10h14V10"/>',
    "leaf": '<path d="M5 19c0-9 6-14 15-14 0 9-5 15-14 15"/><path d="M5 19l8-8"/>',
    "search": '<circle cx="11" cy="11" r="6.5"/><path d="M16 16l4.5 4.5"/>',
    "plus": '<path d="M12 5v14M5 12h14"/>',
    "lock": '<rect x="5" y="11" width="14" height="9" rx="2"/><path d="M8 11V8a4 4 0 0 1 8 0v3"/>',
    "circle": '<circle cx="12" cy="12" r="8"/>',
    "play": '<circle cx="12" cy="12" r="9"/><path d="M10 8.5l6 3.5-6 3.5z"/>',
    "bookmark": '<path d="M7 4h10v16l-5-4-5 4z"/>',
    "download": '<path d="M12 4v11M7 10l5 5 5-5M5 20h14"/>',
    "calendar": '<rect x="3.5" y="5" width="17" height="15" rx="2"/><path d="M3.5 10h17M8 3v4M16 3v4"/>',
    "bell": '<path d="M6 16V11a6 6 0 0 1 12 0v5l1.5 2h-15z"/><path d="M10 20.5a2 2 0 0 0 4 0"/>',
}


@register.simple_tag
def icon(name: str, label: str = "", css_class: str = "") -> SafeString:
    """An inline SVG icon; decorative (aria-hidden) unless a label is given."""
    paths = ICONS.get(name, ICONS["info"])
    classes = f"icon icon--{name} {css_class}".strip()
    if label:
        a11y = format_html(' role="img" aria-label="{}"', label)
    else:
        a11y = mark_safe(' aria-hidden="true"')  # noqa: S308 - constant markup
    return format_html(
        '<svg class="{}" viewBox="0 0 24 24" width="24" height="24" focusable="false"{}>{}</svg>',
        classes,
        a11y,
        mark_safe(paths),  # noqa: S308 - constant markup from ICONS
    )


def _avatar_initials(user: Any) -> str:
    initials = getattr(user, "initials", None)
    if initials:
        return str(initials)
    words = [w for w in str(user or "").split() if w]
    return "".join(w[0] for w in words[:2]).upper() or "?"


def avatar_colour_index(user: Any) -> int | None:
    """The colour of a member's avatar follows from the user id, so it is stable across pages."""
    pk = getattr(user, "pk", None)
    if pk is None:
        return None
    try:
        return int(pk) % AVATAR_COLOURS
    except (TypeError, ValueError):
        return sum(str(pk).encode()) % AVATAR_COLOURS


@register.simple_tag
def avatar(user: Any, size: str = "md", decorative: bool = True) -> SafeString:
    """Initials on a colour derived from the user id; drawn locally, never fetched from Gravatar.

    Decorative avatars (next to a visible name) are hidden from assistive technology;
    pass decorative=False where the avatar stands alone, so it is announced by name.
    """
    if size not in AVATAR_SIZES:
        size = "md"
    index = avatar_colour_index(user)
    colour = f"avatar--c{index}" if index is not None else "avatar--anonymous"
    if decorative:
        a11y = mark_safe(' aria-hidden="true"')  # noqa: S308 - constant markup
    else:
        a11y = format_html(' role="img" aria-label="{}"', str(user))
    return format_html('<span class="avatar avatar--{} {}"{}>{}</span>', size, colour, a11y, _avatar_initials(user))


@register.inclusion_tag("components/form_field.html")
def form_field(field: BoundField, hide_label: bool = False) -> dict[str, Any]:
    """Label, help text, errors and widget of one form field (see components/form_field.html)."""
    return {"field": field, "hide_label": hide_label}


@register.inclusion_tag("components/form_errors.html")
def form_errors(form: BaseForm, focus: bool = True) -> dict[str, Any]:
    """The error summary above a form: non-field errors and links to each invalid field.

    With focus (the default) site.js moves the keyboard focus to it after a failed submit.
    """
    return {"form": form, "focus": focus}


@register.inclusion_tag("components/form_fields.html")
def form_fields(form: BaseForm) -> dict[str, Any]:
    """Error summary plus every field of a form, in order."""
    return {"form": form}


@register.simple_tag
def describedby(field_id: str, help_text: Any = None, errors: Any = None) -> str:
    """The aria-describedby value for a hand-drawn field, with Django's id scheme (<id>_helptext, <id>_error)."""
    ids = []
    if help_text:
        ids.append(f"{field_id}_helptext")
    if errors:
        ids.append(f"{field_id}_error")
    return " ".join(ids)


@register.simple_tag
def elided_page_range(page: Page, on_each_side: int = 1, on_ends: int = 1) -> list[Any]:
    """Page numbers around the current page, with the paginator's ellipsis where pages are left out."""
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=on_each_side, on_ends=on_ends))


@register.filter
def percent_of(value: Any, maximum: Any = 100) -> int:
    """`value` as a whole percentage of `maximum`, clamped to 0..100."""
    try:
        value_f, max_f = float(value), float(maximum)
    except (TypeError, ValueError):
        return 0
    if max_f <= 0:
        return 0
    return max(0, min(100, round(value_f * 100 / max_f)))


@register.filter
def nav_state(path: str, url: str) -> str:
    """The aria-current value of a navigation link: "page" on it, "true" below it, "" elsewhere."""
    if not path or not url:
        return ""
    if path == url:
        return "page"
    if url != "/" and path.startswith(url):
        return "true"
    return ""


@register.filter
def widget_type(field: BoundField) -> str:
    """The widget kind a template branches on: hidden, checkbox, choices (fieldset) or input."""
    if field.is_hidden:
        return "hidden"
    if field.widget_type == "checkbox":
        return "checkbox"
    if field.use_fieldset:
        return "choices"
    return "input"


# --- the site's main navigation and footer links ---------------------------------------------------
# Every page renders them, and only the language and the current path change them: the links are
# built once per language (and URL prefix) in each process, the current path only picks the
# aria-current variant of each. Rendering them through the template (an include and a {% url %} per
# link) cost about a tenth of a topic page.

# (URL name or path, label): gettext_noop marks the labels for the catalogue; they are translated when a
# language's links are built.
MAIN_NAVIGATION = (
    ("/", gettext_noop("Start")),
    ("/kurs/", gettext_noop("Course")),
    ("/videothek/", gettext_noop("Videothek")),
    ("/termine/", gettext_noop("Events")),
    ("forums:index", gettext_noop("Forums")),
    ("chat:overview", gettext_noop("Chat")),
    ("actions_placeholder", gettext_noop("Aktions-Pool")),
    ("regions_placeholder", gettext_noop("Regions")),
)
# Plain paths: these are Wagtail pages, and the footer must not query the database.
FOOTER_LINKS = (
    ("/ueber-uns/", gettext_noop("About us")),
    ("/impressum/", gettext_noop("Legal notice")),
    ("/datenschutz/", gettext_noop("Privacy policy")),
)


@cache
def _navigation_links(language: str, script_prefix: str) -> tuple[tuple[str, dict[str, SafeString]], ...]:
    """(url, {aria-current state: <li> markup}) per main navigation link, as components/nav_item.html draws it."""
    links = []
    for target, label in MAIN_NAVIGATION:
        url = target if target.startswith("/") else reverse(target)
        variants = {}
        for state in ("", "page", "true"):
            current = format_html(' aria-current="{}"', state) if state else ""
            variants[state] = format_html(
                '<li class="site-nav__item"><a class="site-nav__link" href="{}"{}>{}</a></li>', url, current, _(label)
            )
        links.append((url, variants))
    return tuple(links)


@cache
def _footer_links(language: str) -> tuple[tuple[str, SafeString, SafeString], ...]:
    """(path, markup, markup when it is the current page) per footer link."""
    return tuple(
        (
            path,
            format_html('<li><a href="{}">{}</a></li>', path, _(label)),
            format_html('<li><a href="{}" aria-current="page">{}</a></li>', path, _(label)),
        )
        for path, label in FOOTER_LINKS
    )


@receiver(setting_changed)
def _forget_links(*, setting: str, **kwargs: Any) -> None:
    # Tests that swap the URLconf or the languages must not get links built for the old ones.
    if setting in {"ROOT_URLCONF", "LANGUAGES", "LANGUAGE_CODE", "FORCE_SCRIPT_NAME"}:
        _navigation_links.cache_clear()
        _footer_links.cache_clear()
        _user_menu_parts.cache_clear()
        _language_switch_parts.cache_clear()


@register.simple_tag(takes_context=True)
def main_navigation(context: template.Context) -> SafeString:
    """The <li> links of the main navigation, the current section marked with aria-current (see nav_state)."""
    request = context.get("request")
    path = getattr(request, "path", "")
    links = _navigation_links(get_language() or "", get_script_prefix())
    return mark_safe("".join(variants[nav_state(path, url)] for url, variants in links))  # noqa: S308 - built with format_html


@register.simple_tag(takes_context=True)
def footer_links(context: template.Context) -> SafeString:
    """The <li> links of the footer, the current page marked with aria-current."""
    request = context.get("request")
    path = getattr(request, "path", "")
    return mark_safe(  # noqa: S308 - built with format_html
        "".join(current if path == link else plain for link, plain, current in _footer_links(get_language() or ""))
    )


# --- the header's account menu and language switch ---------------------------------------------------
# Like the navigation: the links and texts depend only on the language (and two role flags), so they are
# built once per process; a request adds the member's avatar and name, the CSRF token and its own path.

# (URL name, icon, label) of the account menu's links; the flags pick the editor and style guide links.
USER_MENU_LINKS = (
    ("community:profile_edit", "edit", gettext_noop("Edit profile")),
    ("community:my_teams", "users", gettext_noop("My teams")),
    ("notification_settings:edit", "bell", gettext_noop("Notification settings")),
)


def _csrf_input(context: template.Context) -> SafeString:
    # What {% csrf_token %} writes.
    token = context.get("csrf_token")
    if not token or str(token) == "NOTPROVIDED":
        return mark_safe("")  # noqa: S308 - empty
    return format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', str(token))


@cache
def _user_menu_parts(
    language: str, script_prefix: str, editor: bool, styleguide: bool
) -> tuple[SafeString, SafeString]:
    """(markup after the member's name up to the logout form's token, the rest) of the account menu."""
    links = [(reverse(name), symbol, _(label)) for name, symbol, label in USER_MENU_LINKS]
    if editor:
        links.append((reverse("wagtailadmin_home"), "settings", _("Editorial admin")))
    if styleguide:
        links.append((reverse("styleguide"), "leaf", _("Style guide")))
    items = format_html_join(
        "",
        '<li><a class="user-menu__link" href="{}">{}{}</a></li>',
        ((url, icon(symbol), text) for url, symbol, text in links),
    )
    head = format_html(
        '<span class="visually-hidden">{}</span>{}</summary><ul class="user-menu__list">{}'
        '<li><form class="user-menu__form" method="post" action="{}">',
        _("(account menu)"),
        icon("chevron-down", css_class="user-menu__chevron"),
        items,
        reverse("account_logout"),
    )
    tail = format_html(
        '<button class="user-menu__link" type="submit">{}{}</button></form></li></ul></details>',
        icon("logout"),
        _("Log out"),
    )
    return head, tail


@register.simple_tag(takes_context=True)
def user_menu(context: template.Context) -> SafeString:
    """The header's account menu of the logged-in member (a <details> disclosure)."""
    user = context.get("user")
    head, tail = _user_menu_parts(
        get_language() or "",
        get_script_prefix(),
        bool(context.get("viewer_is_editor")),
        bool(context.get("viewer_can_view_styleguide")),
    )
    return format_html(
        '<details class="user-menu" data-menu><summary class="user-menu__toggle">{}'
        '<span class="user-menu__name">{}</span>{}{}{}',
        avatar(user, "sm"),
        str(user),
        head,
        _csrf_input(context),
        tail,
    )


@cache
def _language_switch_parts(language: str, script_prefix: str) -> tuple[SafeString, SafeString]:
    """(the form's opening tag, the globe and the buttons) of the language switch, the current one marked."""
    opening = format_html(
        '<form class="lang-switch" action="{}" method="post" aria-label="{}">', reverse("set_language"), _("Language")
    )
    buttons = format_html_join(
        "",
        '<button class="lang-switch__button" type="submit" name="language" value="{}" lang="{}"{}>{}</button>',
        (
            (
                code,
                code,
                mark_safe(' aria-current="true"') if code == language else "",  # noqa: S308 - constant markup
                get_language_info(code)["name_local"],
            )
            for code, _name in settings.LANGUAGES
        ),
    )
    return opening, format_html("{}{}</form>", icon("globe", css_class="lang-switch__icon"), buttons)


@register.simple_tag(takes_context=True)
def language_switch(context: template.Context) -> SafeString:
    """The header's language switch: a form posting to set_language, back to the current page."""
    request = context.get("request")
    opening, rest = _language_switch_parts(get_language() or "", get_script_prefix())
    full_path = request.get_full_path() if request is not None else ""
    return format_html(
        '{}{}<input type="hidden" name="next" value="{}">{}', opening, _csrf_input(context), full_path, rest
    )
