# Chat rooms (issue 5): rooms, members with read markers, messages, mentions, reactions, flags and
# silences; and a room for every existing Handlungsfeld and team (new ones get theirs from the services).

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def create_rooms(apps, schema_editor):
    Handlungsfeld = apps.get_model("community", "Handlungsfeld")
    Team = apps.get_model("community", "Team")
    Room = apps.get_model("forums", "Room")
    for field in Handlungsfeld.objects.all():
        if not Room.objects.filter(kind="handlungsfeld", handlungsfeld=field).exists():
            Room.objects.create(kind="handlungsfeld", handlungsfeld=field, name=field.name[:80], slug=field.slug[:80])
    for team in Team.objects.all():
        if not Room.objects.filter(kind="team", team=team).exists():
            Room.objects.create(kind="team", team=team, name=team.name[:80], slug=f"team-{team.slug}"[:80])


def delete_rooms(apps, schema_editor):
    apps.get_model("forums", "Room").objects.filter(kind__in=["handlungsfeld", "team"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0003_user_handle_and_silence"),
        ("forums", "0009_moderation"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Message",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("body_markdown", models.TextField(max_length=4000, verbose_name="text")),
                ("body_html", models.TextField(editable=False, verbose_name="text (rendered)")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="created at")),
                ("edited_at", models.DateTimeField(blank=True, null=True, verbose_name="edited at")),
                ("deleted_at", models.DateTimeField(blank=True, null=True, verbose_name="deleted at")),
                ("hidden_at", models.DateTimeField(blank=True, null=True, verbose_name="hidden at")),
                ("flag_count", models.PositiveIntegerField(default=0, editable=False, verbose_name="open flags")),
                (
                    "reaction_counts",
                    models.JSONField(blank=True, default=dict, editable=False, verbose_name="reaction counts"),
                ),
                ("pinned_at", models.DateTimeField(blank=True, null=True, verbose_name="pinned at")),
                (
                    "author",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="chat_messages",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="author",
                    ),
                ),
                (
                    "deleted_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="deleted by",
                    ),
                ),
                (
                    "pinned_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="pinned by",
                    ),
                ),
                (
                    "reply_to",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="forums.message",
                        verbose_name="reply to",
                    ),
                ),
            ],
            options={
                "verbose_name": "chat message",
                "verbose_name_plural": "chat messages",
                "ordering": ["room", "id"],
            },
        ),
        migrations.CreateModel(
            name="Room",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("handlungsfeld", "Handlungsfeld"),
                            ("team", "Team"),
                            ("public", "Open room"),
                            ("private", "Invite-only room"),
                            ("direct", "Direct conversation"),
                        ],
                        max_length=15,
                        verbose_name="kind",
                    ),
                ),
                ("name", models.CharField(blank=True, max_length=80, verbose_name="name")),
                ("slug", models.SlugField(blank=True, max_length=80, verbose_name="slug")),
                ("description", models.CharField(blank=True, max_length=300, verbose_name="description")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="created at")),
                (
                    "slow_mode_seconds",
                    models.PositiveIntegerField(
                        default=0,
                        help_text="Minimum time between two messages of a member; 0 is off.",
                        verbose_name="slow mode (seconds)",
                    ),
                ),
                (
                    "direct_key",
                    models.CharField(blank=True, editable=False, max_length=200, verbose_name="members key"),
                ),
                (
                    "last_message_id",
                    models.PositiveBigIntegerField(default=0, editable=False, verbose_name="last message id"),
                ),
                (
                    "last_message_at",
                    models.DateTimeField(blank=True, editable=False, null=True, verbose_name="last message at"),
                ),
                ("message_count", models.PositiveIntegerField(default=0, editable=False, verbose_name="messages")),
                ("archived", models.BooleanField(default=False, verbose_name="archived")),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="created by",
                    ),
                ),
                (
                    "handlungsfeld",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="chat_rooms",
                        to="community.handlungsfeld",
                        verbose_name="Handlungsfeld",
                    ),
                ),
                (
                    "team",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="chat_rooms",
                        to="community.team",
                        verbose_name="team",
                    ),
                ),
            ],
            options={
                "verbose_name": "chat room",
                "verbose_name_plural": "chat rooms",
                "ordering": ["kind", "name"],
            },
        ),
        migrations.CreateModel(
            name="MessageMention",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "message",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="mentions",
                        to="forums.message",
                        verbose_name="message",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="member",
                    ),
                ),
                (
                    "room",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="forums.room",
                        verbose_name="chat room",
                    ),
                ),
            ],
            options={
                "verbose_name": "chat mention",
                "verbose_name_plural": "chat mentions",
            },
        ),
        migrations.AddField(
            model_name="message",
            name="room",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="messages",
                to="forums.room",
                verbose_name="chat room",
            ),
        ),
        migrations.CreateModel(
            name="RoomMember",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "role",
                    models.CharField(
                        choices=[("member", "Room member"), ("admin", "Room admin")],
                        default="member",
                        max_length=10,
                        verbose_name="role",
                    ),
                ),
                ("last_read_message_id", models.PositiveBigIntegerField(default=0, verbose_name="last read message")),
                ("muted", models.BooleanField(default=False, verbose_name="muted")),
                ("joined_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="joined at")),
                (
                    "room",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="members",
                        to="forums.room",
                        verbose_name="chat room",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="chat_memberships",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="member",
                    ),
                ),
            ],
            options={
                "verbose_name": "chat room member",
                "verbose_name_plural": "chat room members",
            },
        ),
        migrations.CreateModel(
            name="RoomSilence",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("until", models.DateTimeField(verbose_name="silenced until")),
                ("reason", models.CharField(blank=True, max_length=500, verbose_name="reason")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="created at")),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="silenced by",
                    ),
                ),
                (
                    "room",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="silences",
                        to="forums.room",
                        verbose_name="chat room",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="member",
                    ),
                ),
            ],
            options={
                "verbose_name": "silence in a chat room",
                "verbose_name_plural": "silences in chat rooms",
            },
        ),
        migrations.CreateModel(
            name="MessageFlag",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "reason",
                    models.CharField(
                        choices=[
                            ("off_topic", "Off-topic"),
                            ("inappropriate", "Inappropriate"),
                            ("spam", "Spam"),
                            ("other", "Something else"),
                        ],
                        max_length=20,
                        verbose_name="reason",
                    ),
                ),
                ("note", models.CharField(blank=True, max_length=500, verbose_name="note")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="created at")),
                ("resolved_at", models.DateTimeField(blank=True, null=True, verbose_name="resolved at")),
                (
                    "message",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="flags",
                        to="forums.message",
                        verbose_name="message",
                    ),
                ),
                (
                    "reporter",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="reported by",
                    ),
                ),
                (
                    "resolved_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="resolved by",
                    ),
                ),
            ],
            options={
                "verbose_name": "message flag",
                "verbose_name_plural": "message flags",
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("resolved_at__isnull", True)),
                        fields=("message", "reporter"),
                        name="forums_msgflag_open_unique",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="MessageReaction",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "kind",
                    models.CharField(
                        choices=[("heart", "❤️"), ("+1", "👍"), ("tada", "🎉"), ("pray", "🙏"), ("bulb", "💡")],
                        max_length=10,
                        verbose_name="reaction",
                    ),
                ),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="created at")),
                (
                    "message",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="reactions",
                        to="forums.message",
                        verbose_name="message",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="member",
                    ),
                ),
            ],
            options={
                "verbose_name": "message reaction",
                "verbose_name_plural": "message reactions",
                "constraints": [
                    models.UniqueConstraint(fields=("message", "user", "kind"), name="forums_msgreaction_unique")
                ],
            },
        ),
        migrations.AddIndex(
            model_name="room",
            index=models.Index(fields=["kind", "name"], name="forums_room_kind_idx"),
        ),
        migrations.AddConstraint(
            model_name="room",
            constraint=models.UniqueConstraint(
                condition=models.Q(("slug", ""), _negated=True), fields=("slug",), name="forums_room_slug_unique"
            ),
        ),
        migrations.AddConstraint(
            model_name="room",
            constraint=models.UniqueConstraint(
                condition=models.Q(("direct_key", ""), _negated=True),
                fields=("direct_key",),
                name="forums_room_direct_unique",
            ),
        ),
        migrations.AddConstraint(
            model_name="room",
            constraint=models.UniqueConstraint(
                condition=models.Q(("kind", "handlungsfeld")),
                fields=("handlungsfeld",),
                name="forums_room_field_unique",
            ),
        ),
        migrations.AddConstraint(
            model_name="room",
            constraint=models.UniqueConstraint(
                condition=models.Q(("kind", "team")), fields=("team",), name="forums_room_team_unique"
            ),
        ),
        migrations.AddIndex(
            model_name="messagemention",
            index=models.Index(fields=["user", "room", "message"], name="forums_mention_user_idx"),
        ),
        migrations.AddConstraint(
            model_name="messagemention",
            constraint=models.UniqueConstraint(fields=("message", "user"), name="forums_mention_unique"),
        ),
        migrations.AddIndex(
            model_name="message",
            index=models.Index(fields=["room", "id"], name="forums_message_room_idx"),
        ),
        migrations.AddIndex(
            model_name="message",
            index=models.Index(fields=["author", "created_at"], name="forums_message_author_idx"),
        ),
        migrations.AddIndex(
            model_name="message",
            index=models.Index(
                condition=models.Q(("pinned_at__isnull", False)),
                fields=["room", "pinned_at"],
                name="forums_message_pinned_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="roommember",
            index=models.Index(fields=["user", "room"], name="forums_roommember_user_idx"),
        ),
        migrations.AddConstraint(
            model_name="roommember",
            constraint=models.UniqueConstraint(fields=("room", "user"), name="forums_roommember_unique"),
        ),
        migrations.AddConstraint(
            model_name="roomsilence",
            constraint=models.UniqueConstraint(fields=("room", "user"), name="forums_roomsilence_unique"),
        ),
        migrations.RunPython(create_rooms, delete_rooms),
    ]
