"""Who may see which Videothek page: Wagtail's page privacy (login, groups, password), asked by every video path.

The page view, the listing, search, feeds, the progress beacon and the media view all ask this module,
so a restricted video stays restricted down to its file. A restriction on a page covers its subtree, as in
Wagtail; superusers pass group restrictions (Wagtail's own rule); password restrictions hide a page
everywhere except Wagtail's own page view (which asks for the password).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page, PageViewRestriction

UserLike = Any  # a User or AnonymousUser


class Visibility:
    PUBLIC = "public"
    MEMBERS = "members"
    GROUP = "group"
    PASSWORD = "password"  # noqa: S105 - a restriction type, not a secret

    LABELS = {
        PUBLIC: _("Public"),
        MEMBERS: _("Members only"),
        GROUP: _("Only for a group"),
        PASSWORD: _("With password"),
    }


@dataclass(frozen=True)
class Restriction:
    path: str
    kind: str
    group_ids: frozenset[int]


def _user_group_ids(user: UserLike) -> frozenset[int]:
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_videothek_group_ids", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("id", flat=True))
        user._videothek_group_ids = cached
    return cached


def passes(restriction: Restriction, user: UserLike) -> bool:
    """Whether `user` passes one restriction (without a session: password restrictions never pass here)."""
    if restriction.kind == PageViewRestriction.LOGIN:
        return bool(getattr(user, "is_authenticated", False))
    if restriction.kind == PageViewRestriction.GROUPS:
        if not getattr(user, "is_authenticated", False):
            return False
        return bool(user.is_superuser) or bool(restriction.group_ids & _user_group_ids(user))
    return False


def restrictions_under(root_path: str = "") -> list[Restriction]:
    """Every view restriction on a page at or under `root_path` or above it, with its groups: one query."""
    rows = PageViewRestriction.objects.order_by("page__path").values_list("page__path", "restriction_type", "groups")
    if root_path:
        # Above the root: its ancestors' paths are prefixes of root_path (Wagtail's 4-character steps).
        ancestors = [root_path[:end] for end in range(4, len(root_path), 4)]
        rows = rows.filter(Q(page__path__startswith=root_path) | Q(page__path__in=ancestors))
    merged: dict[tuple[str, str], set[int]] = {}
    for path, kind, group_id in rows:
        groups = merged.setdefault((path, kind), set())
        if group_id is not None:
            groups.add(group_id)
    return [Restriction(path, kind, frozenset(groups)) for (path, kind), groups in merged.items()]


def hidden_paths(user: UserLike, root_path: str = "") -> list[str]:
    """Paths of the subtrees `user` may not see (restrictions they do not pass)."""
    return [r.path for r in restrictions_under(root_path) if not passes(r, user)]


def visible_pages(queryset: QuerySet, user: UserLike, *, root_path: str = "", field: str = "path") -> QuerySet:
    """`queryset` without the pages `user` may not see; `field` names the page path (e.g. "video__path")."""
    hidden = hidden_paths(user, root_path)
    if not hidden:
        return queryset
    excluded = Q()
    for path in hidden:
        excluded |= Q(**{f"{field}__startswith": path})
    return queryset.exclude(excluded)


def can_view_page(user: UserLike, page: Page) -> bool:
    """Whether `user` may see `page` (live, and every restriction on it or above passed)."""
    if not page.live:
        return False
    ancestors = [page.path[:end] for end in range(4, len(page.path) + 1, 4)]
    return all(passes(r, user) for r in restrictions_under() if r.path in ancestors)


def blocking_restrictions(user: UserLike) -> Exists:
    """An Exists() for page annotations: true when a restriction on the page (or above) keeps `user` out.

    It lets the beacon read the video, its visibility and the member's progress in one query. Only for
    signed-in members (anonymous viewers never get this far).
    """
    path_of_page = Substr(OuterRef("path"), 1, F("page__depth") * Page.steplen)
    blocking = PageViewRestriction.objects.filter(page__path=path_of_page).exclude(
        restriction_type=PageViewRestriction.LOGIN
    )
    if user.is_superuser:
        blocking = blocking.exclude(restriction_type=PageViewRestriction.GROUPS)
    else:
        in_group = PageViewRestriction.groups.through.objects.filter(
            pageviewrestriction_id=OuterRef("pk"), group__user=user
        )
        blocking = blocking.exclude(Q(restriction_type=PageViewRestriction.GROUPS) & Exists(in_group))
    return Exists(blocking)


def visibility_of(page: Page, restrictions: list[Restriction] | None = None) -> str:
    """public, members, group or password: the strictest restriction on the page or above it."""
    restrictions = restrictions if restrictions is not None else restrictions_under()
    kinds = {r.kind for r in restrictions if page.path.startswith(r.path)}
    for kind, label in (
        (PageViewRestriction.PASSWORD, Visibility.PASSWORD),
        (PageViewRestriction.GROUPS, Visibility.GROUP),
        (PageViewRestriction.LOGIN, Visibility.MEMBERS),
    ):
        if kind in kinds:
            return label
    return Visibility.PUBLIC


# --- events ----------------------------------------------------------------------------------------


def can_view_event(user: UserLike, event: Page) -> bool:
    """Whether `user` may see an event (its page, its dates, its place in feeds): the same page privacy."""
    return can_view_page(user, event)


def visible_events(queryset: QuerySet, user: UserLike) -> QuerySet:
    """Live events of `queryset` that `user` may see (one query for the restrictions)."""
    return visible_pages(queryset.live(), user)


def visible_occurrences(queryset: QuerySet, user: UserLike) -> QuerySet:
    """Dates of `queryset` whose event is live and visible to `user`."""
    return visible_pages(queryset.filter(event__live=True), user, field="event__path")


def public_events(queryset: QuerySet) -> QuerySet:
    """Live events without any restriction (the public feed): what an anonymous visitor may see."""
    from django.contrib.auth.models import AnonymousUser

    return visible_events(queryset, AnonymousUser())
