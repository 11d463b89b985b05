"""What one member sees and may do on the posts of a topic page: reactions, bookmark, solution, share."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.db.models import Value
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import gettext_lazy as _

from community import permissions as community_permissions
from community.permissions import UserLike

from .. import permissions
from ..models import Bookmark, Post, Reaction, Topic
from ..post_markup import reaction_buttons_html
from .lists import PostRow

# The accessible name of each reaction; the emoji alone is read out inconsistently by screen readers.
KIND_NAMES = {
    Reaction.Kind.HEART: _("Heart"),
    Reaction.Kind.THUMBS_UP: _("Thumbs up"),
    Reaction.Kind.TADA: _("Celebrate"),
    Reaction.Kind.PRAY: _("Thanks"),
    Reaction.Kind.BULB: _("Good idea"),
}

# How many members the "who reacted" list names per kind; the rest is a number.
WHO_REACTED_LIMIT = 50

# A bookmark row in the one query of post_viewer_state, told apart from reactions by this kind.
_BOOKMARK = ""


@dataclass(frozen=True)
class ReactionButton:
    kind: str
    emoji: str
    name: str
    count: int
    pressed: bool

    # Attribute values for the template, so the per-post loop needs no {% if %} per attribute.
    @property
    def action(self) -> str:
        return "remove" if self.pressed else "add"

    @property
    def aria_pressed(self) -> str:
        return "true" if self.pressed else "false"


@dataclass(frozen=True)
class PostViewerState:
    """One post as the current viewer sees it; `reactions` lists every kind in the fixed order."""

    post_id: int
    reactions: list[ReactionButton]
    has_reactions: bool
    can_react: bool
    can_bookmark: bool
    bookmarked: bool
    can_mark_solved: bool
    is_solution: bool
    can_edit: bool
    can_delete: bool
    react_url: str
    reactions_url: str
    bookmark_url: str
    solve_url: str
    # Composer links and the moderation entries, precomputed once per page (see post_viewer_state).
    reply_url: str = ""
    quote_url: str = ""
    edit_url: str = ""
    delete_url: str = ""
    can_flag: bool = False
    flag_url: str = ""
    moderate_url: str = ""
    # The rendered buttons of `reactions` (post_markup.reaction_buttons_html), shared by equal posts of a page.
    reaction_buttons: str = ""


@dataclass(frozen=True)
class WhoReacted:
    kind: str
    emoji: str
    name: str
    count: int
    names: list[str]
    more: int


def _url_maker(name: str) -> Callable[[int], str]:
    # No reverse() per post: the id is the only part that changes.
    prefix, suffix = _url_parts(name, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
    return lambda pk: f"{prefix}/{pk}/{suffix}"


@cache
def _url_parts(name: str, script_prefix: str, urlconf: str) -> tuple[str, str]:
    """The URL of `name` around its id, reversed once per process (and URL prefix and URLconf)."""
    prefix, suffix = reverse(name, args=[0], urlconf=urlconf).rsplit("/0/", 1)
    return prefix, suffix


def _posts_of(items: Iterable[PostRow | Post | int], topic: Topic) -> list[Post]:
    posts: list[Post] = []
    ids: list[int] = []
    for item in items:
        if isinstance(item, PostRow):
            posts.append(item.post)
        elif isinstance(item, Post):
            posts.append(item)
        else:
            ids.append(int(item))
    if ids:
        posts.extend(Post.objects.filter(topic=topic, pk__in=ids).order_by("post_number"))
    for post in posts:
        # The page's topic, so the permission checks below need no query per post.
        if post.topic_id == topic.pk:
            post.topic = topic
    return posts


def _mine(user: UserLike, post_ids: list[int]) -> tuple[dict[int, set[str]], set[int]]:
    """The viewer's reaction kinds per post and bookmarked posts, in one query."""
    reacted: dict[int, set[str]] = defaultdict(set)
    bookmarked: set[int] = set()
    if not post_ids or not community_permissions.is_authenticated(user):
        return reacted, bookmarked
    reactions = Reaction.objects.filter(user=user, post_id__in=post_ids).values_list("post_id", "kind")
    bookmarks = (
        Bookmark.objects.filter(user=user, post_id__in=post_ids)
        .annotate(marker=Value(_BOOKMARK))
        .values_list("post_id", "marker")
    )
    for post_id, kind in reactions.union(bookmarks, all=True):
        if kind == _BOOKMARK:
            bookmarked.add(post_id)
        else:
            reacted[post_id].add(kind)
    return reacted, bookmarked


