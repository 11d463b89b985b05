"""Template tags for the forum lists whose rows are written in Python (forums.list_markup)."""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.utils.safestring import SafeString

from ..list_markup import topic_rows_html
from ..selectors.lists import TopicRow

register = template.Library()


@register.simple_tag
def topic_rows(rows: Iterable[TopicRow], show_category: bool = False) -> SafeString:
    """The <li> items of a topic list (see forums/_topic_list.html)."""
    return topic_rows_html(rows, show_category=bool(show_category))
