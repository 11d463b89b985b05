"""The Notification model: one row per thing a member is told about, listed without joins into feature apps."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import registry


def validate_kind(value: str) -> None:
    """Kinds are registered by the apps that own them; the field has no fixed choices."""
    if not registry.is_registered(value):
        raise ValidationError(_("Unknown notification kind: %(kind)s"), params={"kind": value}, code="invalid")


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=50, validators=[validate_kind])
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    content_type = models.ForeignKey(
        ContentType,
        verbose_name=_("target type"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    object_id = models.PositiveBigIntegerField(_("target id"), null=True, blank=True)
    target = GenericForeignKey("content_type", "object_id")
    # What the list shows (title, url, excerpt, count), copied at creation so a page of
    # notifications needs no query into the feature app that caused them.
    data = models.JSONField(_("data"), default=dict, blank=True)
    # Notifications sharing an unread group key are merged into one (reactions per post).
    group_key = models.CharField(_("group key"), max_length=100, blank=True, default="")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=False)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["recipient", "read_at", "-created_at"],
                name="notif_recipient_unread_idx",
            ),
            models.Index(fields=["recipient", "-created_at"], name="notif_recipient_created_idx"),
            models.Index(fields=["content_type", "object_id"], name="notif_target_idx"),
            # The e-mail job's question: which unread notifications have not been mailed yet?
            models.Index(
                fields=["created_at"],
                condition=models.Q(read_at__isnull=True, emailed_at__isnull=True),
                name="notif_email_due_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def title(self) -> str:
        return str(self.data.get("title", ""))

    @property
    def excerpt(self) -> str:
        return str(self.data.get("excerpt", ""))

    @property
    def url(self) -> str:
        return str(self.data.get("url", ""))

    @property
    def count(self) -> int:
        """How many events this (grouped) notification stands for."""
        try:
            return max(1, int(self.data.get("count", 1)))
        except (TypeError, ValueError):
            return 1


class NotificationPreference(models.Model):
    """How a member wants to be told: e-mails for unread notifications, and a digest (off until chosen)."""

    class Digest(models.TextChoices):
        OFF = "off", _("No digest")
        DAILY = "daily", _("Daily")
        WEEKLY = "weekly", _("Weekly")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="notification_preference",
        primary_key=True,
    )
    email_notifications = models.BooleanField(
        _("e-mail me about unread notifications"),
        default=True,
        help_text=_("Sent when a notification is still unread after a few minutes; one mail per burst."),
    )
    digest = models.CharField(_("summary by e-mail"), max_length=10, choices=Digest.choices, default=Digest.OFF)
    digest_last_sent_at = models.DateTimeField(_("last summary sent at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        indexes = [models.Index(fields=["digest", "digest_last_sent_at"], name="notif_pref_digest_idx")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.digest}"
