"""Template filter for the consent placeholder of external players (components/consent_embed.html)."""

from django import template

from ..embeds import Embed, embed_for

register = template.Library()


@register.filter
def video_embed(url: str) -> Embed | None:
    return embed_for(url or "")
