"""The rows of a topic list (forums/_topic_list.html), written in Python like the posts (forums.post_markup).

A list page shows 30 rows; through the template language they cost about a fifth of the page. Every
value comes precomputed in a TopicRow (selectors.lists) and is escaped here.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, pgettext

from .post_markup import escape

if TYPE_CHECKING:
    from .selectors.lists import TopicRow


def _badge(text: str, variant: str) -> str:
    # components/badge.html
    return f'<span class="badge badge--{variant}">{text}</span>'


def topic_rows_html(rows: Iterable[TopicRow], *, show_category: bool) -> SafeString:
    """The <li> items of a topic list; the fixed texts are translated once per list."""
    new_label = escape(pgettext("topic badge", "new"))
    pinned = _badge(escape(gettext("Pinned")), "info")
    solved = _badge(escape(gettext("Solved")), "success")
    closed = _badge(escape(gettext("Closed")), "warning")
    last_post_label = escape(gettext("Last post:"))
    parts = []
    for row in rows:
        topic = row.topic
        url = escape(row.url)
        parts.append(
            f'<li class="topic-row"><div class="topic-row__main">'
            f'<a class="topic-row__title" href="{url}">{escape(topic.title)}</a>'
        )
        if row.unread:
            parts.append(
                f'<a class="reading-badge reading-badge--unread" href="{url}">'
                f'<span class="visually-hidden">{escape(row.unread_label)}</span>'
                f'<span aria-hidden="true">{row.unread}</span></a>'
            )
        elif row.is_new:
            parts.append(f'<span class="reading-badge reading-badge--new">{new_label}</span>')
        parts.append('<p class="topic-row__meta">')
        if row.pinned:
            parts.append(pinned)
        if topic.accepted_post_id:
            parts.append(solved)
        if topic.closed:
            parts.append(closed)
        if show_category:
            # The category colour is data, set per item as a custom property.
            parts.append(
                f'<a class="category-label" href="{escape(row.category_url)}" '
                f'style="--category-colour: {escape(row.category_colour)}">{escape(row.category_name)}</a>'
            )
        if row.author_name:
            parts.append(f"<span>{escape(row.author_name)}</span>")
        parts.append(
            f'</p></div><p class="topic-row__stats"><span class="topic-row__replies">{escape(row.replies_label)}</span>'
            f'<a class="topic-row__activity" href="{escape(row.last_url)}">'
            f'<span class="visually-hidden">{last_post_label}</span>'
            f'<time datetime="{escape(row.last_posted_iso)}">{escape(row.last_posted_at)}</time></a></p></li>'
        )
    return mark_safe("".join(parts))  # noqa: S308 - every value escaped above