def post_viewer_state(user: UserLike, items: Iterable[PostRow | Post | int], topic: Topic) -> dict[str, object]:
    """Per-post state of a topic page for one viewer: 1 query (plus 1 when given ids instead of posts).

    Returns {"posts": {post_id: PostViewerState}, "rows": [(PostRow, PostViewerState)] (for PostRow
    items), "authenticated": bool, "labels": post_labels()}; the topic view puts it into its
    `viewer` dict and the topic page loops over "rows".

    The rights are asked once per page (every post belongs to `topic`, which the view has shown to
    be visible) and then applied per post with the same rules as permissions.can_react,
    can_edit_post and can_delete_post (tests/forums/test_topic_page_speed.py compares them): calling
    those per post cost more than rendering the post.
    """
    items = list(items)
    posts = _posts_of(items, topic)
    authenticated = community_permissions.is_authenticated(user)
    reacted, bookmarked = _mine(user, [post.pk for post in posts])
    may_solve = authenticated and permissions.can_mark_solved(user, topic)
    can_view = authenticated and permissions.can_view_topic(user, topic)
    can_post = can_view and community_permissions.can_post(user)
    moderates = can_post and permissions.can_moderate_topic(user, topic)
    may_flag = can_post and not topic.archived
    user_id = getattr(user, "pk", None) if authenticated else None
    kinds = [(kind, label, str(KIND_NAMES[kind])) for kind, label in Reaction.Kind.choices]
    react_url = _url_maker("forums:post_react")
    reactions_url = _url_maker("forums:post_reactions")
    bookmark_url = _url_maker("forums:post_bookmark")
    solve_url = _url_maker("forums:post_solve")
    edit_url = _url_maker("forums:post_edit")
    delete_url = _url_maker("forums:post_delete")
    flag_url = _url_maker("forums:post_flag")
    moderate_url = _url_maker("forums:moderation_post")
    topic_url = _url_maker("forums:topic")(topic.pk)
    states: dict[int, PostViewerState] = {}
    # The reaction buttons and their markup, made once per distinct look (equal posts share them).
    rendered: dict[tuple, tuple[list[ReactionButton], str]] = {}
    for post in posts:
        counts = post.reaction_counts or {}
        mine = reacted.get(post.pk, ())
        deleted = post.is_deleted
        visible = not deleted and not post.is_hidden
        own = user_id is not None and post.author_id == user_id
        may_change = can_post and not deleted and (moderates or (own and not topic.archived))
        can_react = can_post and visible and not topic.archived and not own
        look = (can_react, *((counts.get(kind, 0), kind in mine) for kind, _emoji, _name in kinds))
        if look not in rendered:
            buttons = [
                ReactionButton(kind=kind, emoji=emoji, name=name, count=count, pressed=pressed)
                for (kind, emoji, name), (count, pressed) in zip(kinds, look[1:], strict=True)
            ]
            rendered[look] = (buttons, reaction_buttons_html(buttons, can_react=can_react))
        buttons, buttons_html = rendered[look]
        states[post.pk] = PostViewerState(
            post_id=post.pk,
            reactions=buttons,
            reaction_buttons=buttons_html,
            has_reactions=bool(post.reaction_count) and visible,
            can_react=can_react,
            can_bookmark=authenticated and visible,
            bookmarked=post.pk in bookmarked,
            can_mark_solved=may_solve and visible and post.post_number > 1,
            is_solution=post.pk == topic.accepted_post_id,
            can_edit=may_change,
            can_delete=may_change and (moderates or post.post_number > 1),
            react_url=react_url(post.pk),
            reactions_url=reactions_url(post.pk),
            bookmark_url=bookmark_url(post.pk),
            solve_url=solve_url(post.pk),
            reply_url=f"{topic_url}?antwort={post.post_number}#reply",
            quote_url=f"{topic_url}?zitat={post.post_number}#reply",
            edit_url=edit_url(post.pk),
            delete_url=delete_url(post.pk),
            can_flag=may_flag and not deleted and not own,
            flag_url=flag_url(post.pk),
            moderate_url=moderate_url(post.pk),
        )
    rows = [(item, states[item.post.pk]) for item in items if isinstance(item, PostRow)]
    return {"posts": states, "rows": rows, "authenticated": authenticated, "labels": post_labels()}


def post_labels() -> dict[str, str]:
    """The texts of the per-post controls, translated once per page instead of once per post.

    Plain strings, not lazy ones: a lazy string would be translated again at every use in the loop.
    """
    labels = {
        "former_member": _("Former member"),
        "edited": _("edited"),
        "solution": _("Solution"),
        "deleted": _("Post deleted by its author"),
        "hidden": _("This post is hidden while moderation reviews it."),
        "failed": _("That did not work. Please try again."),
        "reactions": _("Reactions"),
        "who_reacted": _("Who reacted?"),
        "bookmark": _("Bookmark"),
        "mark_solution": _("Mark as solution"),
        "unmark_solution": _("Unmark solution"),
        "share": _("Share"),
        "copied": _("Link to this post copied."),
        "reply": _("Reply"),
        "quote": _("Quote"),
        "edit": _("Edit"),
        "delete": _("Delete"),
        "flag": _("Flag"),
        "moderation": _("Moderation"),
        "original": _("Text (only moderators see it):"),
        "hide": _("Hide"),
        "unhide": _("Show again"),
        "restore": _("Restore"),
        "silence": _("Silence the author"),
        "unsilence": _("Lift the author's silence"),
        "edit_reason": _("Edit with a reason"),
        # Filled per post with {"number": ...} (forums.post_markup).
        "reply_to": _("Reply to #%(number)s"),
    }
    return {key: str(label) for key, label in labels.items()}


def reactions_of_post(post: Post, *, limit: int = WHO_REACTED_LIMIT) -> list[WhoReacted]:
    """Who reacted to a post, per kind in the fixed order, oldest first (1 query)."""
    names: dict[str, list[str]] = defaultdict(list)
    for reaction in Reaction.objects.filter(post=post).select_related("user").order_by("created_at", "pk"):
        names[reaction.kind].append(str(reaction.user))
    result = []
    for kind, emoji in Reaction.Kind.choices:
        found = names.get(kind)
        if found:
            result.append(
                WhoReacted(
                    kind=kind,
                    emoji=emoji,
                    name=str(KIND_NAMES[kind]),
                    count=len(found),
                    names=found[:limit],
                    more=max(len(found) - limit, 0),
                )
            )
    return result
