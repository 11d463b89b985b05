"""The markup of one post on the topic page (and of its live fragment), written in Python, not by a template.

The post loop is the hot path of the topic page: through the template language the 20 posts of a page
cost about a quarter of the page (Django's variable lookup and node rendering per attribute, see
docs/benchmarks.md). Here every value comes precomputed from the selectors (PostRow,
PostViewerState, post_labels()) and is escaped; only `body_html` is inserted as it is, because
community.markup sanitised it when the post was written. `escape` here is the standard library's
html.escape, which django.utils.html.escape calls too (same output), without the lazy-string wrapper
that costs about ten calls per value.

Reactions, bookmark and solution share one form per post (every button names its own action or
formaction), so they work without JavaScript; forums.js turns them into fetch. Flag and the
moderator actions lead to their own small pages (forums/moderation_action.html).
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import ngettext

if TYPE_CHECKING:
    from .selectors.engagement import PostViewerState, ReactionButton
    from .selectors.lists import PostRow


def escape(value: object) -> str:
    """What django.utils.html.escape writes (& < > " ' escaped), as a plain string."""
    return html.escape(str(value))


def reaction_buttons_html(buttons: Iterable[ReactionButton], *, can_react: bool) -> SafeString:
    """The reaction buttons of one post (inside its div.reactions); nothing in them names the post."""
    parts = []
    for button in buttons:
        name, kind, emoji = escape(button.name), escape(button.kind), escape(button.emoji)
        if can_react:
            mine = " reaction--mine" if button.pressed else ""
            count = button.count or ""
            parts.append(
                f'<button type="submit" class="reaction{mine}" name="{button.action}" value="{kind}" '
                f'aria-pressed="{button.aria_pressed}" title="{name}" data-kind="{kind}">'
                f'<span aria-hidden="true">{emoji}</span><span class="visually-hidden">{name}</span>'
                f'<span class="reaction__count" data-count>{count}</span></button>'
            )
        elif button.count:
            parts.append(
                f'<span class="reaction reaction--static" title="{name}" data-kind="{kind}">'
                f'<span aria-hidden="true">{emoji}</span><span class="visually-hidden">{name}</span>'
                f'<span class="reaction__count" data-count>{button.count}</span></span>'
            )
    return mark_safe("".join(parts))  # noqa: S308 - every value escaped above


class PostMarkup:
    """Renders the posts of one page for one viewer; the page's constant parts are prepared once.

    `viewer` is the topic view's dict (authenticated, composer, moderation, labels), `labels` the
    texts of post_labels() (plain strings), `accepted_id` the topic's solution.
    """

    def __init__(self, viewer: Mapping[str, Any], *, accepted_id: int | None, csrf_token: str) -> None:
        self.labels = {key: escape(text) for key, text in viewer["labels"].items()}
        self.reply_to = viewer["labels"]["reply_to"]  # "Reply to #%(number)s", filled per post
        self.authenticated = bool(viewer.get("authenticated"))
        composer = viewer.get("composer") or {}
        self.composer = bool(composer)
        self.can_reply = bool(composer and composer.get("can_reply"))
        moderation = viewer.get("moderation") or {}
        self.can_flag = bool(moderation.get("can_flag"))
        self.can_moderate = bool(moderation.get("can_moderate"))
        self.is_global = bool(moderation.get("is_global"))
        self.user_id = moderation.get("user_id")
        self.accepted_id = accepted_id
        self.csrf_token = escape(csrf_token)

    def render_page(
        self, rows: Iterable[tuple[PostRow, PostViewerState]], *, first_unread: int | None, unread_label: str
    ) -> SafeString:
        """The posts of a page in order, the "unread from here" line before the first unread one."""
        marker = f'<p class="last-read-marker" id="ungelesen"><span>{escape(unread_label)}</span></p>'
        parts = []
        for row, state in rows:
            if row.post.post_number == first_unread:
                parts.append(marker)
            parts.append(self.render(row, state))
        return mark_safe("".join(parts))  # noqa: S308 - each part escaped in render()

    def render(self, row: PostRow, state: PostViewerState) -> SafeString:
        labels = self.labels
        post = row.post
        number = post.post_number
        anchor = escape(row.anchor)
        url = escape(row.url)
        hidden = bool(post.hidden_at)
        classes = "post"
        if row.deleted:
            classes += " post--deleted"
        if post.pk == self.accepted_id:
            classes += " post--accepted"
        out = [
            f'<article class="{classes}" id="{anchor}" aria-labelledby="{anchor}-meta">'
            f'<header class="post__head" id="{anchor}-meta">{row.avatar}'
            f'<span class="post__author">{escape(row.author_name) or labels["former_member"]}</span>'
            f'<a class="post__date" href="{url}"><time datetime="{escape(row.created_iso)}">'
            f'{escape(row.created_at)}</time><span class="post__number">#{number}</span></a>'
        ]
        if row.edited and not row.deleted:
            out.append(f'<span class="post__edited muted">{labels["edited"]}</span>')
        if state.is_solution:
            out.append(f'<span class="badge badge--success">{labels["solution"]}</span>')
        out.append("</header>")
        if row.reply_to_number:
            text = escape(self.reply_to % {"number": row.reply_to_number})
            out.append(f'<p class="post__reply-to"><a href="{escape(row.reply_to_url)}">{text}</a></p>')
        if row.deleted:
            out.append(f'<p class="post__body post__body--deleted muted">{labels["deleted"]}</p>')
        elif hidden:
            out.append(f'<p class="post__body post__body--deleted muted">{labels["hidden"]}</p>')
        else:
            out.append(f'<div class="post__body prose">{post.body_html}</div>')
        out.append('<footer class="post__foot">')
        out.append(self._actions(row, state, url))
        if state.can_flag and self.can_flag:
            # A small form that opens the flag page (reason and message); works without JavaScript.
            out.append(
                f'<form class="post-flag" method="get" action="{escape(state.flag_url)}">'
                f'<button class="post-flag__toggle" type="submit" data-flag>{labels["flag"]}</button></form>'
            )
        if self.can_moderate:
            out.append(self._moderation(row, state))
        out.append("</footer></article>")
        return mark_safe("".join(out))  # noqa: S308 - every value escaped; body_html sanitised when written

    def _actions(self, row: PostRow, state: PostViewerState, url: str) -> str:
        labels = self.labels
        out = ['<div class="post-actions">']
        if self.authenticated:
            out.append(
                f'<form class="post-actions__form" method="post" action="{escape(state.react_url)}" '
                f'data-engagement data-failed="{labels["failed"]}">'
                f'<input type="hidden" name="csrfmiddlewaretoken" value="{self.csrf_token}">'
            )
        else:
            out.append('<div class="post-actions__form">')
        who_hidden = "" if state.has_reactions else " hidden"
        out.append(
            f'<div class="reactions" role="group" aria-label="{labels["reactions"]}" data-reactions>'
            f"{state.reaction_buttons}"
            f'<a class="post-action post-action--who" href="{escape(state.reactions_url)}" data-who-reacted'
            f"{who_hidden}>{labels['who_reacted']}</a></div>"
        )
        if state.can_bookmark and self.authenticated:
            on, pressed = (
                (" post-action--on", 'value="0" aria-pressed="true"')
                if state.bookmarked
                else ("", 'value="1" aria-pressed="false"')
            )
            out.append(
                f'<button type="submit" class="post-action post-action--bookmark{on}" '
                f'formaction="{escape(state.bookmark_url)}" name="active" {pressed} data-bookmark>'
                f"{labels['bookmark']}</button>"
            )
        if state.can_mark_solved:
            value, text = ("0", labels["unmark_solution"]) if state.is_solution else ("1", labels["mark_solution"])
            out.append(
                f'<button type="submit" class="post-action post-action--solve" formaction="{escape(state.solve_url)}" '
                f'name="solved" value="{value}" data-plain>{text}</button>'
            )
        out.append(
            f'<a class="post-action post-action--share" href="{url}" data-share data-copied="{labels["copied"]}">'
            f'{labels["share"]}</a><span class="post-actions__status" role="status" data-engagement-status></span>'
        )
        out.append("</form>" if self.authenticated else "</div>")
        post = row.post
        if self.composer and not row.deleted and not post.hidden_at:
            out.append('<div class="post-compose-actions">')
            if self.can_reply:
                number = post.post_number
                handle = escape(post.author.handle) if post.author_id else ""
                out.append(
                    f'<a class="post-action" href="{escape(state.reply_url)}" data-reply-to="{number}">'
                    f'{labels["reply"]}</a><a class="post-action" href="{escape(state.quote_url)}" '
                    f'data-quote-post="{number}" data-quote-author="{handle}" data-quote-url="{url}">'
                    f"{labels['quote']}</a>"
                )
            if state.can_edit:
                out.append(f'<a class="post-action" href="{escape(state.edit_url)}">{labels["edit"]}</a>')
            if state.can_delete:
                out.append(
                    f'<a class="post-action post-action--danger" href="{escape(state.delete_url)}">'
                    f"{labels['delete']}</a>"
                )
            out.append("</div>")
        out.append("</div>")
        return "".join(out)

    def _moderation(self, row: PostRow, state: PostViewerState) -> str:
        labels = self.labels
        post = row.post
        out = [f'<details class="post-moderation"><summary class="post-moderation__toggle">{labels["moderation"]}']
        if post.flag_count:
            flags = ngettext("%(counter)s open flag", "%(counter)s open flags", post.flag_count) % {
                "counter": post.flag_count
            }
            out.append(f'<span class="post-moderation__flags">{escape(flags)}</span>')
        out.append("</summary>")
        if row.deleted or post.hidden_at:
            out.append(
                f'<div class="post-moderation__original prose"><p class="muted">{labels["original"]}</p>'
                f"{post.body_html}</div>"
            )
        # Each action opens the post's moderation page with the action chosen; the reason is asked there.
        base = escape(state.moderate_url)
        actions: list[tuple[str, str]] = []
        if row.deleted:
            actions.append(("restore", "restore"))
        else:
            actions.append(("unhide", "unhide") if post.hidden_at else ("hide", "hide"))
            if post.post_number > 1:
                actions.append(("delete", "delete"))
            actions.append(("edit", "edit_reason"))
        if self.is_global and post.author_id and post.author_id != self.user_id:
            if post.author.silenced_until:
                actions.append(("unsilence", "unsilence"))
            actions.append(("silence", "silence"))
        out.append('<ul class="post-moderation__actions">')
        out.extend(f'<li><a href="{base}?action={action}">{labels[label]}</a></li>' for action, label in actions)
        out.append("</ul></details>")
        return "".join(out)
