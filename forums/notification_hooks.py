"""What the forums contribute to the platform's notifications: kinds, digest sections and a settings section.

Registered in ForumsConfig.ready(); the notifications app never imports the forums.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from community.models import User
from notifications import registry

from .models import ForumMember, NotificationLevel

LEVEL_HELP = {
    NotificationLevel.WATCHING: _("You are told about every new post."),
    NotificationLevel.TRACKING: _("Unread posts are counted; you are told about replies to you and mentions."),
    NotificationLevel.NORMAL: _("You are told only about replies to you and mentions."),
    NotificationLevel.MUTED: _("You are never told about anything here."),
}


class ForumDefaultsForm(forms.Form):
    level_on_create = forms.TypedChoiceField(
        label=_("Topics I start"),
        choices=NotificationLevel.choices,
        coerce=int,
        help_text=_("Your notification level for a topic when you start it."),
    )
    level_on_reply = forms.TypedChoiceField(
        label=_("Topics I reply to"),
        choices=NotificationLevel.choices,
        coerce=int,
        help_text=_("Your notification level for a topic when you reply to it (unless you chose one yourself)."),
    )


def _settings_form(*, user: User, data: Any = None, prefix: str = "forums") -> ForumDefaultsForm:
    member = ForumMember.objects.filter(user=user).only("level_on_create", "level_on_reply").first()
    initial = {
        "level_on_create": member.level_on_create if member else NotificationLevel.TRACKING,
        "level_on_reply": member.level_on_reply if member else NotificationLevel.TRACKING,
    }
    return ForumDefaultsForm(data, initial=initial, prefix=prefix)


def _settings_save(*, user: User, form: ForumDefaultsForm) -> None:
    from .services.subscriptions import forum_member_defaults_set

    forum_member_defaults_set(
        user=user,
        level_on_create=form.cleaned_data["level_on_create"],
        level_on_reply=form.cleaned_data["level_on_reply"],
    )


def register() -> None:
    from .selectors.digest import digest_popular_topics, digest_unread_topics
    from .services.notify import register_kinds

    register_kinds()
    registry.register_digest_section("forums_popular", _("Popular topics in the forums"), digest_popular_topics)
    registry.register_digest_section("forums_unread", _("Unread posts in topics you follow"), digest_unread_topics)
    registry.register_settings_section(
        "forums",
        _("Forums"),
        form=_settings_form,
        save=_settings_save,
        help_text=_(
            "Watching: every new post. Tracking: unread counts, replies and mentions. "
            "Normal: replies and mentions only. Muted: nothing."
        ),
    )
