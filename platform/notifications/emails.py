"""E-mails about notifications: unread ones after a delay (one mail per member and run), and the digests.

Every mail is German unless the member's language says otherwise, has a plain-text and an HTML
part, and carries a one-click unsubscribe link (RFC 8058) that works without logging in.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from community.models import User

from . import registry
from .models import Notification, NotificationPreference

logger = logging.getLogger(__name__)

DEFAULT_EMAIL_DELAY = 600
UNSUBSCRIBE_SALT = "notifications.unsubscribe"
SCOPE_EMAIL = "email"
SCOPE_DIGEST = "digest"
SCOPES = (SCOPE_EMAIL, SCOPE_DIGEST)
# Most notifications listed in one mail; the rest are summed up with a link to the page.
MAX_ITEMS_PER_MAIL = 20
DIGEST_PERIODS = {
    NotificationPreference.Digest.DAILY: timedelta(days=1),
    NotificationPreference.Digest.WEEKLY: timedelta(days=7),
}
# The scheduler looks hourly; a digest a little early beats one a whole hour late every time.
DIGEST_SLACK = timedelta(minutes=30)


def email_delay() -> timedelta:
    return timedelta(seconds=int(getattr(settings, "NOTIFICATIONS_EMAIL_DELAY", DEFAULT_EMAIL_DELAY)))


def absolute_url(path: str) -> str:
    if path.startswith(("http://", "https://")):
        return path
    return settings.SITE_URL.rstrip("/") + path


# --- unsubscribe tokens --------------------------------------------------------------------------


def unsubscribe_token(*, user: User, scope: str) -> str:
    """A signed token naming the member and the kind of mail; no table, no expiry (old mails keep working)."""
    if scope not in SCOPES:
        raise ValueError(f"Unknown unsubscribe scope: {scope!r}")
    return signing.dumps({"u": user.pk, "s": scope}, salt=UNSUBSCRIBE_SALT, compress=True)


@dataclass(frozen=True)
class UnsubscribeRequest:
    user: User
    scope: str


def read_unsubscribe_token(token: str) -> UnsubscribeRequest | None:
    """The member and scope of a token, or None for a forged, damaged or stale one."""
    try:
        value = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(value, dict) or value.get("s") not in SCOPES or not isinstance(value.get("u"), int):
        return None
    user = User.objects.filter(pk=value["u"], is_active=True).first()
    if user is None:
        return None
    return UnsubscribeRequest(user=user, scope=value["s"])


def unsubscribe_url(*, user: User, scope: str) -> str:
    return absolute_url(reverse("notifications:unsubscribe", args=[unsubscribe_token(user=user, scope=scope)]))


# --- sending -------------------------------------------------------------------------------------


def _language_for(user: User) -> str:
    return getattr(user, "language", "") or settings.LANGUAGE_CODE


def _message(*, user: User, subject: str, template: str, context: dict[str, Any], scope: str) -> EmailMultiAlternatives:
    """A mail with text and HTML parts and the List-Unsubscribe headers; rendered in the member's language."""
    unsubscribe = unsubscribe_url(user=user, scope=scope)
    context = {
        **context,
        "user": user,
        "site_name": getattr(settings, "WAGTAIL_SITE_NAME", "Mitmach-Regionen"),
        "site_url": settings.SITE_URL.rstrip("/"),
        "settings_url": absolute_url(reverse("notification_settings:edit")),
        "unsubscribe_url": unsubscribe,
        "scope": scope,
    }
    text = render_to_string(f"notifications/email/{template}.txt", context)
    html = render_to_string(f"notifications/email/{template}.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def _notification_rows(notifications: list[Notification]) -> list[dict[str, Any]]:
    kinds = {kind.key: kind for kind in registry.all_kinds()}
    rows = []
    for notification in notifications:
        kind = kinds.get(notification.kind)
        rows.append(
            {
                "kind_label": str(kind.label) if kind else notification.kind,
                "actor": str(notification.actor) if notification.actor_id else "",
                "count": notification.count,
                "title": notification.title,
                "excerpt": notification.excerpt,
                "url": absolute_url(reverse("notifications:open", args=[notification.pk])),
                # A kind may carry its own unsubscribe address (course reminders stop the weekly goal).
                "unsubscribe_url": absolute_url(notification.data["unsubscribe_url"])
                if notification.data.get("unsubscribe_url")
                else "",
            }
        )
    return rows


def _wants_notification_mails(user_ids: list[int]) -> set[int]:
    """Members who did not switch notification mails off (no preference row means the default: on)."""
    off = set(
        NotificationPreference.objects.filter(user_id__in=user_ids, email_notifications=False).values_list(
            "user_id", flat=True
        )
    )
    return {pk for pk in user_ids if pk not in off}


def send_due_notification_emails(*, now: datetime | None = None) -> int:
    """Mail every member their notifications that are still unread after the delay; returns mails sent.

    One mail per member and run holds all their due notifications, so a burst of replies
    becomes one mail; every notification is mailed at most once, and one read meanwhile is
    skipped. Members who switched notification mails off get none (their notifications are
    marked as handled so they never pile up into a late mail).
    """
    now = now or timezone.now()
    cutoff = now - email_delay()
    due = Notification.objects.filter(read_at__isnull=True, emailed_at__isnull=True, created_at__lte=cutoff)
    recipient_ids = sorted(set(due.values_list("recipient_id", flat=True)))
    if not recipient_ids:
        return 0
    wanted = _wants_notification_mails(recipient_ids)
    silent = [pk for pk in recipient_ids if pk not in wanted]
    if silent:
        due.filter(recipient_id__in=silent).update(emailed_at=now)
    users = {user.pk: user for user in User.objects.filter(pk__in=wanted, is_active=True).exclude(email="")}
    sent = 0
    connection = get_connection()
    for user_id in sorted(users):
        user = users[user_id]
        with transaction.atomic():
            mine = due.filter(recipient_id=user_id).select_for_update(of=("self",)).select_related("actor")
            notifications = list(mine.order_by("created_at", "id"))
            if not notifications:
                continue
            with translation.override(_language_for(user)):
                count = len(notifications)
                if count == 1:
                    subject = _("%(title)s – new on %(site)s") % {
                        "title": notifications[0].title or _("A new notification"),
                        "site": getattr(settings, "WAGTAIL_SITE_NAME", "Mitmach-Regionen"),
                    }
                else:
                    subject = ngettext(
                        "%(count)d new notification on %(site)s",
                        "%(count)d new notifications on %(site)s",
                        count,
                    ) % {"count": count, "site": getattr(settings, "WAGTAIL_SITE_NAME", "Mitmach-Regionen")}
                shown = notifications[:MAX_ITEMS_PER_MAIL]
                message = _message(
                    user=user,
                    subject=subject,
                    template="notifications",
                    context={
                        "rows": _notification_rows(shown),
                        "count": count,
                        "more": count - len(shown),
                        "list_url": absolute_url(reverse("notifications:list")),
                    },
                    scope=SCOPE_EMAIL,
                )
            message.connection = connection
            message.send()
            Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(emailed_at=now)
            sent += 1
    if sent:
        logger.info("Sent %d notification e-mail(s)", sent)
    return sent


def digest_due_q(now: datetime):
    """Preferences whose digest is due at `now`."""
    from django.db.models import Q

    q = Q()
    for frequency, period in DIGEST_PERIODS.items():
        q |= Q(digest=frequency) & (
            Q(digest_last_sent_at__isnull=True) | Q(digest_last_sent_at__lte=now - period + DIGEST_SLACK)
        )
    return q


def build_digest(*, user: User, since: datetime, now: datetime) -> list[dict[str, Any]]:
    """The digest's sections for this member, each with its items; empty sections are left out."""
    sections = []
    for section in registry.digest_sections():
        try:
            items = section.build(user=user, since=since, now=now)
        except Exception:  # one broken section must not stop everyone's digest
            logger.exception("Digest section %s failed for member %s", section.key, user.pk)
            continue
        if items:
            sections.append(
                {
                    "key": section.key,
                    "label": section.label,
                    "items": [{"title": i.title, "url": absolute_url(i.url), "note": i.note} for i in items],
                }
            )
    return sections


def send_due_digests(*, now: datetime | None = None) -> int:
    """Send the daily and weekly digests that are due; returns mails sent. Nothing new means no mail."""
    now = now or timezone.now()
    preferences = list(
        NotificationPreference.objects.filter(digest_due_q(now), user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
    )
    sent = 0
    connection = get_connection()
    for preference in preferences:
        user = preference.user
        period = DIGEST_PERIODS[preference.digest]
        since = preference.digest_last_sent_at or (now - period)
        with translation.override(_language_for(user)):
            sections = build_digest(user=user, since=since, now=now)
            if sections:
                if preference.digest == NotificationPreference.Digest.DAILY:
                    subject = _("Your daily summary from %(site)s")
                else:
                    subject = _("Your weekly summary from %(site)s")
                subject = subject % {"site": getattr(settings, "WAGTAIL_SITE_NAME", "Mitmach-Regionen")}
                message = _message(
                    user=user,
                    subject=subject,
                    template="digest",
                    context={"sections": sections, "since": since, "frequency": preference.digest},
                    scope=SCOPE_DIGEST,
                )
                message.connection = connection
                message.send()
                sent += 1
        # Moved on even when there was nothing to send, so the next digest covers only what is new.
        NotificationPreference.objects.filter(pk=preference.pk).update(digest_last_sent_at=now)
    if sent:
        logger.info("Sent %d digest e-mail(s)", sent)
    return sent
